import Radiography

/// A value representation, as the two ASCII letters explicit VR writes before the length.
struct VR: Hashable, Sendable, CustomStringConvertible {
    let raw: UInt16  // first letter in the high byte, so "OB" reads as 0x4F42

    init(_ a: UInt8, _ b: UInt8) { raw = UInt16(a) << 8 | UInt16(b) }

    init(_ text: StaticString) {
        let p = text.utf8Start
        self.init(p[0], p[1])
    }

    var description: String {
        String(decoding: [UInt8(raw >> 8), UInt8(raw & 0xFF)], as: UTF8.self)
    }

    /// VRs PS3.5 (7.1.2) writes with two reserved bytes and a 32-bit length in explicit VR;
    /// all others have a 16-bit length.
    var hasLongLength: Bool { VR.longLength.contains(self) }

    /// True for the VRs PS3.5 defines. Used to tell explicit from implicit VR when a data set
    /// arrives without a meta group: implicit VR has length bytes where explicit has letters.
    var isKnown: Bool { VR.all.contains(self) }

    static let OB = VR("OB"), OD = VR("OD"), OF = VR("OF"), OL = VR("OL"), OV = VR("OV")
    static let OW = VR("OW"), SQ = VR("SQ"), UC = VR("UC"), UN = VR("UN"), UR = VR("UR")
    static let UT = VR("UT"), SV = VR("SV"), UV = VR("UV")
    static let US = VR("US"), UL = VR("UL"), DS = VR("DS"), IS = VR("IS"), CS = VR("CS")
    static let UI = VR("UI"), SH = VR("SH"), LO = VR("LO"), PN = VR("PN"), DA = VR("DA")
    static let TM = VR("TM"), AT = VR("AT"), DT = VR("DT"), LT = VR("LT"), FD = VR("FD"), ST = VR("ST")

    private static let longLength: Set<VR> = [.OB, .OD, .OF, .OL, .OV, .OW, .SQ, .UC, .UN, .UR, .UT, .SV, .UV]
    private static let all: Set<VR> = longLength.union([
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "PN", "SH",
        "SL", "SS", "ST", "TM", "UI", "UL", "US",
    ].map { (s: String) -> VR in let u = Array(s.utf8); return VR(u[0], u[1]) })
}
