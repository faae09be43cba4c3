import Foundation

/// Unbuffered writes to the standard streams, safe from any thread. (Walking the inputs is
/// `InputWalker`'s job, in FilmAnalysis.)
enum FileHandleStandardError {
    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

enum FileHandleStandardOutput {
    static func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}
