import Foundation
import TestSupport
import XCTest

/// The command-line contract: exit codes, one clear error line per bad film, outputs written.
final class CommandLineTests: FolderTestCase {
    /// A small sample film to cut up: the smallest PNG in sample-images.
    func samplePNG() throws -> URL {
        let samples = DetectProcess.packageRoot.appendingPathComponent("sample-images")
        let pngs = try FileManager.default.contentsOfDirectory(at: samples, includingPropertiesForKeys: [.fileSizeKey])
            .filter { $0.pathExtension == "png" }
        return try XCTUnwrap(pngs.min { (try? $0.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 < (try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 })
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func testBadFilesGiveOneErrorLineAndExitOne() throws {
        let png = try [UInt8](Data(contentsOf: samplePNG()))
        let cases: [(String, [UInt8])] = [
            ("empty.png", []),
            ("truncated.png", Array(png.prefix(png.count / 3))),
            ("header-only.png", Array(png.prefix(40))),
            ("garbage.dcm", (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }),
            ("notes.png", Array("This is a text file, not a radiograph.\n".utf8)),
            ("lying.dcm", Array(repeating: 0, count: 128) + Array("DICM".utf8) + [0x02, 0x00, 0x10, 0x00, 0x55, 0x49, 0xFF, 0x7F]),
        ]
        for (name, bytes) in cases {
            let path = try write(bytes, name)
            let result = try DetectProcess.run([path, "--format", "json"])
            XCTAssertFalse(result.crashed, "\(name) crashed")
            XCTAssertEqual(result.status, 1, "\(name): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(name): \(result.stderr)")
            XCTAssertTrue(lines.first?.contains(path) ?? false, "\(name): error line must name the file: \(result.stderr)")
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], name)
            XCTAssertEqual(json["status"] as? String, "error")
            XCTAssertFalse((json["error"] as? String ?? "").isEmpty)
        }
    }

    /// The libraries' limit errors name no option; the command line adds the one that raises the
    /// limit, in the report and on standard error, in a thread and in a worker process alike.
    func testLimitErrorsNameTheOptionThatRaisesThem() throws {
        let film = try samplePNG().path
        for isolation in ["thread", "process"] {
            let result = try DetectProcess.run([film, "--max-pixels", "1000", "--format", "json", "--isolation", isolation])
            XCTAssertEqual(result.status, 1, result.stderr)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let error = try XCTUnwrap(report["error"] as? String)
            XCTAssertTrue(error.hasPrefix("PNG: image is "), error)
            XCTAssertTrue(error.hasSuffix(", over the limit of 1000 pixels per film (raise it with --max-pixels)"), error)
            XCTAssertTrue(result.stderr.contains("(raise it with --max-pixels)"), result.stderr)
        }
        let info = try DetectProcess.run(["info", film, "--max-file-bytes", "100"])
        XCTAssertTrue(info.stderr.contains("over the limit of 100 bytes (raise it with --max-file-bytes)"), info.stderr)
    }

    func testBatchGoesOnPastABadFile() throws {
        let good = try samplePNG().path
        let bad = try write(Array("not an image".utf8), "bad.png")
        let out = folder.appendingPathComponent("results.jsonl").path
        let result = try DetectProcess.run([bad, good, "--format", "jsonl", "--output", out])
        XCTAssertEqual(result.status, 1)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let statuses = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["status"] as? String }
        XCTAssertEqual(statuses, ["error", "ok"])
    }

