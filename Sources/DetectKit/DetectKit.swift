// The front door: `import DetectKit` gives a Swift program the whole public API of detect's
// libraries (as swift-numerics' `Numerics` gathers its modules), so that it depends on one
// product and never on how the modules are split.
@_exported import Classification
@_exported import DICOM
@_exported import Detection
@_exported import FilmAnalysis
@_exported import ImageIO
@_exported import Radiography
@_exported import Reporting
