/// Mean over a (2r+1)×(2r+1) window clipped to the image, by running sums: the cost per pixel
/// does not depend on the window size.
///
/// Near the borders the window is clipped and the mean taken over the pixels inside it, so a
/// border is not darkened by imaginary zeros. Running sums are kept in `Double`, so a 4500-pixel
/// row accumulates no drift.
enum BoxFilter {
    static func mean(
        _ src: UnsafeBufferPointer<Float>, width: Int, height: Int, radius r: Int,
        into dst: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(src.count >= width * height && dst.count >= width * height && scratch.count >= width * height)
        nonisolated(unsafe) let src = src
        nonisolated(unsafe) let dst = dst
        nonisolated(unsafe) let rowSums = scratch
        // Horizontal: window sums per row (not yet divided).
        ParallelBands.run(height, minimumBand: 16) { rows in
            for y in rows {
                let row = y * width
                var sum = 0.0
                // Prime with the pixels of the window around x = 0 (excluding x + r itself).
                for x in 0..<min(r, width) { sum += Double(src[row + x]) }
                for x in 0..<width {
                    let enter = x + r
                    if enter < width { sum += Double(src[row + enter]) }
                    let leave = x - r - 1
                    if leave >= 0 { sum -= Double(src[row + leave]) }
                    rowSums[row + x] = Float(sum)
                }
            }
        }
        // Vertical: running sums down each column band, then divide by the clipped window area.
        ParallelBands.run(width, minimumBand: 256) { columns in
            let n = columns.count
            let acc = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
            defer { acc.deallocate() }
            acc.initialize(repeating: 0)
            let x0 = columns.lowerBound
            for y in 0..<min(r, height) {
                let row = y * width + x0
                for i in 0..<n { acc[i] += Double(rowSums[row + i]) }
            }
            for y in 0..<height {
                let enter = y + r
                if enter < height {
                    let row = enter * width + x0
                    for i in 0..<n { acc[i] += Double(rowSums[row + i]) }
                }
                let leave = y - r - 1
                if leave >= 0 {
                    let row = leave * width + x0
                    for i in 0..<n { acc[i] -= Double(rowSums[row + i]) }
                }
                let rowsIn = Double(min(height - 1, y + r) - max(0, y - r) + 1)
                let out = y * width + x0
                for i in 0..<n {
                    let x = x0 + i
                    let colsIn = Double(min(width - 1, x + r) - max(0, x - r) + 1)
                    dst[out + i] = Float(acc[i] / (rowsIn * colsIn))
                }
            }
        }
    }
}
