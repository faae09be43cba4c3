import ArgumentParser
import DICOM
import FilmAnalysis
import Foundation
import ImageIO
import Radiography
import Reporting

/// `detect info FILE [--json]`: what a film's header says, without decoding its pixels.
///
/// DICOM: the pixel module, rescale, window and both spacings as the file states them (JSON
/// keys as pydicom names the attributes, in snake case; numbers as numbers, multi-valued
/// attributes as lists; absent attributes left out), plus which spacing a measurement would
/// use. Files whose pixels `analyze` refuses (JPEG 2000, …) are still summarised. PNG/JPEG:
/// size, bit depth, colour type and spacing. An unreadable file: one line on standard error
/// naming it, exit 1.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a film's header (DICOM, PNG or JPEG) without decoding its pixels."
    )

    @Argument(help: "The film.")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "DICOM: list every element, as dcmdump does (tag, VR, value, length, name; sequences nested), instead of the summary. With --json, an array of objects.")
    var all = false

    @OptionGroup var limitOptions: LimitOptions

    func run() throws {
        let fields: [(String, InfoValue)]
        do {
            let limits = limitOptions.limits
            let bytes = try FilmLoader.readBytes(path: file, limits: limits)
            if all, FormatSniffer.format(of: bytes) == .dicom {
                let elements = try DICOMDump.read(bytes, limits: limits)
                let text = json ? "[" + elements.map(Self.jsonObject).joined(separator: ",\n") + "]\n" : DICOMDump.text(elements)
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            switch FormatSniffer.format(of: bytes) {
            case .dicom?: fields = Self.fields(try DICOMHeader.read(bytes, limits: limits))
            case .png?, .jpeg?: fields = Self.fields(try ImageInfo.read(bytes))
            case nil: throw FilmError(.unsupported, "not a DICOM, PNG or JPEG file")
            }
        } catch {
            FileHandle.standardError.write(Data("detect: \(file): \(CommandLineHints.text(error))\n".utf8))
            throw ExitCode(1)
        }
        let text = json ? InfoValue.jsonObject(fields) + "\n" : Self.table(fields)
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func fields(_ h: DICOMHeader) -> [(String, InfoValue)] {
        var f: [(String, InfoValue)] = [("format", .text("dicom"))]
        func add(_ key: String, _ value: InfoValue?) { if let value { f.append((key, value)) } }
        add("transfer_syntax_uid", .text(h.transferSyntaxUID))
        add("transfer_syntax_name", .text(h.transferSyntaxName))
        add("transfer_syntax_inferred", h.transferSyntaxIsStated ? nil : .bool(true))
        add("data_set_implicit_vr_despite_syntax", h.dataSetIsImplicitDespiteSyntax ? .bool(true) : nil)
        add("pixels_readable", .bool(h.transferSyntaxIsReadable && h.hasPixelData))
        add("sop_class_uid", h.sopClassUID.map(InfoValue.text))
        add("modality", h.modality.map(InfoValue.text))
        add("patient_id", h.patientID.map(InfoValue.text))
        add("rows", h.rows.map(InfoValue.int))
        add("columns", h.columns.map(InfoValue.int))
        add("number_of_frames", h.numberOfFrames.map(InfoValue.int))
        add("samples_per_pixel", h.samplesPerPixel.map(InfoValue.int))
        add("photometric_interpretation", h.photometricInterpretation.map(InfoValue.text))
        add("bits_allocated", h.bitsAllocated.map(InfoValue.int))
        add("bits_stored", h.bitsStored.map(InfoValue.int))
        add("high_bit", h.highBit.map(InfoValue.int))
        add("pixel_representation", h.pixelRepresentation.map(InfoValue.int))
        add("planar_configuration", h.planarConfiguration.map(InfoValue.int))
        add("rescale_slope", h.rescaleSlope.map(InfoValue.number))
        add("rescale_intercept", h.rescaleIntercept.map(InfoValue.number))
        add("window_center", h.windowCenter.map(InfoValue.values))
        add("window_width", h.windowWidth.map(InfoValue.values))
        add("pixel_spacing", h.pixelSpacing.map(InfoValue.values))
        add("imager_pixel_spacing", h.imagerPixelSpacing.map(InfoValue.values))
        add("spacing_source", .text(h.spacingSource.rawValue))
        add("has_pixel_data", .bool(h.hasPixelData))
        return f
    }

    /// One element of `--all --json`: `{"tag", "vr", "name", "length", "value"}`, or `"items"`
    /// (a list of lists of elements) for a sequence.
    static func jsonObject(_ e: DICOMDump.Element) -> String {
        var parts = ["\"tag\": \(ReportWriter.jsonString(e.tag))", "\"vr\": \(ReportWriter.jsonString(e.vr))",
                     "\"name\": " + (e.name.map(ReportWriter.jsonString) ?? "null"),
                     "\"length\": " + (e.length.map(String.init) ?? "null")]
        if let items = e.items {
            parts.append("\"items\": [" + items.map { "[" + $0.map(jsonObject).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]")
        } else {
            parts.append("\"value\": " + (e.value.map(ReportWriter.jsonString) ?? "null"))
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    static func fields(_ i: ImageInfo) -> [(String, InfoValue)] {
        var f: [(String, InfoValue)] = [
            ("format", .text(i.format.rawValue)), ("columns", .int(i.width)), ("rows", .int(i.height)),
            ("bit_depth", .int(i.bitDepth)), ("colour_type", .text(i.colourType)), ("channels", .int(i.channels)),
        ]
        if let process = i.jpegProcess { f.append(("jpeg_process", .text(process))) }
        f.append((i.format == .png ? "interlaced" : "progressive", .bool(i.isInterlaced)))
        if let s = i.spacing { f.append(("pixel_spacing", .numbers([s.row, s.column]))) }
        // As decoding chooses: a pHYs spacing outside the plausible range is shown but ignored.
        let source = i.spacing.map { PixelSpacing.choose([("PNG pHYs spacing", $0, .pngPhysicalUnits)]).source } ?? .unknown
        f.append(("spacing_source", .text(source.rawValue)))
        return f
    }

    /// Aligned `key  value` lines for the terminal.
    static func table(_ fields: [(String, InfoValue)]) -> String {
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { key, value in
            key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value.plain
        }.joined(separator: "\n") + "\n"
    }
}

/// A value in `detect info`'s output, printed as JSON or as plain text.
enum InfoValue {
    case text(String), int(Int), number(Double), numbers([Double]), bool(Bool)

    /// A single value as a number, several as a list (as pydicom gives DS values).
    static func values(_ values: [Double]) -> InfoValue {
        values.count == 1 ? .number(values[0]) : .numbers(values)
    }

    var json: String {
        switch self {
        case .text(let s): return ReportWriter.jsonString(s)
        case .int(let v): return String(v)
        case .number(let v): return NumberText.plain(v)
        case .numbers(let vs): return "[" + vs.map(NumberText.plain).joined(separator: ", ") + "]"
        case .bool(let b): return b ? "true" : "false"
        }
    }

    var plain: String {
        switch self {
        case .text(let s): return s
        case .numbers(let vs): return vs.map(NumberText.plain).joined(separator: " \\ ")
        default: return json
        }
    }

    static func jsonObject(_ fields: [(String, InfoValue)]) -> String {
        "{" + fields.map { "\(ReportWriter.jsonString($0.0)): \($0.1.json)" }.joined(separator: ", ") + "}"
    }
}
