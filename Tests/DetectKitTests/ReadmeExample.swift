import DetectKit
import Foundation

/// One line about one film: what detect found on it, or why it could not read it.
func summary(of path: String) -> String {
    do {
        let analysis = try analyze(contentsOf: URL(fileURLWithPath: path), options: AnalysisOptions())
        let largest = analysis.deposits.map(\.areaPx).max() ?? 0
        return "\(analysis.deposits.count) deposits (largest \(largest) px): \(analysis.distribution.label.rawValue)"
    } catch {
        return "not analysed (\(error.kind)): \(error.message)"
    }
}
