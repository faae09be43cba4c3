import BenchSupport
import Foundation
import ImageIO
import Radiography

/// Plain-number measurements for `benchmarks/run` and `peers/compare.py` (JSON on stdout).
///
///     detect-stages films  [--sides 1024,2048,3000,4096]              paths of the films (made once)
///     detect-stages stages [--sides …] [--repeat N]                  median ms per stage, DICOM, PNG and JPEG
///     detect-stages batch  [--side 3000] [--count 8] [--jobs 1]      films per second
///     detect-stages png    [--side 3000] [--repeat N]                PNG decode: libdeflate path vs libpng
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let sides = option("--sides").map { $0.split(separator: ",").compactMap { Int($0) } } ?? BenchFilms.sides

func emit(_ object: Any) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

// As the detect executable does, first thing (see ProcessMemory).
ProcessMemory.keepLargeBlocksMapped()

do {
    switch arguments.first {
    case "films":
        for side in sides {
            let paths = try BenchFilms.ensure(side: side)
            emit(["side": side, "dicom": paths.dicom, "png": paths.png, "jpeg": paths.jpeg])
        }
    case "stages":
        let repeats = option("--repeat").flatMap(Int.init) ?? 5
        for side in sides {
            let paths = try BenchFilms.ensure(side: side)
            for (format, path) in [("dicom", paths.dicom), ("png", paths.png), ("jpeg", paths.jpeg)] {
                let medians = try StageTimer.medians(path: path, repeats: repeats)
                emit(["side": side, "format": format, "ms": medians.mapValues { ($0 * 1e5).rounded() / 100 }])
            }
        }
    case "batch":
        let side = option("--side").flatMap(Int.init) ?? 3000
        let count = option("--count").flatMap(Int.init) ?? 8
        let jobs = option("--jobs").flatMap(Int.init) ?? 1
        let paths = try BenchFilms.ensure(side: side)
        // Alternate DICOM and PNG, as a mixed archive folder would.
        let films = (0..<count).map { $0 % 2 == 0 ? paths.dicom : paths.png }
        let rate = StageTimer.throughput(paths: films, jobs: jobs)
        emit(["side": side, "count": count, "jobs": jobs, "films_per_s": (rate * 1000).rounded() / 1000])
    case "png":
        // The 16-bit phantom PNG decoded from memory by both paths: median ms, speed-up, and
        // whether the samples are identical.
        let side = option("--side").flatMap(Int.init) ?? 3000
        let repeats = option("--repeat").flatMap(Int.init) ?? 9
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try BenchFilms.ensure(side: side).png)))
        func median(_ path: PNGDecoder.Path) throws -> (Double, [UInt16]) {
            var times: [Double] = []
            var pixels: [UInt16] = []
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                pixels = try PNGDecoder.decode(bytes, path: path).pixels
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return (times.sorted()[repeats / 2], pixels)
        }
        let (fast, a) = try median(.automatic)
        let (libpng, b) = try median(.libpng)
        emit(["side": side, "libdeflate_ms": (fast * 100).rounded() / 100, "libpng_ms": (libpng * 100).rounded() / 100,
              "speedup": (libpng / fast * 100).rounded() / 100, "identical": a == b])
    default:
        FileHandle.standardError.write(Data("usage: detect-stages films|stages|batch|png [--sides a,b] [--repeat N] [--side S --count N --jobs J]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("detect-stages: \(error)\n".utf8))
    exit(1)
}
