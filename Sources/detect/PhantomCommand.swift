import ArgumentParser
import DICOM
import Phantom
import Radiography

/// `detect phantom`: writes synthetic radiographs with known deposits, or the committed sample set.
struct PhantomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Generate synthetic radiographs with known calcium deposits and their ground truth.",
        discussion: """
            Writes NAME.png / NAME.jpg / NAME.dcm (as asked with --format), truth/NAME.mask.png (16-bit deposit \
            labels) and truth/NAME.truth.json. The same options and seed always give the same bytes.
            Regenerate the committed samples with: detect phantom --sample-set sample-images
            """)

    @Option(help: "Limb: \(PhantomAnatomy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var anatomy = PhantomAnatomy.forearm.rawValue

    @Option(help: "Deposits: \(PhantomDistribution.allCases.map(\.rawValue).joined(separator: ", ")).")
    var distribution = PhantomDistribution.universalis.rawValue

    @Option(help: "Film width in pixels (64…\(PhantomSpec.maximumSide)).")
    var width = 1200

    @Option(help: "Film height in pixels (64…\(PhantomSpec.maximumSide)); the limb runs along the longer side.")
    var height = 1500

    @Option(help: "Pixel spacing in mm (0.02…1).")
    var spacing = 0.15

    @Option(help: "Seed of everything random in the film.")
    var seed: UInt64 = 1

    @Flag(help: "Add collimator blades along one or two edges.")
    var collimation = false

    @Flag(help: "Add a lead side marker (R or L) beside the limb.")
    var marker = false

    @Flag(help: "Add two to five metal surgical clips in the limb (false positives to reject).")
    var clips = false

    @Option(name: .customLong("format"), help: "Image format to write: png, jpeg or dicom (repeat for several).")
    var formats: [String] = ["png"]

    @Option(name: .customLong("dicom-photometric"), help: "MONOCHROME2 or MONOCHROME1 (stored as 4095 − value).")
    var dicomPhotometric = "monochrome2"

    @Option(name: .customLong("dicom-syntax"), help: "DICOM transfer syntax: explicit or implicit (little endian).")
    var dicomSyntax = "explicit"

    @Option(name: .customLong("dicom-spacing"), help: "DICOM spacing attribute: imager, pixel, both or none.")
    var dicomSpacing = DICOMSpacingTag.imagerPixelSpacing.rawValue

    @Option(name: .shortAndLong, help: "Folder to write into (created if missing).")
    var output = "."

    @Option(help: "Base name of the files (default ANATOMY_DISTRIBUTION_SEED).")
    var name: String?

    @Option(name: .customLong("sample-set"), help: "Write the project's sample set into this folder instead (other options are ignored).")
    var sampleSet: String?

    func validate() throws {
        guard sampleSet == nil else { return }
        _ = try spec()
        _ = try imageFormats()
        _ = try dicomOptions()
    }

    func run() throws {
        if let sampleSet {
            try SampleSet.write(to: sampleSet)
            for entry in SampleSet.entries { print("\(sampleSet)/\(entry.name)") }
            return
        }
        let spec = try spec()
        let options = try dicomOptions()
        let film = PhantomGenerator.make(spec)
        let paths = try PhantomWriter.write(
            film, to: output, name: name ?? "\(spec.anatomy.rawValue)_\(spec.distribution.rawValue)_\(spec.seed)",
            formats: try imageFormats(), dicom: options.photometric, dicomSyntax: options.syntax, dicomSpacingTag: options.tag)
        for path in paths { print(path) }
    }

    private func spec() throws -> PhantomSpec {
        guard let anatomy = PhantomAnatomy(rawValue: anatomy.lowercased()) else {
            throw ValidationError("unknown anatomy '\(anatomy)' (choose \(PhantomAnatomy.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let distribution = PhantomDistribution(rawValue: distribution.lowercased()) else {
            throw ValidationError("unknown distribution '\(distribution)' (choose \(PhantomDistribution.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let spec = PhantomSpec(anatomy: anatomy, distribution: distribution, width: width, height: height, spacingMM: spacing,
                               seed: seed, collimation: collimation, marker: marker, clips: clips)
        do {
            try spec.validate()
        } catch let error as FilmError {
            throw ValidationError(error.message)
        }
        return spec
    }

    private func imageFormats() throws -> [ImageFormat] {
        var result: [ImageFormat] = []
        for text in formats {
            let format: ImageFormat
            switch text.lowercased() {
            case "png": format = .png
            case "jpeg", "jpg": format = .jpeg
            case "dicom", "dcm": format = .dicom
            default: throw ValidationError("unknown format '\(text)' (choose png, jpeg or dicom)")
            }
            if !result.contains(format) { result.append(format) }
        }
        return result
    }

    private func dicomOptions() throws -> (photometric: DICOMFilm.Photometric, syntax: DICOMFilm.Syntax, tag: DICOMSpacingTag) {
        let photometric: DICOMFilm.Photometric
        switch dicomPhotometric.lowercased() {
        case "monochrome2", "mono2": photometric = .monochrome2
        case "monochrome1", "mono1": photometric = .monochrome1
        default: throw ValidationError("unknown DICOM photometric '\(dicomPhotometric)' (choose monochrome2 or monochrome1)")
        }
        let syntax: DICOMFilm.Syntax
        switch dicomSyntax.lowercased() {
        case "explicit": syntax = .explicitLittle
        case "implicit": syntax = .implicitLittle
        default: throw ValidationError("unknown DICOM syntax '\(dicomSyntax)' (choose explicit or implicit)")
        }
        guard let tag = DICOMSpacingTag(rawValue: dicomSpacing.lowercased()) else {
            throw ValidationError("unknown DICOM spacing '\(dicomSpacing)' (choose imager, pixel, both or none)")
        }
        return (photometric, syntax, tag)
    }
}
