import ArgumentParser
import DICOM
import FilmAnalysis
import Foundation
import ImageIO
import Radiography

/// `detect convert FILE OUT`: one frame of a film as a NumPy array or a PNG, written atomically.
///
/// - `OUT.npy`: DICOM stored values (`DICOMStoredFrame`: natural dtype, shape `(rows, columns)`
///   or `(rows, columns, samples)`, no rescale, window or inversion; 8-bit YCbCr as RGB, as
///   pydicom 3's default `pixel_array`, or as stored with `--keep-ybr`), so they can be compared
///   with any other reader. PNG/JPEG input: the decoded samples (uint8 up to 8 bits, else uint16).
/// - `OUT.png`: an 8-bit display image of the film as `analyze` sees it (MONOCHROME1 inverted,
///   colour as luminance), through the file's first window (PS3.3 C.11.2.1.2, linear), else
///   stretched from its minimum to its maximum. `--raw` writes the stored values in 16 bits
///   instead, for unsigned grayscale of up to 16 bits (other data would not survive the trip).
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write one frame of a film as .npy (stored values) or .png (display image).",
        discussion: "The output type follows OUT's extension: .npy or .png."
    )

    @Argument(help: "The film (DICOM, PNG or JPEG).")
    var file: String

    @Argument(help: "Output file, ending in .npy or .png.")
    var out: String

    @Option(help: "Frame of a multi-frame DICOM film (1-based).")
    var frame: Int = 1

    @Flag(help: "PNG only: write the stored values as 16-bit grayscale instead of a display image.")
    var raw = false

    @Flag(help: ".npy only: keep 8-bit YCbCr colour as stored (pydicom's as_rgb=False) instead of converting it to RGB as pydicom 3's default pixel_array does.")
    var keepYbr = false

    @OptionGroup var limitOptions: LimitOptions

    enum Kind { case npy, png }

    var kind: Kind? {
        switch (out as NSString).pathExtension.lowercased() {
        case "npy": .npy
        case "png": .png
        default: nil
        }
    }

    func validate() throws {
        guard let kind else { throw ValidationError("OUT must end in .npy or .png (got '\(out)')") }
        if raw && kind != .png { throw ValidationError("--raw applies to .png output only") }
        if keepYbr && kind != .npy { throw ValidationError("--keep-ybr applies to .npy output only") }
        if frame < 1 { throw ValidationError("--frame counts from 1") }
    }

    func run() throws {
        let limits = limitOptions.limits
        let output: [UInt8]
        do {
            let bytes = try FilmLoader.readBytes(path: file, limits: limits)
            let isDICOM = FormatSniffer.format(of: bytes) == .dicom
            switch (kind!, isDICOM, raw) {
            case (.npy, true, _):
                let stored = try DICOMDecoder.storedValues(bytes, frame: frame, limits: limits,
                                                           colour: keepYbr ? .asStored : .rgb)
                output = NumpyEncoder.encode(descriptor: stored.sampleType.numpyDescriptor, shape: stored.numpyShape, body: stored.bytes)
            case (.npy, false, _):
                output = NumpyEncoder.encode(try FilmLoader.decode(bytes, frame: frame, limits: limits))
            case (.png, true, true):
                output = try Self.rawPNG(try DICOMDecoder.storedValues(bytes, frame: frame, limits: limits))
            case (.png, false, true):
                let film = try FilmLoader.decode(bytes, frame: frame, limits: limits)
                output = try PNGEncoder.encode(gray: film.pixels, width: film.width, height: film.height,
                                               bitDepth: 16, spacing: film.spacing)
            case (.png, _, false):
                let film = try FilmLoader.decode(bytes, frame: frame, limits: limits)
                output = try PNGEncoder.encode(gray: DisplayImage.render(film), width: film.width, height: film.height,
                                               bitDepth: 8, spacing: film.spacing)
            }
        } catch {
            FileHandle.standardError.write(Data("detect: \(file): \(CommandLineHints.text(error))\n".utf8))
            throw ExitCode(1)
        }
        try Analyze.makeFolder(holding: out)  // as every output of detect: a missing folder is made
        do {
            try AtomicFile.write(output, to: out)
        } catch {
            FileHandle.standardError.write(Data("detect: \(out): not written: \(CommandLineHints.text(error))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// 16-bit PNG of stored values: only unsigned grayscale fits without changing a value.
    static func rawPNG(_ frame: DICOMStoredFrame) throws -> [UInt8] {
        guard frame.samplesPerPixel == 1, !frame.sampleType.isSigned, frame.sampleType.byteCount <= 2 else {
            throw FilmError(.unsupported, "--raw writes unsigned grayscale of up to 16 bits; this frame is \(frame.sampleType.rawValue) with \(frame.samplesPerPixel) sample\(frame.samplesPerPixel == 1 ? "" : "s") per pixel (write .npy instead)")
        }
        let values = (0..<frame.count).map { UInt16(truncatingIfNeeded: frame.value(at: $0)) }
        return try PNGEncoder.encode(gray: values, width: frame.columns, height: frame.rows, bitDepth: 16, spacing: nil)
    }
}

/// The 8-bit picture of a film: its window, or its full range.
enum DisplayImage {
    static func render(_ film: Radiograph) -> [UInt16] {
        let (low, high): (Double, Double)
        if let w = film.displayWindow {
            // Linear VOI: x ≤ c − 0.5 − (w − 1)/2 is black, x > c − 0.5 + (w − 1)/2 is white.
            let half = max(w.width - 1, 0) / 2
            (low, high) = (w.center - 0.5 - half, w.center - 0.5 + half)
        } else {
            let lo = film.pixels.min() ?? 0, hi = film.pixels.max() ?? 0
            (low, high) = (Double(lo), Double(hi))
        }
        let span = high - low
        return film.pixels.withUnsafeBufferPointer { src in
            [UInt16](unsafeUninitializedCapacity: src.count) { out, initialised in
                for i in 0..<src.count {
                    let x = Double(src[i])
                    out[i] = span <= 0 ? (x > low ? 255 : 0) : UInt16(max(0, min(255, ((x - low) / span * 255).rounded())))
                }
                initialised = src.count
            }
        }
    }
}
