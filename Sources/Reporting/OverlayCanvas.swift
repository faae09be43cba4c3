/// An 8-bit interleaved RGB image being drawn on, for the duration of one render.
///
/// Wraps the buffer pointer of the output array so drawing is bounds-checked once per
/// primitive (clipping to the image), not once per byte, and never traps on shapes that
/// reach past the film's edge.
struct OverlayCanvas {
    let pixels: UnsafeMutableBufferPointer<UInt8>
    let width: Int
    let height: Int

    @inline(__always)
    func set(_ x: Int, _ y: Int, _ colour: OverlayRenderer.Colour) {
        let i = (y &* width &+ x) &* 3
        pixels[i] = colour.red
        pixels[i &+ 1] = colour.green
        pixels[i &+ 2] = colour.blue
    }

    /// Fills the rectangle, clipped to the image.
    func fill(x: Int, y: Int, width w: Int, height h: Int, _ colour: OverlayRenderer.Colour) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { set(column, row, colour) }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale` block.
    func text(_ text: String, x: Int, y: Int, scale: Int, _ colour: OverlayRenderer.Colour) {
        let font = PixelFont.standard
        var penX = x
        for character in text {
            let rows = font.rows(character)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<PixelFont.glyphWidth where bits & (0x10 >> column) != 0 {
                    fill(x: penX + column * scale, y: y + row * scale, width: scale, height: scale, colour)
                }
            }
            penX += PixelFont.advance * scale
        }
    }
}
