import Foundation
import Radiography
import Reporting
import XCTest

final class OverlayPNGTests: XCTestCase {
    /// Python's zlib and struct as the independent PNG reader: size, colour type, pHYs and the
    /// unfiltered RGB bytes (hex), for 8-bit RGB non-interlaced files.
    static let readPNG = """
    import sys, zlib, struct, json
    data = open(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.readline().strip(), 'rb').read()
    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
    pos, idat, phys = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if kind == b'IHDR': w, h, depth, ctype, _, _, inter = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT': idat += body
        elif kind == b'pHYs': phys = list(struct.unpack('>IIB', body))
    raw = zlib.decompress(idat); stride = w * 3; out = bytearray(); prev = bytearray(stride); i = 0
    for _ in range(h):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0; b = prev[x]; c = prev[x - 3] if x >= 3 else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line; prev = line
    print(json.dumps({"w": w, "h": h, "depth": depth, "ctype": ctype, "interlace": inter, "phys": phys, "rgb": out.hex()}))
    """

    func testWrittenPNGHoldsTheRenderedPixels() throws {
        let film = OverlayRendererTests.film(width: 120, height: 90, spacing: PixelSpacing(row: 0.2, column: 0.25),
                                             deposits: [OverlayRendererTests.disc(80, 60, 5)]) { x, y in UInt16(500 + 3 * x + y) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("overlay.png").path
        try OverlayRenderer.write(radiograph: film.radiograph, report: film.report, labels: film.labels, to: path)
        let rendered = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        guard let output = try ReportFixtures.python(Self.readPNG, input: path + "\n") else {
            throw XCTSkip("python3 is not installed")
        }
        let png = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(png["w"] as? Int, 120)
        XCTAssertEqual(png["h"] as? Int, 90)
        XCTAssertEqual(png["depth"] as? Int, 8)
        XCTAssertEqual(png["ctype"] as? Int, 2, "colour type 2 = RGB")
        // pHYs in pixels per metre: x from the column spacing (0.25 mm → 4000), y from the row (0.2 mm → 5000).
        XCTAssertEqual(png["phys"] as? [Int], [4000, 5000, 1])
        let hex = rendered.map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(png["rgb"] as? String, hex)
    }

    func testUnwritableFolderIsAnErrorAndLeavesNothing() {
        let film = OverlayRendererTests.film(width: 20, height: 20) { _, _ in 100 }
        let path = "/nonexistent-\(UUID().uuidString)/overlay.png"
        XCTAssertThrowsError(try OverlayRenderer.write(radiograph: film.radiograph, report: film.report,
                                                       labels: film.labels, to: path)) { error in
            XCTAssertTrue(error is FilmError, "\(error)")
            XCTAssertFalse((error as? FilmError)?.message.contains(path) ?? true, "the caller adds the path")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
