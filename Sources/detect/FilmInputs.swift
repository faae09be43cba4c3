import ArgumentParser
import Foundation
import ImageIO

/// Turns the command line's files and folders into the list of films to analyse.
///
/// A file named on the command line is always analysed (a non-image becomes an error line for
/// that file). A folder contributes the files directly inside it whose first bytes are DICOM,
/// PNG or JPEG, in name order; other files in it are skipped.
enum FilmInputs {
    static func expand(_ inputs: [String]) throws -> [String] {
        var films: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: input) else {
                    throw ValidationError("\(input): folder cannot be read")
                }
                let found = names.sorted().map { (input as NSString).appendingPathComponent($0) }.filter(isFilm)
                if found.isEmpty {
                    FileHandleStandardError.write("detect: \(input): no DICOM, PNG or JPEG files in this folder\n")
                }
                films += found
            } else {
                films.append(input)
            }
        }
        guard !films.isEmpty else { throw ValidationError("no films to analyse") }
        return films
    }

    static func isFilm(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 132)) ?? Data()
        return FormatSniffer.format(of: [UInt8](head)) != nil
    }
}

/// Unbuffered writes to the standard streams, safe from any thread.
enum FileHandleStandardError {
    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

enum FileHandleStandardOutput {
    static func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}
