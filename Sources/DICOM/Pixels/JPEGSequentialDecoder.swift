import Radiography

/// Sequential DCT JPEG with Huffman coding (ITU-T T.81 Annex F: the baseline process 1 and the
/// extended processes 2 and 4), with 8- or 12-bit samples: the codec of JPEG Extended
/// (1.2.840.10008.1.2.4.51), in which 12-bit CT, MR and CR films were archived lossily. Written
/// here because Debian's libjpeg-turbo 2.1 is built for 8-bit samples only; it shares the
/// marker reader, Huffman tables and bit reader of `JPEGLosslessDecoder` (`JPEGEntropyCoding`).
///
/// Any number of scans (interleaved or one component each), sampling factors 1…4, restart
/// intervals, 8- and 16-bit quantisation tables. The inverse DCT is libjpeg's accurate integer
/// one (`JPEGIntegerIDCT`) and subsampled components are upsampled as libjpeg's default ("fancy":
/// triangle filter for 2:1 horizontal and 2:1 both ways, replication otherwise), so the samples
/// equal IJG libjpeg's (DCMTK's decoding, to the bit, on every file compared); components are
/// returned as coded (no colour conversion), like `JPEGBaselineDecoder`.
///
/// Refused by name: progressive, lossless, hierarchical and arithmetic-coded frames, DNL. Every
/// length, table and code is checked, the data must hold two bits per block before any plane is
/// allocated, and a stream that ends early is an error, never a read past the end.
enum JPEGSequentialDecoder {
    struct Frame {
        /// `rows × columns × components` samples, interleaved.
        let words: [UInt32]
        /// The frame's sample precision, 8 or 12.
        let precision: Int
        /// True when a 3-component frame is YCbCr (libjpeg's rule: JFIF or Adobe transform, or
        /// component ids other than R, G, B), so component 0 is luma.
        let isYCbCr: Bool
    }

    static func decode(_ data: [UInt8], rows: Int, columns: Int, components: Int, codec: String) throws -> Frame {
        try data.withUnsafeBufferPointer { src in
            var stream = Codestream(src: src, rows: rows, columns: columns, components: components, codec: codec)
            return try stream.run()
        }
    }

