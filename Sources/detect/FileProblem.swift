/// A file named on the command line that cannot be used: an output that cannot be made or
/// written, a clinical or model file that cannot be read, nothing to analyse. One line on
/// standard error naming the file, exit code 2 (the command cannot run as given), and no usage
/// text: the options were right, the file was not.
struct FileProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
