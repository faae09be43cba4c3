import XCTest
@testable import Detection
import TestSupport

/// The banded labeller against a breadth-first flood fill written here: same partition, same
/// numbering (raster order of each component's first pixel), same statistics; and the same bits
/// for any number of threads.
final class ConnectedComponentsTests: XCTestCase {
    /// Everything the test can check about the statistics the labeller feeds and merges.
    struct Probe: ComponentStatistics {
        var width: Int
        var start = 0
        var lastIndex = -1
        /// False once a pixel came out of raster order, before the band's start, with the wrong
        /// (x, y), or with an id outside 1…count.
        var orderly = true
        var area: [Int] = [], minX: [Int] = [], minY: [Int] = [], maxX: [Int] = [], maxY: [Int] = []
        var sumX: [Int] = [], sumY: [Int] = []
        /// A sum whose rounding depends on the order of the additions.
        var wave: [Double] = []

        init(width: Int) { self.width = width }

        static func wave(_ index: Int) -> Double { 1 / Double(index + 3) }

        func empty(count: Int, start: Int) -> Probe {
            var probe = Probe(width: width)
            probe.start = start
            probe.lastIndex = start - 1
            probe.area = [Int](repeating: 0, count: count + 1)
            probe.minX = [Int](repeating: .max, count: count + 1)
            probe.minY = probe.minX
            probe.maxX = [Int](repeating: .min, count: count + 1)
            probe.maxY = probe.maxX
            probe.sumX = probe.area
            probe.sumY = probe.area
            probe.wave = [Double](repeating: 0, count: count + 1)
            return probe
        }
        mutating func add(label: Int, x: Int, y: Int, index: Int) {
            guard label >= 1, label < area.count, index > lastIndex, index == y * width + x else {
                orderly = false
                return
            }
            lastIndex = index
            area[label] += 1
            minX[label] = min(minX[label], x); maxX[label] = max(maxX[label], x)
            minY[label] = min(minY[label], y); maxY[label] = max(maxY[label], y)
            sumX[label] += x; sumY[label] += y
            wave[label] += Self.wave(index)
        }
        mutating func merge(_ band: Probe, component: Int, into id: Int) {
            orderly = orderly && band.orderly && id >= 1 && id < area.count && component >= 1 && component < band.area.count
            guard orderly else { return }
            area[id] += band.area[component]
            minX[id] = min(minX[id], band.minX[component]); maxX[id] = max(maxX[id], band.maxX[component])
            minY[id] = min(minY[id], band.minY[component]); maxY[id] = max(maxY[id], band.maxY[component])
            sumX[id] += band.sumX[component]; sumY[id] += band.sumY[component]
            wave[id] += band.wave[component]
        }
    }

    struct Mask {
        var name: String
        var width: Int
        var height: Int
        var bytes: [UInt8]

        init(_ name: String, _ width: Int, _ height: Int, _ isSet: (Int, Int) -> Bool) {
            self.name = "\(name) \(width)×\(height)"
            self.width = width
            self.height = height
            bytes = (0..<(width * height)).map { isSet($0 % width, $0 / width) ? 1 : 0 }
        }
    }

    /// A rectangular spiral, one pixel wide with one-pixel gaps: one component that winds across
    /// every band border many times.
    static func spiral(_ width: Int, _ height: Int) -> Mask {
        var set = Set<Int>()
        var left = 0, top = 0, right = width - 1, bottom = height - 1
        while left <= right && top <= bottom {
            for x in left...right { set.insert(top * width + x) }
            if top + 1 <= bottom { for y in (top + 1)...bottom { set.insert(y * width + right) } }
            if top < bottom && left < right { for x in stride(from: right - 1, through: left, by: -1) { set.insert(bottom * width + x) } }
            // Up the left side, stopping two rows short of the top so that the next ring starts
            // one gap inside.
            if left < right && top + 2 <= bottom - 1 { for y in stride(from: bottom - 1, through: top + 2, by: -1) { set.insert(y * width + left) } }
            if top + 2 <= bottom { set.insert((top + 2) * width + left + 1) }
            left += 2; top += 2; right -= 2; bottom -= 2
        }
        return Mask("spiral", width, height) { x, y in set.contains(y * width + x) }
    }

