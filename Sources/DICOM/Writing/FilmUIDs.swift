/// Deterministic UIDs for an encoded film, in the `2.25.<UUID as decimal>` form of PS3.5 B.2,
/// which needs no registered organisation root.
///
/// The UUIDs are FNV-1a hashes of the patient ID, the film's size and every stored value,
/// one per role, with the version/variant bits of an RFC 9562 version 8 (custom) UUID. Same film,
/// same UIDs (so fixtures are reproducible); a changed pixel gives new ones.
struct FilmUIDs {
    let study: String
    let series: String
    let sopInstance: String

    /// Identifies this writer in the meta group (0002,0012).
    static let implementationClass = uid(hashing: Array("detect DICOMEncoder 1".utf8))

    init(_ film: DICOMFilm) {
        var seed = Array(film.patientID.utf8)
        for v in [film.width, film.height, film.bitsStored] {
            seed.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)])
        }
        var pixelHash: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in film.storedValues {
            pixelHash = (pixelHash ^ UInt64(v)) &* 0x0000_0100_0000_01B3
        }
        for k in 0..<8 { seed.append(UInt8((pixelHash >> (8 * UInt64(k))) & 0xFF)) }
        study = Self.uid(hashing: Array("study".utf8) + seed)
        series = Self.uid(hashing: Array("series".utf8) + seed)
        sopInstance = Self.uid(hashing: Array("instance".utf8) + seed)
    }

    /// A new UID for an object made now (a derived series or instance): `2.25.` and a random
    /// (version 4) UUID, at most 44 characters.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var value = UInt128(generator.next() as UInt64) << 64 | UInt128(generator.next() as UInt64)
        value = (value & ~(UInt128(0xF) << 76)) | (UInt128(0x4) << 76)
        value = (value & ~(UInt128(0x3) << 62)) | (UInt128(0x2) << 62)
        return "2.25.\(value)"
    }

    static func uid(hashing bytes: [UInt8]) -> String {
        let hi = fnv1a(bytes, basis: 0xcbf2_9ce4_8422_2325)
        let lo = fnv1a(bytes, basis: 0x84222325_cbf29ce4)
        var value = UInt128(hi) << 64 | UInt128(lo)
        // Version 8 in bits 76…79, variant 0b10 in bits 62…63.
        value = (value & ~(UInt128(0xF) << 76)) | (UInt128(0x8) << 76)
        value = (value & ~(UInt128(0x3) << 62)) | (UInt128(0x2) << 62)
        return "2.25.\(value)"
    }

    private static func fnv1a(_ bytes: [UInt8], basis: UInt64) -> UInt64 {
        var h = basis
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        // FNV's low bits mix poorly for short inputs; a final avalanche (splitmix64) spreads them.
        h ^= h >> 30; h &*= 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27; h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h
    }
}
