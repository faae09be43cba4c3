import Classification
import Detection
import FilmAnalysis
import FuzzSupport
import Radiography
import Reporting

/// libFuzzer target for one film end to end as `detect` runs it: bytes sniffed and decoded
/// (`FilmLoader.decode`), deposits detected, distribution assessed, report rendered as JSON.
/// `maxPixels` is small (128 × 128) so that each input costs milliseconds, not a whole film.
@main
enum FuzzPipeline {
    static let limits = DecodeLimits(maxPixels: 128 * 128, maxFileBytes: 1 << 20, maxSequenceDepth: 32, maxElements: 10_000)

    static func main() {
        FuzzEntry.run { bytes in
            guard let film = try? FilmLoader.decode(bytes, limits: limits) else { return }
            let found = DepositDetector.detect(film)
            let assessment = DistributionClassifier().assess(found)
            let report = FilmReport(file: "fuzz", analysis: Analysis(film: film, detection: found, distribution: assessment))
            _ = ReportWriter.jsonObject(report)
        }
    }
}
