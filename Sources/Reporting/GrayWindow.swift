import Radiography

/// Maps a film's samples to 8-bit gray for the overlay, through a 65 536-entry lookup table.
///
/// The film's own display window is used when it carries a usable one (DICOM linear VOI,
/// PS3.3 C.11.2.1.2.1, width ≥ 1); otherwise the window spans the 0.5th to 99.5th percentile
/// of the film's histogram, which ignores a few dead or burnt pixels and text markers while
/// keeping bone, soft tissue and deposits apart. A film whose samples are all equal maps to
/// mid-gray instead of dividing by a zero width.
struct GrayWindow {
    /// Gray level for every possible sample value.
    let lookup: [UInt8]
    /// The window in sample units: `low` maps to black, `high` to white.
    let low: Double
    let high: Double

    /// Fraction of pixels allowed to clip at each end of the percentile window.
    static let clipFraction = 0.005

    init(_ radiograph: Radiograph) {
        if let window = radiograph.displayWindow, window.center.isFinite, window.width.isFinite,
           window.width >= 1 {
            // DICOM: below c − 0.5 − (w − 1)/2 black, above c − 0.5 + (w − 1)/2 white, linear between.
            let c = window.center, w = window.width
            low = c - 0.5 - (w - 1) / 2
            high = c - 0.5 + (w - 1) / 2
            lookup = (0...65535).map { sample in
                let x = Double(sample)
                if x <= c - 0.5 - (w - 1) / 2 { return 0 }
                if x > c - 0.5 + (w - 1) / 2 { return 255 }
                let y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255
                return UInt8(max(0, min(255, y.rounded())))
            }
            return
        }
        let (lo, hi) = GrayWindow.percentiles(radiograph.pixels, clip: GrayWindow.clipFraction)
        low = Double(lo)
        high = Double(hi)
        if hi <= lo {
            lookup = (0...65535).map { $0 < lo ? 0 : $0 == lo ? 128 : 255 }
        } else {
            let span = Double(hi - lo)
            lookup = (0...65535).map { sample in
                if sample <= lo { return 0 }
                if sample >= hi { return 255 }
                return UInt8((Double(sample - lo) * 255 / span).rounded())
            }
        }
    }

    /// `low`: the smallest sample value whose bin, added to all bins below it, holds more than
    /// `clip × count` pixels (so at most that many pixels are clipped to black); `high` likewise
    /// from the top. One pass over the film for the histogram, one walk over its 65 536 bins.
    static func percentiles(_ pixels: [UInt16], clip: Double) -> (low: Int, high: Int) {
        var histogram = [Int](repeating: 0, count: 65536)
        pixels.withUnsafeBufferPointer { samples in
            histogram.withUnsafeMutableBufferPointer { bins in
                for sample in samples { bins[Int(sample)] &+= 1 }
            }
        }
        let allowed = Int(Double(pixels.count) * clip)
        var low = 0, below = 0
        while low < 65535, below + histogram[low] <= allowed {
            below += histogram[low]
            low += 1
        }
        var high = 65535, above = 0
        while high > 0, above + histogram[high] <= allowed {
            above += histogram[high]
            high -= 1
        }
        return (low, max(low, high))
    }
}
