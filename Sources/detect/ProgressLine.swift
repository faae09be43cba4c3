#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// The progress line on standard error (done/total, films per second, ETA, failures), redrawn
/// in place, only when standard error is a terminal and `--quiet` was not given: in a log file
/// or a cluster job's output it would be thousands of carriage returns. Other messages go
/// through `note` so that they never end up glued to a half-drawn progress line.
final class ProgressLine {
    let enabled: Bool
    private let total: Int
    private let start = DispatchTime.now().uptimeNanoseconds
    private var shown = false

    init(total: Int, quiet: Bool) {
        self.total = total
        enabled = !quiet && isatty(2) == 1
    }

    func draw(done: Int, failed: Int) {
        guard enabled else { return }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = "detect: \(done)/\(total) films, \(String(format: "%.1f", rate)) films/s"
        if rate > 0 && done < total {
            text += ", ETA \(Self.duration(Double(total - done) / rate))"
        }
        if failed > 0 { text += ", \(failed) failed" }
        FileHandleStandardError.write("\r\u{1B}[K" + text)
        shown = true
    }

    /// Writes a whole message line, clearing the progress line first.
    func note(_ line: String) {
        clear()
        FileHandleStandardError.write(line)
    }

    func clear() {
        guard shown else { return }
        FileHandleStandardError.write("\r\u{1B}[K")
        shown = false
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total / 60 % 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }
}
