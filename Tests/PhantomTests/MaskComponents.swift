/// An independent 8-connected labelling of a mask, written for the tests only (breadth-first),
/// so the truth's claim "each deposit is one component" is checked by code that is not the
/// generator's and not the detector's.
struct MaskComponents {
    /// For each component, the set of label values it contains and its pixel count.
    var components: [(labels: Set<UInt16>, pixels: Int)] = []

    init(mask: [UInt16], width: Int, height: Int) {
        var seen = [Bool](repeating: false, count: mask.count)
        var queue: [Int] = []
        for start in mask.indices where mask[start] != 0 && !seen[start] {
            var labels: Set<UInt16> = []
            var pixels = 0
            queue.removeAll(keepingCapacity: true)
            queue.append(start)
            seen[start] = true
            var head = 0
            while head < queue.count {
                let i = queue[head]
                head += 1
                pixels += 1
                labels.insert(mask[i])
                let x = i % width, y = i / width
                for dy in -1...1 {
                    for dx in -1...1 where dx != 0 || dy != 0 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                        let j = ny * width + nx
                        if mask[j] != 0 && !seen[j] {
                            seen[j] = true
                            queue.append(j)
                        }
                    }
                }
            }
            components.append((labels, pixels))
        }
    }
}