    static func masks() -> [Mask] {
        var random = SplitMix64(seed: 21)
        var masks: [Mask] = []
        for (width, height) in [(61, 47), (130, 97), (7, 40), (33, 9)] {
            for density in [0.005, 0.02, 0.1, 0.3, 0.45, 0.6, 0.9] {
                let bits = (0..<(width * height)).map { _ in random.uniform() < density }
                masks.append(Mask("random \(density)", width, height) { x, y in bits[y * width + x] })
            }
        }
        // Random blobs: a sparse mask of small squares, like deposit outlines.
        let centres = (0..<40).map { _ in (Int(random.next() % 200), Int(random.next() % 150), Int(random.next() % 6)) }
        masks.append(Mask("blobs", 200, 150) { x, y in centres.contains { abs(x - $0.0) <= $0.2 && abs(y - $0.1) <= $0.2 } })
        masks.append(Mask("empty", 45, 30) { _, _ in false })
        masks.append(Mask("full", 45, 30) { _, _ in true })
        masks.append(Mask("row", 77, 1) { x, _ in x % 5 != 2 })
        masks.append(Mask("column", 1, 77) { _, y in y % 5 != 2 })
        masks.append(Mask("horizontal stripes", 70, 60) { _, y in y % 3 == 0 })
        masks.append(Mask("vertical stripes", 70, 60) { x, _ in x % 3 != 1 })
        masks.append(Mask("diagonal stripes", 70, 60) { x, y in (x + y) % 4 == 0 })
        masks.append(Mask("anti-diagonal stripes", 70, 60) { x, y in (x + 3 * 70 - y) % 5 == 0 })
        // One-pixel diagonals touch the next row only at a corner: across a band border they are
        // joined by the diagonal neighbours alone.
        masks.append(Mask("diagonals", 90, 80) { x, y in x == y || x == 89 - y || x == y + 40 || x + 40 == y })
        masks.append(Mask("checkerboard", 40, 36) { x, y in (x + y) % 2 == 0 })
        masks.append(Mask("isolated pixels", 41, 37) { x, y in x % 2 == 0 && y % 2 == 0 })
        // Teeth joined only at the bottom (each band sees separate pieces until the last) and
        // only at the top.
        masks.append(Mask("comb up", 64, 70) { x, y in x % 4 == 0 || y == 69 })
        masks.append(Mask("comb down", 64, 70) { x, y in x % 4 == 0 || y == 0 })
        masks.append(Mask("nested rings", 80, 80) { x, y in max(abs(x - 40), abs(y - 40)) % 3 == 0 })
        masks.append(spiral(71, 66))
        masks.append(spiral(40, 120))
        // Values other than 1 are set pixels too.
        var bytes = Mask("bytes", 50, 40) { x, y in (x * 7 + y * 3) % 11 < 4 }
        for i in bytes.bytes.indices where bytes.bytes[i] != 0 { bytes.bytes[i] = UInt8(1 + i % 255) }
        masks.append(bytes)
        return masks
    }

    /// Labels by flood fill, components numbered in raster order of their first pixel, with
    /// area, box and coordinate sums, and the order-dependent sum in raster order.
    static func reference(_ mask: Mask) -> (labels: [Int32], probe: Probe) {
        let width = mask.width, height = mask.height
        var labels = [Int32](repeating: 0, count: mask.bytes.count)
        var next: Int32 = 0
        for start in mask.bytes.indices where mask.bytes[start] != 0 && labels[start] == 0 {
            next += 1
            labels[start] = next
            var queue = [start], head = 0
            while head < queue.count {
                let i = queue[head]
                head += 1
                let x = i % width, y = i / width
                for dy in -1...1 {
                    for dx in -1...1 {
                        let xx = x + dx, yy = y + dy
                        guard xx >= 0, yy >= 0, xx < width, yy < height else { continue }
                        let j = yy * width + xx
                        if mask.bytes[j] != 0 && labels[j] == 0 {
                            labels[j] = next
                            queue.append(j)
                        }
                    }
                }
            }
        }
        var probe = Probe(width: width).empty(count: Int(next), start: 0)
        for i in labels.indices where labels[i] != 0 { probe.add(label: Int(labels[i]), x: i % width, y: i / width, index: i) }
        return (labels, probe)
    }

