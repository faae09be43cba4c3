import ArgumentParser
import Radiography

/// The decoding limits every command that reads films accepts, with `DecodeLimits`' defaults.
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest film accepted, in pixels.")
    var maxPixels: Int = DecodeLimits.standard.maxPixels

    @Option(help: "Largest file read, in bytes.")
    var maxFileBytes: Int = DecodeLimits.standard.maxFileBytes

    @Option(help: "Deepest nesting of DICOM sequences accepted.")
    var maxSequenceDepth: Int = DecodeLimits.standard.maxSequenceDepth

    @Option(help: "Most DICOM data elements (including items and fragments) accepted in one file.")
    var maxElements: Int = DecodeLimits.standard.maxElements

    func validate() throws {
        guard maxPixels > 0, maxFileBytes > 0, maxSequenceDepth > 0, maxElements > 0 else {
            throw ValidationError("--max-pixels, --max-file-bytes, --max-sequence-depth and --max-elements must be positive")
        }
    }

    var limits: DecodeLimits {
        DecodeLimits(maxPixels: maxPixels, maxFileBytes: maxFileBytes,
                     maxSequenceDepth: maxSequenceDepth, maxElements: maxElements)
    }
}
