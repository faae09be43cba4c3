import ArgumentParser
import FilmAnalysis
import Foundation
import Reporting

/// Every file written beside the report for each film (`FilmJob.FilmFiles`): the overlay, the
/// label mask and outlines (`LabelMaskFile`, `OutlinesGeoJSON`) and the DICOM results
/// (`DICOMResults`). Each kind has one film's options (`--overlay`, `--labels`, `--outlines`,
/// `--dicom-seg/-sr/-sc`) and a folder option for any number of films, mirroring the input
/// folders (`OverlayPaths`).
struct FilmFileOptions: ParsableArguments {
    @Option(help: "Write an overlay PNG of the film with the deposits outlined (one film only).")
    var overlay: String?

    @Option(help: "Write one overlay PNG per film into this folder, mirroring the input folders.")
    var overlayDir: String?

    @Option(help: "Write the label mask (each pixel its deposit id, 0 elsewhere; 16-bit) to this .png or .npy file (one film only).")
    var labels: String?

    @Option(help: "Write one label mask PNG per film into this folder, mirroring the input folders (NAME.labels.png).")
    var labelsDir: String?

    @Option(help: "Write the deposits' outlines as GeoJSON polygons in pixel coordinates (QuPath, napari) to this file (one film only).")
    var outlines: String?

    @Option(help: "Write one outlines GeoJSON per film into this folder, mirroring the input folders (NAME.outlines.geojson).")
    var outlinesDir: String?

    @Option(name: .customLong("dicom-seg"), help: "Write the deposits as a DICOM Segmentation (one binary segment) in the film's study (one DICOM film only).")
    var dicomSEG: String?

    @Option(name: .customLong("dicom-sr"), help: "Write the measurements as a DICOM SR measurement report (TID 1500) in the film's study (one DICOM film only).")
    var dicomSR: String?

    @Option(name: .customLong("dicom-sc"), help: "Write the overlay as a DICOM Secondary Capture in the film's study (one DICOM film only).")
    var dicomSC: String?

    @Option(help: "Write each DICOM film's Segmentation, SR and Secondary Capture into this folder, mirroring the input folders (NAME.seg.dcm, NAME.sr.dcm, NAME.sc.dcm).")
    var dicomDir: String?

    /// Each kind of file: its one-film options (name, path) and its folder option (name, folder).
    private var kinds: [(singles: [(option: String, path: String?)], folder: (option: String, path: String?))] {
        [([("--overlay", overlay)], ("--overlay-dir", overlayDir)),
         ([("--labels", labels)], ("--labels-dir", labelsDir)),
         ([("--outlines", outlines)], ("--outlines-dir", outlinesDir)),
         ([("--dicom-seg", dicomSEG), ("--dicom-sr", dicomSR), ("--dicom-sc", dicomSC)], ("--dicom-dir", dicomDir))]
    }

    /// The one-film options given.
    private var givenSingles: [String] { kinds.flatMap(\.singles).filter { $0.path != nil }.map(\.option) }

    func validate() throws {
        for kind in kinds where kind.folder.path != nil {
            let given = kind.singles.filter { $0.path != nil }.map(\.option)
            if !given.isEmpty {
                throw ValidationError("give \(given.joined(separator: ", ")) (one film) or \(kind.folder.option) (any number), not both")
            }
        }
        let paths = kinds.flatMap(\.singles).compactMap(\.path)
        if Set(paths).count != paths.count {
            throw ValidationError("\(kinds.flatMap(\.singles).map(\.option).joined(separator: ", ")) each need a file of their own")
        }
        if let labels, LabelMaskFile.format(of: labels) == nil {
            throw ValidationError("--labels writes a .png or .npy file (got '\(labels)')")
        }
    }

    /// The folders the input walk must not enter (they fill with files of our own).
    var folders: [String] { kinds.compactMap(\.folder.path) }

    /// Each film's files, by film path, chosen over the whole walk (before sharding and
    /// resuming, so a film's files are the same in every shard and every resumed run). One film's
    /// options with several films are a usage error; DICOM results asked for a film that is not
    /// DICOM a `FileProblem` (one line, exit 2), found before any analysis, since the objects
    /// reference the film's DICOM study.
    func files(films: [BatchInput]) throws -> [String: FilmJob.FilmFiles] {
        let singles = givenSingles
        if !singles.isEmpty && films.count != 1 {
            let folders = kinds.filter { $0.singles.contains { $0.path != nil } }.map { "\($0.folder.option) DIR" }
            throw ValidationError("\(singles.joined(separator: ", ")) \(singles.count == 1 ? "writes" : "write") one film's files; for \(films.count) films use \(folders.joined(separator: ", "))")
        }
        let dicom = DICOMOutputPaths(segmentation: dicomSEG, report: dicomSR, secondaryCapture: dicomSC)
        if !dicom.isEmpty, let film = films.first {
            // The first bytes are enough to tell a PNG or JPEG: as the walk read them for a film
            // found in a folder, read here for a file named directly. A file that cannot be read
            // fails later as every unreadable film does.
            if let format = film.format ?? InputWalker.format(ofFileAt: film.path), format != .dicom {
                let given = singles.filter { $0.hasPrefix("--dicom-") }
                throw FileProblem("\(film.path): \(given.joined(separator: ", ")) \(given.count == 1 ? "needs" : "need") a DICOM film, and this is \(format.rawValue.uppercased()): the DICOM objects go into the film's study and reference its series and instance")
            }
        }
        let overlayPaths = OverlayPaths(films: films, single: overlay, folder: overlayDir)
        let labelPaths = OverlayPaths(films: films, single: labels, folder: labelsDir, suffix: ".labels.png")
        let outlinePaths = OverlayPaths(films: films, single: outlines, folder: outlinesDir, suffix: ".outlines.geojson")
        let dicomStems = OverlayPaths(films: films, single: nil, folder: dicomDir, suffix: "")
        var files: [String: FilmJob.FilmFiles] = [:]
        for film in films {
            let dicomPaths = dicomStems[film.path].map {
                DICOMOutputPaths(segmentation: $0 + ".seg.dcm", report: $0 + ".sr.dcm", secondaryCapture: $0 + ".sc.dcm")
            } ?? dicom
            files[film.path] = FilmJob.FilmFiles(overlay: overlayPaths[film.path], labels: labelPaths[film.path],
                                                 outlines: outlinePaths[film.path], dicom: dicomPaths)
        }
        return files
    }
}
