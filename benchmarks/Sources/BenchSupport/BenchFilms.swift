import Foundation
import Phantom
import Radiography

/// The benchmark films: one phantom per size (a knee with diffuse deposits, collimation and a lead
/// marker, 0.15 mm pixels, so that the detector's windows are the same size in pixels at every
/// film size and time per pixel can be compared), written once as DICOM, 16-bit PNG and 8-bit
/// JPEG (the JPEG only for timing decoders: its pixels are the display image, not the samples).
///
/// The folder is `$DETECT_BENCH_FILMS`, or `.films` in the current directory (`benchmarks/`
/// when run by `benchmarks/run`). The peer scripts read the same files.
public enum BenchFilms {
    public static let sides = [1024, 2048, 3000, 4096]

    public static var folder: String {
        ProcessInfo.processInfo.environment["DETECT_BENCH_FILMS"]
            ?? (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".films")
    }

    public static func spec(side: Int) -> PhantomSpec {
        PhantomSpec(anatomy: .knee, distribution: .universalis, width: side, height: side, spacingMM: 0.15,
                    seed: 3, collimation: true, marker: true)
    }

    public static func name(side: Int) -> String { "knee_\(side)" }

    /// Paths of the film of `side`, generating it first when it is missing (a 4096² film takes
    /// about 10 s to generate).
    public static func ensure(side: Int) throws -> (dicom: String, png: String, jpeg: String) {
        let base = (folder as NSString).appendingPathComponent(name(side: side))
        let paths = (dicom: base + ".dcm", png: base + ".png", jpeg: base + ".jpg")
        let manager = FileManager.default
        if ![paths.dicom, paths.png, paths.jpeg].allSatisfy(manager.fileExists(atPath:)) {
            let film = PhantomGenerator.make(spec(side: side))
            _ = try PhantomWriter.write(film, to: folder, name: name(side: side), formats: [.dicom, .png, .jpeg])
        }
        return paths
    }
}
