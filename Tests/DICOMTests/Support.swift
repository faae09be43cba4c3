import Foundation
import XCTest
import Radiography

/// The pixel formulas `make_fixtures.py` wrote the fixtures with, computed independently here.
enum Formula {
    static let width = 40, height = 30

    static func f16(_ x: Int, _ y: Int, frame k: Int = 0) -> Int { (x * 1031 + y * 517 + 123 + k * 20000) % 65536 }
    static func f12(_ x: Int, _ y: Int) -> Int { (x * 97 + y * 61 + 5) % 4096 }
    static func garbageNibble(_ x: Int, _ y: Int) -> Int { ((x * 7 + y * 3) % 16) << 12 }

    static func grid(width: Int = width, height: Int = height, _ f: (Int, Int) -> Int) -> [UInt16] {
        var out: [UInt16] = []
        out.reserveCapacity(width * height)
        for y in 0..<height { for x in 0..<width { out.append(UInt16(f(x, y))) } }
        return out
    }
}

func fixture(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                            "missing fixture \(name)", file: file, line: line)
    return Array(try Data(contentsOf: url))
}

/// Offset of the first explicit-VR little-endian element header with this tag and VR.
func offsetOf(_ group: UInt16, _ element: UInt16, vr: String, in bytes: [UInt8]) -> Int? {
    let pattern = [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)] + Array(vr.utf8)
    guard bytes.count >= pattern.count else { return nil }
    for i in 0...(bytes.count - pattern.count) where Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
    return nil
}

/// Offset of the first explicit-VR big-endian element header with this tag and VR.
func offsetOfBigEndian(_ group: UInt16, _ element: UInt16, vr: String, in bytes: [UInt8]) -> Int? {
    let pattern = [UInt8(group >> 8), UInt8(group & 0xFF), UInt8(element >> 8), UInt8(element & 0xFF)] + Array(vr.utf8)
    guard bytes.count >= pattern.count else { return nil }
    for i in 0...(bytes.count - pattern.count) where Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
    return nil
}

/// Offset of the first implicit-VR element header with this tag (tag bytes only).
func offsetOfTag(_ group: UInt16, _ element: UInt16, in bytes: [UInt8], from start: Int = 132) -> Int? {
    let pattern = [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)]
    for i in start...(bytes.count - 4) where Array(bytes[i..<(i + 4)]) == pattern { return i }
    return nil
}

/// Runs `Tests/DICOMTests/make_fixtures.py` with pydicom's python (scripts/pydicom-venv) and
/// returns its exit status and its output (stdout and stderr together).
func runFixtureScript(python: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("make_fixtures.py").path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
