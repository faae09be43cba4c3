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

    @Option(help: ArgumentHelp("Candidate stage: parameter=value overrides (seed_sigmas, grow_sigmas, bone_seed_sigmas, bone_edge_margin_mm, bone_margin_mm, skin_margin_mm, bone_max_elongation), for experiments.", visibility: .hidden))
    var set: [String] = []

    @OptionGroup var limitOptions: LimitOptions

    func validate() throws {
        if let defaultSpacing, Analyze.parseSpacing(defaultSpacing) == nil {
            throw ValidationError("--default-spacing takes a positive number of mm, or row,column (got '\(defaultSpacing)')")
        }
    }

    func run() throws {
        var parameters = DetectionParameters(classifier: nil)
        parameters.keepsFeatures = true
        for assignment in set {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value >= 0, value <= 1000 else {
                throw ValidationError("--set takes name=value with a value from 0 to 1000 (got '\(assignment)')")
            }
            switch parts[0] {
            case "seed_sigmas": parameters.seedSigmas = value
            case "grow_sigmas": parameters.growSigmas = value
            case "bone_seed_sigmas": parameters.boneSeedSigmas = value
            case "bone_edge_margin_mm": parameters.boneEdgeMarginMM = value
            case "bone_margin_mm": parameters.boneMarginMM = value
            case "skin_margin_mm": parameters.skinMarginMM = value
            case "bone_max_elongation": parameters.boneMaxElongation = value
            case "split_floor_mm": parameters.splitFloorRadiusMM = value
            case "split_extent_mm": parameters.splitMinimumExtentMM = value
            case "outline_fraction": parameters.outlineFraction = value
            case "max_extent_mm": parameters.maxDepositExtentMM = value
            case "min_area_mm2": parameters.minDepositAreaMM2 = value
            case "large_clutter_weight": parameters.largeClutterWeight = value
            case "small_clutter_weight": parameters.smallClutterWeight = value
            case "bone_as_soft_tissue": parameters.searchesBoneAsSoftTissue = value != 0
            default: throw ValidationError("--set: unknown parameter '\(parts[0])'")
            }
        }
        var text = "file,candidate,x,y,area_px,bbox_x,bbox_y,bbox_w,bbox_h,spacing_mm," + CandidateFeatures.names.joined(separator: ",") + "\n"
        var failed = false
        for input in InputWalker().walk(inputs).films {
            let path = input.path
            var film: Radiograph
            do {
                film = try FilmLoader.load(path: path, limits: limitOptions.limits)
            } catch {
                FileHandle.standardError.write(Data("detect: \(path): \(error)\n".utf8))
                failed = true
                continue
            }
            if film.spacing == nil, let spacing = defaultSpacing.flatMap(Analyze.parseSpacing) {
                film = film.withSpacing(spacing, source: .user)
            }
            let result = DepositDetector.detect(film, parameters: parameters)
            let spacing = film.spacing.map(\.mean) ?? parameters.assumedSpacingMM
            let name = path.contains(",") || path.contains("\"") ? "\"" + path.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : path
            for (deposit, features) in zip(result.deposits, result.features) {
                let head: [String] = [name, "\(deposit.id)", "\(deposit.centroidX)", "\(deposit.centroidY)", "\(deposit.areaPx)",
                                      "\(deposit.bbox.x)", "\(deposit.bbox.y)", "\(deposit.bbox.width)", "\(deposit.bbox.height)", "\(spacing)"]
                text += (head + features.map { "\($0)" }).joined(separator: ",") + "\n"
            }
        }
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if failed { throw ExitCode(1) }
    }
}
