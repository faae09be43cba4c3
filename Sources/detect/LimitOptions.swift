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

    /// Upper bounds far above any film (16 Gpx, 1 TiB, 1000 levels, 2⁴⁰ elements) that keep
    /// products of the limits inside Int and the recursive sequence walk inside its 8 MiB stack.
    static let ranges: [(option: String, range: ClosedRange<Int>)] = [
        ("--max-pixels", 1...(1 << 34)), ("--max-file-bytes", 1...(1 << 40)),
        ("--max-sequence-depth", 1...1000), ("--max-elements", 1...(1 << 40)),
    ]

    func validate() throws {
        for ((option, range), value) in zip(Self.ranges, [maxPixels, maxFileBytes, maxSequenceDepth, maxElements])
        where !range.contains(value) {
            throw ValidationError("\(option) takes a whole number from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }

    var limits: DecodeLimits {
        DecodeLimits(maxPixels: maxPixels, maxFileBytes: maxFileBytes,
                     maxSequenceDepth: maxSequenceDepth, maxElements: maxElements)
    }
}
