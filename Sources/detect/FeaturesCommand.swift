import ArgumentParser
import Detection
import FilmAnalysis
import Foundation
import ImageIO
import Radiography

/// `detect features FILMS... --output FILE`: every candidate the detector's first stage finds,
/// with the feature vector the deposit classifier reads, one CSV row each. This is how the
/// training side (`training/`) gets its features: it never computes them itself, so the model is
/// trained on exactly the numbers detect computes at run time.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write every candidate deposit with its classifier features (CSV), for training.",
        discussion: "Columns: file, candidate id, centroid x and y (pixels), area_px, bbox, the film's spacing in mm, then the features in model order."
    )

    @Argument(help: "Films or folders.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "CSV file to write (standard output without it).")
    var output: String?

    @Option(help: "Pixel spacing in mm for films that state none: MM or ROW,COL (a film's own spacing wins).")
    var defaultSpacing: String?

    @Option(help: ArgumentHelp("Candidate stage: parameter=value overrides (the names and ranges of DetectionParameters.fields, e.g. seed_sigmas, skin_margin_mm; and bone_as_soft_tissue=0|1), for experiments.", visibility: .hidden))
    var set: [String] = []

    @OptionGroup var limitOptions: LimitOptions

    func validate() throws {
        if let defaultSpacing, Analyze.parseSpacing(defaultSpacing) == nil {
            throw ValidationError(Analyze.spacingProblem("--default-spacing", defaultSpacing))
        }
    }

    func run() throws {
        var parameters = DetectionParameters(classifier: nil)
        parameters.keepsFeatures = true
        for assignment in set {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), !value.isNaN else {
                throw ValidationError("--set takes name=value with a number (got '\(assignment)')")
            }
            if parts[0] == "bone_as_soft_tissue" {
                parameters.searchesBoneAsSoftTissue = value != 0
            } else if let field = DetectionParameters.fields.first(where: { $0.name == parts[0] }) {
                parameters[keyPath: field.keyPath] = value
            } else {
                throw ValidationError("--set: unknown parameter '\(parts[0])'")
            }
        }
        // The ranges live with the parameters (DetectionParameters.fields), checked in one place.
        if let problem = parameters.problems.first { throw ValidationError("--set: " + problem) }
        var text = "file,candidate,x,y,area_px,bbox_x,bbox_y,bbox_w,bbox_h,spacing_mm," + CandidateFeatures.names.joined(separator: ",") + "\n"
        var failed = false
        for input in InputWalker().walk(inputs).films {
            let path = input.path
            var film: Radiograph
            do {
                film = try FilmLoader.load(path: path, limits: limitOptions.limits)
                for warning in film.warnings { FileHandle.standardError.write(Data("detect: \(path): warning: \(warning)\n".utf8)) }
            } catch {
                FileHandle.standardError.write(Data("detect: \(path): \(CommandLineHints.text(error))\n".utf8))
                failed = true
                continue
            }
            if film.spacing == nil, let spacing = defaultSpacing.flatMap(Analyze.parseSpacing) {
                film = film.withSpacing(spacing, source: .user)
            }
            let result = DepositDetector.detect(film, parameters: parameters)
            let spacing = parameters.spacingMM(for: film)
            let name = path.contains(",") || path.contains("\"") ? "\"" + path.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : path
            for (deposit, features) in zip(result.deposits, result.features) {
                let head: [String] = [name, "\(deposit.id)", "\(deposit.centroidX)", "\(deposit.centroidY)", "\(deposit.areaPx)",
                                      "\(deposit.bbox.x)", "\(deposit.bbox.y)", "\(deposit.bbox.width)", "\(deposit.bbox.height)", "\(spacing)"]
                text += (head + features.map { "\($0)" }).joined(separator: ",") + "\n"
            }
        }
        if let output {
            try Analyze.makeFolder(holding: output)  // as every output of detect: a missing folder is made
            try AtomicFile.write(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if failed { throw ExitCode(1) }
    }
}