    func testOverlayIsAnRGBPNGOfTheFilmsSize() throws {
        let film = try samplePNG()
        let overlay = folder.appendingPathComponent("out.png").path
        let result = try DetectProcess.run([film.path, "--overlay", overlay, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: overlay)))
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(be32(16), report["width"] as? Int)
        XCTAssertEqual(be32(20), report["height"] as? Int)
        XCTAssertEqual(bytes[24], 8, "bit depth")
        XCTAssertEqual(bytes[25], 2, "colour type RGB")
    }

    /// `--labels` (.npy) and `--outlines`: the mask's ids and pixel counts are the report's
    /// deposits, each outline is one closed Polygon feature per deposit, in a folder made for them.
    func testLabelMaskAndOutlinesOfOneFilm() throws {
        let film = DetectProcess.packageRoot.appendingPathComponent("sample-images/forearm_universalis.png").path
        let mask = folder.appendingPathComponent("made/mask.npy").path, outlines = folder.appendingPathComponent("made/o.geojson").path
        let result = try DetectProcess.run([film, "--labels", mask, "--outlines", outlines, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let deposits = try XCTUnwrap(report["deposits"] as? [[String: Any]])
        XCTAssertGreaterThan(deposits.count, 3)
        let labels = try NumpyArray(contentsOf: mask)
        XCTAssertEqual(labels.descr, "<u2")
        XCTAssertEqual(labels.shape, [try XCTUnwrap(report["height"] as? Int), try XCTUnwrap(report["width"] as? Int)])
        var counts: [Int64: Int] = [:]
        for id in labels.values where id != 0 { counts[id, default: 0] += 1 }
        XCTAssertEqual(counts, Dictionary(uniqueKeysWithValues: deposits.map { (Int64($0["id"] as! Int), $0["area_px"] as! Int) }))
        let geojson = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outlines))) as? [String: Any])
        XCTAssertEqual(geojson["type"] as? String, "FeatureCollection")
        let features = try XCTUnwrap(geojson["features"] as? [[String: Any]])
        XCTAssertEqual(features.compactMap { ($0["properties"] as? [String: Any])?["id"] as? Int }, deposits.map { $0["id"] as! Int })
        for feature in features {
            let geometry = try XCTUnwrap(feature["geometry"] as? [String: Any])
            XCTAssertEqual(geometry["type"] as? String, "Polygon")
            let rings = try XCTUnwrap(geometry["coordinates"] as? [[[Int]]])
            for ring in rings { XCTAssertEqual(ring.first, ring.last) }
        }
    }

    func testLabelsAndOutlinesUsage() throws {
        let film = try samplePNG().path
        let other = try write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: film))), "copy.png")
        // A DICOM film, so that the last case can only fail on the shared file name.
        let dicom = DetectProcess.packageRoot.appendingPathComponent("sample-images/forearm_none.dcm").path
        let cases: [([String], String)] = [
            ([film, "--labels", "mask.tif"], "writes a .png or .npy file"),
            ([film, other, "--labels", "mask.png"], "for 2 films use --labels-dir"),
            ([film, other, "--outlines", "o.geojson"], "for 2 films use --outlines-dir"),
            ([film, "--labels", "a.png", "--labels-dir", "masks"], "not both"),
            ([film, "--outlines", "o.geojson", "--outlines-dir", "x"], "not both"),
            ([film, "--labels", "a.png", "--overlay", "a.png"], "each need a file of their own"),
            ([dicom, "--outlines", "o.json", "--dicom-sr", "o.json"], "each need a file of their own"),
        ]
        for (arguments, message) in cases {
            let result = try DetectProcess.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    func testUsageErrorsExitTwo() throws {
        let film = try samplePNG().path
        let notAModel = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-model-\(getpid()).json")
        try Data("{\"format\": \"something else\"}".utf8).write(to: notAModel)
        defer { try? FileManager.default.removeItem(at: notAModel) }
        for arguments in [[film, "--format", "xml"], [film, "--pixel-spacing", "-1"], [film, "--no-such-option"], [],
                          [film, "--min-score", "1.5"], [film, "--min-score", "nan"], [film, "--model", "/no/such/model.json"],
                          [film, "--model", notAModel.path], ["features", film, "--set", "seed_sigmas=nan"]] {
            let result = try DetectProcess.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.isEmpty)
        }
    }

    /// `--min-score` filters by the classifier's score, and every deposit carries one.
    func testMinScoreFiltersDepositsByScore() throws {
        let film = try samplePNG().path
        func deposits(_ extra: [String]) throws -> [[String: Any]] {
            let result = try DetectProcess.run([film, "--format", "json"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            XCTAssertNotNil(object["classifier_model"] as? String)
            return try XCTUnwrap(object["deposits"] as? [[String: Any]])
        }
        let all = try deposits(["--min-score", "0"]), shipped = try deposits([]), none = try deposits(["--min-score", "1"])
        XCTAssertGreaterThan(all.count, shipped.count, "the operating point rejects some candidates")
        XCTAssertLessThanOrEqual(none.count, shipped.count)
        for deposit in all {
            let score = try XCTUnwrap(deposit["score"] as? Double)
            XCTAssertTrue((0...1).contains(score))
        }
    }

    func testPixelSpacingOptionOverridesTheFile() throws {
        let film = try samplePNG().path
        let result = try DetectProcess.run([film, "--format", "json", "--pixel-spacing", "0.5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["spacing_source"] as? String, "user")
        XCTAssertEqual(report["pixel_spacing_mm"] as? [Double], [0.5, 0.5])
        // Areas follow the user's spacing: on a film with deposits, mm² = px × 0.5².
        let withDeposits = DetectProcess.packageRoot.appendingPathComponent("sample-images/elbow_circumscripta.png").path
        let found = try DetectProcess.run([withDeposits, "--format", "json", "--pixel-spacing", "0.5"])
        XCTAssertEqual(found.status, 0, found.stderr)
        let areas = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        let px = try XCTUnwrap(areas["total_area_px"] as? Int, "total_area_px")
        let mm2 = try XCTUnwrap(areas["total_area_mm2"] as? Double, "total_area_mm2")
        XCTAssertGreaterThan(px, 0, "elbow_circumscripta has deposits")
        XCTAssertEqual(mm2, Double(px) * 0.25, accuracy: 1e-3)
    }

    func testTextSummaryCarriesTheCaveat() throws {
        let result = try DetectProcess.run([try samplePNG().path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("not a diagnosis"), result.stdout)
    }
}
