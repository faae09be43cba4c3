import ArgumentParser
import FilmAnalysis
import Reporting

/// The label mask and outline files (`LabelMaskFile`, `OutlinesGeoJSON`): one film's with
/// `--labels` / `--outlines`, every film's into a folder with the `-dir` forms, as `--overlay`
/// and `--overlay-dir` do.
struct ShapeFileOptions: ParsableArguments {
    @Option(help: "Write the label mask (each pixel its deposit id, 0 elsewhere; 16-bit) to this .png or .npy file (one film only).")
    var labels: String?

    @Option(help: "Write one label mask PNG per film into this folder, mirroring the input folders (NAME.labels.png).")
    var labelsDir: String?

    @Option(help: "Write the deposits' outlines as GeoJSON polygons in pixel coordinates (QuPath, napari) to this file (one film only).")
    var outlines: String?

    @Option(help: "Write one outlines GeoJSON per film into this folder, mirroring the input folders (NAME.outlines.geojson).")
    var outlinesDir: String?

    func validate() throws {
        if labels != nil && labelsDir != nil { throw ValidationError("give --labels or --labels-dir, not both") }
        if outlines != nil && outlinesDir != nil { throw ValidationError("give --outlines or --outlines-dir, not both") }
        if let labels, LabelMaskFile.format(of: labels) == nil {
            throw ValidationError("--labels writes a .png or .npy file (got '\(labels)')")
        }
    }

    /// The folders the input walk must not enter (they fill with files of our own).
    var folders: [String] { [labelsDir, outlinesDir].compactMap { $0 } }

    /// The one-film options given, for the message when several films are found.
    var singles: [String] { [labels.map { _ in "--labels" }, outlines.map { _ in "--outlines" }].compactMap { $0 } }

    /// Each film's files: these, the overlay's path and the DICOM objects' paths (by film path).
    func files(films: [BatchInput], overlay: OverlayPaths, dicom: (String) -> DICOMOutputPaths) -> [String: FilmJob.FilmFiles] {
        let labelPaths = OverlayPaths(films: films, single: labels, folder: labelsDir, suffix: ".labels.png")
        let outlinePaths = OverlayPaths(films: films, single: outlines, folder: outlinesDir, suffix: ".outlines.geojson")
        var files: [String: FilmJob.FilmFiles] = [:]
        for film in films {
            files[film.path] = FilmJob.FilmFiles(overlay: overlay[film.path], labels: labelPaths[film.path],
                                                 outlines: outlinePaths[film.path], dicom: dicom(film.path))
        }
        return files
    }
}
