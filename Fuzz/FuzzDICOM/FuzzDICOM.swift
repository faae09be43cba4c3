import DICOM
import FuzzSupport
import Radiography

/// libFuzzer target for the DICOM reader: the header summary, the film decoder and the
/// stored-value reader, on frame 1 and 2, so every transfer syntax and pixel codec the corpus
/// reaches (native, deflate, RLE, JPEG Lossless, JPEG Baseline, JPEG 2000, HTJ2K, JPEG-LS) is
/// exercised.
///
/// Limits are small so each input is fast; what is checked besides "no crash" is that every
/// successful result is consistent with its own dimensions.
@main
enum FuzzDICOM {
    static let limits = DecodeLimits(maxPixels: 1 << 18, maxFileBytes: 1 << 22, maxSequenceDepth: 32, maxElements: 100_000)

    static func main() {
        FuzzEntry.run { bytes in
            _ = try? DICOMHeader.read(bytes, limits: limits)
            for frame in 1...2 {
                if let film = try? DICOMDecoder.decode(bytes, frame: frame, limits: limits) {
                    precondition(film.pixels.count == film.width * film.height)
                    precondition(film.width * film.height <= limits.maxPixels)
                    let maximum = UInt16(film.maximumValue)
                    precondition(film.pixels.allSatisfy { $0 <= maximum }, "sample above Bits Stored")
                }
                if let stored = try? DICOMDecoder.storedValues(bytes, frame: frame, limits: limits) {
                    precondition(stored.bytes.count == stored.count * stored.sampleType.byteCount)
                }
            }
        }
    }
}
