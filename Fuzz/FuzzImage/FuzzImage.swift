import FuzzSupport
import ImageIO
import Radiography

/// libFuzzer target for the PNG and JPEG paths: sniffing, the libdeflate PNG path and the
/// libpng/libjpeg decoders behind the C shim, and the header-only `ImageInfo` parser. The
/// system libraries are not instrumented, so coverage guides only our own code around them (the
/// libdeflate path's chunk parsing and unfiltering are ours, in the shim); AddressSanitizer
/// still sees every write they make into our buffers.
///
/// Checked besides "no crash": a decoded film is consistent with its size, the libdeflate path
/// and libpng alone give the same result (samples, or the same error), and when both the
/// decoder and `ImageInfo` accept a file they agree on its width and height.
@main
enum FuzzImage {
    static let limits = DecodeLimits(maxPixels: 1 << 18, maxFileBytes: 1 << 22)

    static func main() {
        FuzzEntry.run { bytes in
            let info = try? ImageInfo.read(bytes)
            let film: Radiograph?
            switch FormatSniffer.format(of: bytes) {
            case .png?:
                let fast = Result { try PNGDecoder.decode(bytes, limits: limits) }
                let reference = Result { try PNGDecoder.decode(bytes, limits: limits, path: .libpng) }
                switch (fast, reference) {
                case let (.success(a), .success(b)):
                    precondition(a.pixels == b.pixels && a.bitsStored == b.bitsStored && a.spacing == b.spacing,
                                 "the libdeflate path and libpng read different samples")
                case let (.failure(a as FilmError), .failure(b as FilmError)):
                    precondition(a.message == b.message, "different errors: \(a.message) / \(b.message)")
                default:
                    preconditionFailure("one PNG path read the file, the other did not: \(fast) / \(reference)")
                }
                film = try? fast.get()
            case .jpeg?: film = try? JPEGDecoder.decode(bytes, limits: limits)
            default: film = nil
            }
            guard let film else { return }
            precondition(film.pixels.count == film.width * film.height)
            let maximum = UInt16(film.maximumValue)
            precondition(film.pixels.allSatisfy { $0 <= maximum }, "sample above bitsStored")
            if let info {
                precondition(info.width == film.width && info.height == film.height,
                             "ImageInfo says \(info.width)×\(info.height), the decoder \(film.width)×\(film.height)")
            }
        }
    }
}
