import ArgumentParser
import FilmAnalysis
import Reporting

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find, measure and classify calcium deposits (calcinosis) on radiographs.",
        discussion: """
        Reads DICOM, PNG and JPEG films (chosen by content, not by name), finds radio-opaque \
        deposits in the soft tissue, measures them (mm² when the pixel spacing is known) and labels \
        their distribution (none, circumscripta, universalis).

        \(ReportWriter.caveat)
        """,
        version: DetectRelease.version,
        subcommands: [Analyze.self, PhantomCommand.self, FeaturesCommand.self, InfoCommand.self, ConvertCommand.self, MergeCommand.self, WorkerCommand.self],
        defaultSubcommand: Analyze.self
    )
}