    /// Zig-zag position → natural (row-major) position in the 8 × 8 block (T.81 Figure A.6).
    static let naturalOrder: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ]

    private struct Component {
        let id: UInt8
        let h: Int, v: Int
        let quantTable: Int
        /// Size in samples after downsampling, and in blocks padded to whole MCUs.
        var width = 0, height = 0
        var blocksWide = 0, blocksHigh = 0
        var decoded = false
        /// Where the component's plane starts in `Codestream.planes`.
        var planeStart = 0
        var planeWidth: Int { blocksWide * 8 }
        var planeCount: Int { planeWidth * blocksHigh * 8 }
    }

    private struct Codestream {
        let src: UnsafeBufferPointer<UInt8>
        let rows: Int, columns: Int, components: Int
        let codec: String
        var position = 0
        var precision = 0
        var frame: [Component] = []
        /// Every component's plane, one after another in one buffer (`Component.planeStart`), so a
        /// scan takes one pointer for all of them.
        var planes: [UInt16] = []
        var hMax = 1, vMax = 1, mcusWide = 0, mcusHigh = 0
        /// Quantisation tables in zig-zag order.
        var quant: [[Int32]?] = [nil, nil, nil, nil]
        /// Huffman tables as lookups side by side (`JPEGHuffmanTable`), table t (DC ids 0–3, AC
        /// 4–7) at t << 16, so a scan reads them in place; which of them are defined.
        var huffman = [UInt16](repeating: 0, count: 8 << 16)
        var huffmanDefined = [Bool](repeating: false, count: 8)
        var restartInterval = 0
        var tablesDefined = 0
        var jfif = false
        var adobeTransform: Int?

        init(src: UnsafeBufferPointer<UInt8>, rows: Int, columns: Int, components: Int, codec: String) {
            self.src = src
            self.rows = rows
            self.columns = columns
            self.components = components
            self.codec = codec
        }

        func fail(_ kind: FilmError.Kind, _ what: String) -> FilmError { FilmError(kind, "DICOM: \(codec): " + what) }

        mutating func run() throws -> Frame {
            guard src.count >= 2, src[0] == 0xFF, src[1] == 0xD8 else { throw fail(.malformed, "the frame does not start with a JPEG SOI marker") }
            position = 2
            while true {
                let (marker, segment) = try JPEGSegments.nextMarker(src, at: &position, codec: codec)
                switch marker {
                case 0xD9:
                    guard !frame.isEmpty else { throw fail(.malformed, "the codestream has no frame header") }
                    if let missing = frame.first(where: { !$0.decoded }) {
                        throw fail(.malformed, "component \(missing.id) is in no scan")
                    }
                    return output()
                case 0xC0, 0xC1: try readFrameHeader(segment)
                case 0xC4: try readHuffmanTables(segment)
                case 0xDB: try readQuantisationTables(segment)
                case 0xDD:
                    guard segment.count == 2 else { throw fail(.malformed, "DRI segment has length \(segment.count + 2)") }
                    restartInterval = Int(src[segment.lowerBound]) << 8 | Int(src[segment.lowerBound + 1])
                case 0xDA: try decodeScan(header: segment)
                case 0xE0:
                    jfif = jfif || (segment.count >= 5 && Array(src[segment.lowerBound..<(segment.lowerBound + 5)]) == [0x4A, 0x46, 0x49, 0x46, 0])
                case 0xEE:
                    if segment.count >= 12, Array(src[segment.lowerBound..<(segment.lowerBound + 5)]) == [0x41, 0x64, 0x6F, 0x62, 0x65] {
                        adobeTransform = Int(src[segment.lowerBound + 11])
                    }
                case 0xC2, 0xC6, 0xCA, 0xCE:
                    throw fail(.unsupported, "the frame is progressive (SOF\(marker - 0xC0)), which is not read")
                case 0xC3, 0xC7, 0xCB, 0xCF:
                    throw fail(.unsupported, "the frame is lossless (SOF\(marker - 0xC0)), not sequential DCT")
                case 0xC5:
                    throw fail(.unsupported, "the frame is hierarchical (SOF5), which is not read")
                case 0xC9, 0xCC:
                    throw fail(.unsupported, "the frame is arithmetic-coded (SOF\(marker - 0xC0)), which is not read")
                case 0xDC:
                    throw fail(.unsupported, "DNL markers (height given after the scan) are not supported")
                default:
                    break  // RSTm, TEM, APPn, COM and the like
                }
            }
        }

        private mutating func readFrameHeader(_ s: Range<Int>) throws {
            guard frame.isEmpty else { throw fail(.malformed, "the codestream has two frame headers") }
            guard s.count >= 6 else { throw fail(.truncated, "SOF segment is too short") }
            precision = Int(src[s.lowerBound])
            let y = Int(src[s.lowerBound + 1]) << 8 | Int(src[s.lowerBound + 2])
            let x = Int(src[s.lowerBound + 3]) << 8 | Int(src[s.lowerBound + 4])
            let n = Int(src[s.lowerBound + 5])
            guard precision == 8 || precision == 12 else { throw fail(.malformed, "sample precision \(precision) is neither 8 nor 12") }
            guard y == rows, x == columns, n == components else {
                throw fail(.malformed, "the frame is \(x)×\(y) with \(n) component\(n == 1 ? "" : "s"), but the file says \(columns)×\(rows) with \(components)")
            }
            guard s.count == 6 + 3 * n else { throw fail(.malformed, "SOF segment length does not match its \(n) components") }
            var parsed: [Component] = []
            for c in 0..<n {
                let p = s.lowerBound + 6 + 3 * c
                let h = Int(src[p + 1] >> 4), v = Int(src[p + 1] & 0x0F), tq = Int(src[p + 2])
                guard (1...4).contains(h), (1...4).contains(v) else { throw fail(.malformed, "component \(c + 1) has sampling factors \(h)×\(v) (1…4 each)") }
                guard tq < 4 else { throw fail(.malformed, "component \(c + 1) names quantisation table \(tq) (0…3)") }
                guard !parsed.contains(where: { $0.id == src[p] }) else { throw fail(.malformed, "component id \(src[p]) appears twice") }
                // A single component is one block per MCU whatever its factors say (T.81 A.2.2).
                parsed.append(Component(id: src[p], h: n == 1 ? 1 : h, v: n == 1 ? 1 : v, quantTable: tq))
            }
            hMax = parsed.map(\.h).max() ?? 1
            vMax = parsed.map(\.v).max() ?? 1
            mcusWide = (x + 8 * hMax - 1) / (8 * hMax)
            mcusHigh = (y + 8 * vMax - 1) / (8 * vMax)
            var blocks = 0
            for k in parsed.indices {
                parsed[k].width = (x * parsed[k].h + hMax - 1) / hMax
                parsed[k].height = (y * parsed[k].v + vMax - 1) / vMax
                parsed[k].blocksWide = mcusWide * parsed[k].h
                parsed[k].blocksHigh = mcusHigh * parsed[k].v
                blocks += ((parsed[k].width + 7) / 8) * ((parsed[k].height + 7) / 8)
            }
            // Every block is at least a DC code and an end-of-block code, one bit each: a few
            // bytes claiming a large film are refused before any plane exists.
            guard blocks <= src.count * 4 else {
                throw fail(.truncated, "the frame's \(src.count) bytes cannot hold its \(blocks) blocks (at least two bits each)")
            }
            var start = 0
            for k in parsed.indices {
                parsed[k].planeStart = start
                start += parsed[k].planeCount
            }
            frame = parsed
            planes = [UInt16](repeating: 0, count: start)
        }

        private mutating func readQuantisationTables(_ s: Range<Int>) throws {
            var p = s.lowerBound
            while p < s.upperBound {
                let wide = src[p] >> 4, id = Int(src[p] & 0x0F)
                guard wide <= 1, id < 4 else { throw fail(.malformed, "DQT names table \(id) with precision \(wide) (0…3, 8 or 16 bits)") }
                let size = wide == 1 ? 128 : 64
                guard p + 1 + size <= s.upperBound else { throw fail(.truncated, "DQT segment ends inside a table") }
                quant[id] = (0..<64).map { k in
                    wide == 1 ? Int32(src[p + 1 + 2 * k]) << 8 | Int32(src[p + 2 + 2 * k]) : Int32(src[p + 1 + k])
                }
                p += 1 + size
            }
        }

        private mutating func readHuffmanTables(_ s: Range<Int>) throws {
            for table in try JPEGSegments.huffmanTables(src, s, codec: codec) {
                tablesDefined += 1
                guard tablesDefined <= JPEGSegments.maxHuffmanTablesDefined else {
                    throw fail(.malformed, "more than \(JPEGSegments.maxHuffmanTablesDefined) Huffman tables defined in one frame")
                }
                guard table.tableClass <= 1, table.id < 4 else { throw fail(.malformed, "Huffman table class \(table.tableClass) id \(table.id) (class 0–1, id 0–3)") }
                // DC difference categories reach 11 (8-bit) or 15 (12-bit); AC symbols are run/size bytes.
                let t = Int(table.tableClass) * 4 + table.id
                huffmanDefined[t] = false
                let codec = codec
                try huffman.withUnsafeMutableBufferPointer { all in
                    let lookup = UnsafeMutableBufferPointer(rebasing: all[(t << 16)..<((t + 1) << 16)])
                    lookup.update(repeating: 0)
                    try JPEGHuffmanTable.fill(lookup, counts: table.counts, symbols: table.symbols,
                                              maxSymbol: table.tableClass == 0 ? 15 : 255, codec: codec)
                }
                huffmanDefined[t] = true
            }
        }

        private mutating func decodeScan(header s: Range<Int>) throws {
            guard !frame.isEmpty else { throw fail(.malformed, "scan before the frame header") }
            guard s.count >= 1 else { throw fail(.malformed, "SOS segment is empty") }
            let n = Int(src[s.lowerBound])
            guard (1...4).contains(n), s.count == 1 + 2 * n + 3 else { throw fail(.malformed, "SOS segment length does not match its \(n) components") }
            var scan: [ScanComponent] = []
            var quantNatural: [Int32] = []
            for k in 0..<n {
                let id = src[s.lowerBound + 1 + 2 * k]
                guard let index = frame.firstIndex(where: { $0.id == id }) else {
                    throw fail(.malformed, "scan names component \(id), which the frame does not have")
                }
                guard !scan.contains(where: { $0.index == index }) else { throw fail(.malformed, "scan names component \(id) twice") }
                guard !frame[index].decoded else { throw fail(.malformed, "component \(id) is in two scans (progressive?)") }
                let td = Int(src[s.lowerBound + 2 + 2 * k] >> 4), ta = Int(src[s.lowerBound + 2 + 2 * k] & 0x0F)
                guard td < 4, huffmanDefined[td] else { throw fail(.malformed, "scan uses DC Huffman table \(td), which was not defined") }
                guard ta < 4, huffmanDefined[4 + ta] else { throw fail(.malformed, "scan uses AC Huffman table \(ta), which was not defined") }
                guard let q = quant[frame[index].quantTable] else {
                    throw fail(.malformed, "component \(id) uses quantisation table \(frame[index].quantTable), which was not defined")
                }
                // Quantisation by natural position, in scan order.
                var natural = [Int32](repeating: 0, count: 64)
                for z in 0..<64 { natural[JPEGSequentialDecoder.naturalOrder[z]] = q[z] }
                quantNatural += natural
                let c = frame[index]
                // One component alone is coded block by block over its own size (T.81 A.2.2).
                scan.append(ScanComponent(index: index, h: n == 1 ? 1 : c.h, v: n == 1 ? 1 : c.v, planeWidth: c.planeWidth,
                                          planeStart: c.planeStart, planeCount: c.planeCount, dcTable: td, acTable: 4 + ta))
            }
            let ss = src[s.lowerBound + 1 + 2 * n], se = src[s.lowerBound + 2 + 2 * n], a = src[s.lowerBound + 3 + 2 * n]
            guard ss == 0, se == 63, a == 0 else {
                throw fail(.malformed, "scan has spectral selection \(ss)…\(se) and approximation \(a >> 4)/\(a & 0x0F), not sequential (0…63, 0/0)")
            }
            let wide: Int, high: Int
            if n == 1 {
                let c = frame[scan[0].index]
                wide = (c.width + 7) / 8
                high = (c.height + 7) / 8
            } else {
                wide = mcusWide
                high = mcusHigh
            }
            var bits = JPEGBitReader(src: src, position: position)
            // Moved out of self while the scan writes them, so the buffer stays unique (no copy).
            var planes = self.planes
            self.planes = []
            defer { self.planes = planes }
            let precision = self.precision
            let interval = restartInterval, codec = self.codec
            try huffman.withUnsafeBufferPointer { lookup in
            try planes.withUnsafeMutableBufferPointer { planes in
                try quantNatural.withUnsafeBufferPointer { q in
                    try JPEGSequentialDecoder.naturalOrder.withUnsafeBufferPointer { zigzag in
                        let f = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 64)
                        let t = UnsafeMutableBufferPointer<Int>.allocate(capacity: 64)
                        defer { f.deallocate(); t.deallocate() }
                        let block = BlockDecoder(lookup: lookup, quant: q, zigzag: zigzag, precision: precision,
                                                 codec: codec, f: f, t: t)
                        // Each component's plane, taken once for the scan.
                        let scanPlanes = scan.map { UnsafeMutableBufferPointer(rebasing: planes[$0.planeStart..<($0.planeStart + $0.planeCount)]) }
                        var predictions = [Int32](repeating: 0, count: n)
                        var restarts = 0
                        for mcu in 0..<(wide * high) {
                            if interval > 0, mcu > 0, mcu % interval == 0 {
                                restarts += 1
                                try bits.restart(number: restarts, codec: codec)
                                for k in 0..<n { predictions[k] = 0 }
                            }
                            let mx = mcu % wide, my = mcu / wide
                            for k in 0..<n {
                                let c = scan[k], plane = scanPlanes[k]
                                for by in 0..<c.v {
                                    for bx in 0..<c.h {
                                        let origin = ((my * c.v + by) * 8) * c.planeWidth + (mx * c.h + bx) * 8
                                        try block.decode(component: k, dcTable: c.dcTable, acTable: c.acTable, prediction: &predictions[k],
                                                         bits: &bits, into: plane, origin: origin, stride: c.planeWidth)
                                    }
                                }
                            }
                            guard bits.overrun == 0 else {
                                throw FilmError(.truncated, "DICOM: \(codec): the entropy-coded data ends before MCU \(mcu + 1) of \(wide * high) is complete")
                            }
                        }
                    }
                }
            }}
            for c in scan { frame[c.index].decoded = true }
            position = bits.markerAfterScan
        }

        /// The components at full size, interleaved, subsampled ones upsampled as libjpeg does.
        private func output() -> Frame {
            let n = frame.count, count = rows * columns
            var words = [UInt32](repeating: 0, count: count * n)
            words.withUnsafeMutableBufferPointer { out in
                for (k, c) in frame.enumerated() {
                    planes[c.planeStart..<(c.planeStart + c.planeCount)].withUnsafeBufferPointer { plane in
                        let w = c.planeWidth
                        if c.h == hMax && c.v == vMax {
                            for y in 0..<rows { for x in 0..<columns { out[(y * columns + x) * n + k] = UInt32(plane[y * w + x]) } }
                        } else if hMax == 2 * c.h && vMax == c.v {
                            for y in 0..<rows { Upsampling.h2v1(plane, row: y * w, width: c.width, out: out, at: y * columns * n + k, step: n, columns: columns) }
                        } else if hMax == 2 * c.h && vMax == 2 * c.v {
                            for y in 0..<rows {
                                let near = y / 2, far = y % 2 == 0 ? max(near - 1, 0) : min(near + 1, c.height - 1)
                                Upsampling.h2v2(plane, near: near * w, far: far * w, width: c.width, out: out,
                                                at: y * columns * n + k, step: n, columns: columns)
                            }
                        } else {
                            for y in 0..<rows {
                                let row = (y * c.v / vMax) * w
                                for x in 0..<columns { out[(y * columns + x) * n + k] = UInt32(plane[row + x * c.h / hMax]) }
                            }
                        }
                    }
                }
            }
            let rgbIDs = frame.count == 3 && frame.map(\.id) == [0x52, 0x47, 0x42]
            let isYCbCr = frame.count == 3 && (jfif || (adobeTransform.map { $0 != 0 } ?? !rgbIDs))
            return Frame(words: words, precision: precision, isYCbCr: isYCbCr)
        }
    }

    private struct ScanComponent {
        let index: Int
        let h: Int, v: Int
        let planeWidth: Int
        /// The component's plane in `Codestream.planes`.
        let planeStart: Int, planeCount: Int
        /// Its Huffman tables in `Codestream.huffman`.
        let dcTable: Int, acTable: Int
    }

    /// One 8 × 8 block: Huffman decoding, dequantisation, inverse DCT, level shift and clamp.
    private struct BlockDecoder {
        let lookup: UnsafeBufferPointer<UInt16>
        let quant: UnsafeBufferPointer<Int32>
        let zigzag: UnsafeBufferPointer<Int>
        let precision: Int
        let codec: String
        /// Scratch: the block's coefficients (natural order) and the column pass of the IDCT.
        let f: UnsafeMutableBufferPointer<Int32>
        let t: UnsafeMutableBufferPointer<Int>

        /// A code's value from its `size` extra bits (T.81 F.2.2.1, EXTEND).
        @inline(__always) static func extend(_ v: Int, _ size: Int) -> Int32 {
            Int32(truncatingIfNeeded: v < 1 << (size - 1) ? v - (1 << size) + 1 : v)
        }

        @inline(__always) func symbol(_ table: Int, _ reader: inout JPEGBitReader) throws -> Int {
            if reader.count < 32 { reader.fill() }  // a code (≤ 16 bits) and its bits (≤ 15)
            let entry = lookup[table << 16 | Int(truncatingIfNeeded: reader.buffer >> 48)]
            guard entry != 0 else { throw FilmError(.malformed, "DICOM: \(codec): invalid Huffman code") }
            _ = reader.take(Int(entry >> 8))
            return Int(entry & 0xFF)
        }

        /// One block of the scan's component `k` (its quantisation table), with Huffman tables
        /// `dcTable` and `acTable`.
        func decode(component k: Int, dcTable: Int, acTable: Int, prediction: inout Int32, bits: inout JPEGBitReader,
                    into plane: UnsafeMutableBufferPointer<UInt16>, origin: Int, stride: Int) throws {
            var reader = bits
            defer { bits = reader }
            let q = k * 64
            f.update(repeating: 0)
            let dcSize = try symbol(dcTable, &reader)
            if dcSize > 0 { prediction &+= Self.extend(reader.take(dcSize), dcSize) }
            f[0] = prediction &* quant[q]
            var z = 1
            while z < 64 {
                let rs = try symbol(acTable, &reader)
                let run = rs >> 4, size = rs & 0x0F
                if size == 0 {
                    guard run == 15 else { break }  // end of block
                    z += 16
                    continue
                }
                z += run
                guard z < 64 else { throw FilmError(.malformed, "DICOM: \(codec): a block's coefficients run past 63") }
                let natural = zigzag[z]
                f[natural] = Self.extend(reader.take(size), size) &* quant[q + natural]
                z += 1
            }
            JPEGIntegerIDCT.transform(f, workspace: t, precision: precision, into: plane, origin: origin, stride: stride)
        }
    }

    /// libjpeg's "fancy" upsampling (its default): each output sample weighs the nearer input
    /// sample 3 and the farther 1, with libjpeg's alternating rounding, edges replicated.
    private enum Upsampling {
        static func h2v1(_ p: UnsafeBufferPointer<UInt16>, row: Int, width: Int, out: UnsafeMutableBufferPointer<UInt32>,
                         at base: Int, step: Int, columns: Int) {
            for i in 0..<width {
                let this = 3 * Int(p[row + i])
                let left = i == 0 ? Int(p[row + i]) * 4 : this + Int(p[row + i - 1]) + 1
                let right = i == width - 1 ? Int(p[row + i]) * 4 : this + Int(p[row + i + 1]) + 2
                let x = 2 * i
                if x < columns { out[base + x * step] = UInt32(i == 0 ? Int(p[row + i]) : left >> 2) }
                if x + 1 < columns { out[base + (x + 1) * step] = UInt32(i == width - 1 ? Int(p[row + i]) : right >> 2) }
            }
        }

        static func h2v2(_ p: UnsafeBufferPointer<UInt16>, near: Int, far: Int, width: Int, out: UnsafeMutableBufferPointer<UInt32>,
                         at base: Int, step: Int, columns: Int) {
            @inline(__always) func sum(_ i: Int) -> Int { 3 * Int(p[near + i]) + Int(p[far + i]) }
            for i in 0..<width {
                let this = sum(i)
                let left = i == 0 ? this * 4 + 8 : this * 3 + sum(i - 1) + 8
                let right = i == width - 1 ? this * 4 + 7 : this * 3 + sum(i + 1) + 7
                let x = 2 * i
                if x < columns { out[base + x * step] = UInt32(left >> 4) }
                if x + 1 < columns { out[base + (x + 1) * step] = UInt32(right >> 4) }
            }
        }
    }
}