    /// Labels written over a plane of -7, which clearing must overwrite everywhere, and which
    /// no clearing must leave off the mask.
    static func label(_ mask: Mask, bandRows: Int, clearsBackground: Bool = true) -> (count: Int, labels: [Int32], probe: Probe) {
        var labels = [Int32](repeating: -7, count: mask.bytes.count)
        var probe = Probe(width: mask.width)
        let count = mask.bytes.withUnsafeBufferPointer { m in
            labels.withUnsafeMutableBufferPointer { l in
                ConnectedComponents.label(mask: m, width: mask.width, height: mask.height, labels: l,
                                          statistics: &probe, clearsBackground: clearsBackground, bandRows: bandRows)
            }
        }
        return (count, labels, probe)
    }

    func testLabelsAndStatisticsMatchFloodFill() {
        for mask in Self.masks() {
            let (expected, truth) = Self.reference(mask)
            // One row a band (a border between every two rows), odd sizes, and the production layout.
            for bandRows in [1, 2, 3, 8, ConnectedComponents.bandRows] {
                let what = "\(mask.name), bands of \(bandRows) rows"
                let (count, labels, probe) = Self.label(mask, bandRows: bandRows)
                XCTAssertEqual(count, truth.area.count - 1, what)
                XCTAssertEqual(labels, expected, what)
                XCTAssertTrue(probe.orderly, what)
                XCTAssertEqual(probe.area, truth.area, what)
                XCTAssertEqual(probe.minX, truth.minX, what)
                XCTAssertEqual(probe.maxX, truth.maxX, what)
                XCTAssertEqual(probe.minY, truth.minY, what)
                XCTAssertEqual(probe.maxY, truth.maxY, what)
                XCTAssertEqual(probe.sumX, truth.sumX, what)
                XCTAssertEqual(probe.sumY, truth.sumY, what)
                guard probe.wave.count == truth.wave.count else { continue }
                for id in probe.wave.indices {
                    XCTAssertEqual(probe.wave[id], truth.wave[id], accuracy: 1e-12 * max(1, truth.wave[id]), what)
                }
                // Without clearing: the same labels on the mask, the plane untouched off it, the
                // same statistics.
                let kept = Self.label(mask, bandRows: bandRows, clearsBackground: false)
                XCTAssertEqual(kept.count, count, what)
                XCTAssertEqual(kept.labels, zip(expected, mask.bytes).map { $1 != 0 ? $0 : -7 }, what + ", not clearing")
                XCTAssertEqual(kept.probe.area, probe.area, what)
                XCTAssertEqual(kept.probe.wave.map(\.bitPattern), probe.wave.map(\.bitPattern), what)
            }
        }
    }

    /// The band layout is fixed, so one thread and many give the same labels and the same bits in
    /// an order-dependent sum.
    func testOneThreadAndManyGiveIdenticalBits() {
        for mask in Self.masks() where mask.height >= 40 {
            for bandRows in [1, 3, 16] {
                let serial = ParallelBands.$maximumBands.withValue(1) { Self.label(mask, bandRows: bandRows) }
                for threads in [2, 3, 32] {
                    let other = ParallelBands.$maximumBands.withValue(threads) { Self.label(mask, bandRows: bandRows) }
                    let what = "\(mask.name), bands of \(bandRows) rows, \(threads) threads"
                    XCTAssertEqual(serial.count, other.count, what)
                    XCTAssertEqual(serial.labels, other.labels, what)
                    XCTAssertEqual(serial.probe.wave.map(\.bitPattern), other.probe.wave.map(\.bitPattern), what)
                }
            }
        }
    }

    func testSpiralIsOneComponent() {
        // Guards the generator: a spiral that fell apart would make a weak test of long merges.
        for mask in [Self.spiral(71, 66), Self.spiral(40, 120)] {
            XCTAssertEqual(Self.reference(mask).probe.area.count - 1, 1, mask.name)
            XCTAssertGreaterThan(Self.reference(mask).probe.area[1], mask.width * mask.height / 3, mask.name)
        }
    }

    func testCandidateCursorStartsAtTheFirstCandidateOfItsBand() {
        let index = [3, 4, 9, 20, 21, 22, 40]
        index.withUnsafeBufferPointer { index in
            for (start, expected) in [(0, 0), (3, 0), (4, 1), (5, 2), (10, 3), (22, 5), (23, 6), (40, 6), (41, 7)] {
                XCTAssertEqual(CandidateCursor(index: index, start: start).k, expected, "start \(start)")
            }
            var cursor = CandidateCursor(index: index, start: 10)
            XCTAssertEqual(cursor.seek(21), 4)
            XCTAssertEqual(cursor.seek(40), 6)
        }
    }
}
