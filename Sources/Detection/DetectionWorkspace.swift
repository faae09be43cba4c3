import Radiography

/// The detector's two film-sized planes, with what each holds at each step named.
///
/// A 3000×3000 film has 9 M pixels; a plane of 4 bytes a pixel is 36 MB, so the detector keeps
/// two (the second becomes the returned label image) and lets each hold one thing after another.
/// The accessors below are the only way to the planes: each is named for its content and checks
/// that the detector is at a step where the plane holds it (a misplaced read fails loudly instead
/// of reading, say, skin distances as window means).
///
/// | step            | float plane (4 B a pixel)              | label plane (4 B a pixel)            |
/// |-----------------|----------------------------------------|--------------------------------------|
/// | `background`    | `smoothed`: S, the film's 3×3 mean     | —                                    |
/// | `searchRegion`  | `smoothed`                             | `skinDistances` (Int32, pixels)      |
/// | `smallScale`    | `smoothed`                             | `smallMeans`: small-scale window means (Float) |
/// | `largeScale`    | `largeMeans`: large-scale window means  | small-scale window means             |
/// | `segmentation`  | `mask`: candidates, then outlines (1 B a pixel; the other ¾ returned to the system) | `labels` (Int32) |
///
/// A plane that changes type is rebound (`bindMemory`) by the accessor of its new role, so each
/// role reads its own type.
///
/// The search region and the candidates are a bit a pixel (`RowBits`); contrast and significance
/// are kept only at the candidates (`Candidates`).
struct DetectionWorkspace {
    enum Step: Int, Comparable {
        case background, searchRegion, smallScale, largeScale, segmentation
        static func < (a: Step, b: Step) -> Bool { a.rawValue < b.rawValue }
    }

    let width: Int
    let height: Int
    var count: Int { width * height }
    private(set) var step: Step = .background
    private let floatPlane: UnsafeMutableBufferPointer<Float>
    private let labelPlane: UnsafeMutableBufferPointer<Int32>

    /// Runs `body` with a workspace for a `width`×`height` film and returns the label plane as
    /// the label image. Both planes are allocated uninitialised: every step writes all of its output.
    static func withPlanes(width: Int, height: Int, _ body: (inout DetectionWorkspace) -> Void) -> [Int32] {
        let count = width * height
        let floatPlane = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        HugePages.advise(floatPlane)
        defer { floatPlane.deallocate() }
        return [Int32](unsafeUninitializedCapacity: count) { labelPlane, initialised in
            HugePages.advise(labelPlane)
            var workspace = DetectionWorkspace(width: width, height: height, floatPlane: floatPlane, labelPlane: labelPlane)
            body(&workspace)
            precondition(workspace.step == .segmentation, "the detector must end with the label image written")
            initialised = count
        }
    }

    private init(width: Int, height: Int, floatPlane: UnsafeMutableBufferPointer<Float>, labelPlane: UnsafeMutableBufferPointer<Int32>) {
        self.width = width
        self.height = height
        self.floatPlane = floatPlane
        self.labelPlane = labelPlane
    }

    /// Moves to the next step (steps are taken in order, none skipped). Entering `segmentation`
    /// returns three quarters of the float plane to the system: the mask needs a byte a pixel,
    /// and the detector's peak memory is in that step.
    mutating func advance(to next: Step) {
        precondition(next.rawValue == step.rawValue + 1, "detector step \(next) after \(step)")
        step = next
        if next == .segmentation {
            HugePages.release(UnsafeMutableRawPointer(floatPlane.baseAddress!) + count, byteCount: 3 * count)
        }
    }

    private func require(_ steps: Step..., for name: String) {
        precondition(steps.contains(step), "\(name) read at step \(step)")
    }

    /// S, the 3×3 mean of the film (`background` … `smallScale`).
    var smoothed: UnsafeMutableBufferPointer<Float> {
        require(.background, .searchRegion, .smallScale, for: "smoothed")
        return floatPlane
    }

    /// Each pixel's distance to the skin line, in pixels (`searchRegion`).
    var skinDistances: UnsafeMutableBufferPointer<Int32> {
        require(.searchRegion, for: "skinDistances")
        return UnsafeMutableRawBufferPointer(labelPlane).bindMemory(to: Int32.self)
    }

    /// The small scale's window means, in the label plane (`smallScale` and `largeScale`).
    var smallMeans: UnsafeMutableBufferPointer<Float> {
        require(.smallScale, .largeScale, for: "smallMeans")
        return UnsafeMutableRawBufferPointer(labelPlane).bindMemory(to: Float.self)
    }

    /// The large scale's window means, written over S in its own plane (`largeScale`).
    var largeMeans: UnsafeMutableBufferPointer<Float> {
        require(.largeScale, for: "largeMeans")
        return floatPlane
    }

    /// Candidate mask, then outline mask, a byte a pixel (`segmentation`).
    var mask: UnsafeMutableBufferPointer<UInt8> {
        require(.segmentation, for: "mask")
        let bytes = UnsafeMutableRawBufferPointer(floatPlane).bindMemory(to: UInt8.self)
        return UnsafeMutableBufferPointer(rebasing: bytes[0..<count])
    }

    /// The label image: 0 background, else a candidate's or deposit's id (`segmentation`).
    var labels: UnsafeMutableBufferPointer<Int32> {
        require(.segmentation, for: "labels")
        return UnsafeMutableRawBufferPointer(labelPlane).bindMemory(to: Int32.self)
    }
}
