import Radiography

/// Lossless JPEG (ITU-T T.81 Annex H, process 14: Huffman coding, predictors 1–7, point
/// transform), the codec of JPEG Lossless SV1 (1.2.840.10008.1.2.4.70) and JPEG Lossless
/// (…4.57), in which many CR/DX archives store their films. Written here rather than taken
/// from libjpeg, whose lossless mode Debian's libjpeg-turbo 2.1 does not build.
///
/// Decodes one frame's codestream into planes of stored words (`components × rows × columns`,
/// component-major), each sample `value << Pt`. Any number of scans, each interleaving its
/// components one sample per MCU (all sampling factors 1, as PS3.5 8.2.1 expects of
/// lossless colour), with or without restart intervals. Every length, table and code is
/// checked; a stream that ends early is an error, never a read past the end.
enum JPEGLosslessDecoder {
    static func decode(_ data: [UInt8], rows: Int, columns: Int, components: Int) throws -> [UInt16] {
        // Every sample costs at least one Huffman code bit, so a codestream shorter than one bit
        // per sample cannot hold the frame: refused before the planes are allocated, so a header
        // claiming a large film with a few bytes of data costs nothing.
        let samples = rows * columns * components  // ≤ 3 × DecodeLimits.maxPixels
        guard data.count >= samples / 8 else {
            throw fail(.truncated, "the frame's \(data.count) bytes cannot hold \(columns)×\(rows)×\(components) samples (at least one bit each)")
        }
        var planes = [UInt16](repeating: 0, count: rows * columns * components)
        try data.withUnsafeBufferPointer { src in
            try planes.withUnsafeMutableBufferPointer { out in
                var decoder = Codestream(src: src, rows: rows, columns: columns, components: components, out: out)
                try decoder.run()
            }
        }
        return planes
    }

    private static func fail(_ kind: FilmError.Kind, _ what: String) -> FilmError { FilmError(kind, "DICOM: JPEG Lossless: " + what) }

    private struct Component {
        let id: UInt8
        var table = 0
    }

    /// One line of every component in the scan: the hot loop, kept free of captured state so
    /// the bit buffer stays in registers.
    private static func decodeLine(
        _ line: Int, firstOfInterval: Bool, columns: Int, bases: UnsafeBufferPointer<Int>,
        lookup: UnsafeBufferPointer<UInt16>, predictor: Int, initial: Int,
        bits: inout JPEGBitReader, out: UnsafeMutableBufferPointer<UInt16>
    ) throws {
        var reader = bits
        defer { bits = reader }
        for x in 0..<columns {
            for k in 0..<bases.count {
                if reader.count < 32 { reader.fill() }  // a code and its bits take at most 32
                let entry = lookup[k << 16 | Int(truncatingIfNeeded: reader.buffer >> 48)]
                guard entry != 0 else { throw fail(.malformed, "invalid Huffman code at line \(line + 1)") }
                _ = reader.take(Int(entry >> 8))
                let ssss = Int(entry & 0xFF)
                var diff = 0
                if ssss == 16 {
                    diff = 32768
                } else if ssss > 0 {
                    let v = reader.take(ssss)
                    diff = v < 1 << (ssss - 1) ? v - (1 << ssss) + 1 : v
                }
                let i = bases[k] + line * columns + x
                let prediction: Int
                if firstOfInterval {
                    prediction = x == 0 ? initial : Int(out[i - 1])
                } else if x == 0 {
                    prediction = Int(out[i - columns])
                } else {
                    let a = Int(out[i - 1]), b = Int(out[i - columns]), c = Int(out[i - columns - 1])
                    switch predictor {
                    case 1: prediction = a
                    case 2: prediction = b
                    case 3: prediction = c
                    case 4: prediction = a + b - c
                    case 5: prediction = a + ((b - c) >> 1)
                    case 6: prediction = b + ((a - c) >> 1)
                    default: prediction = (a + b) >> 1
                    }
                }
                out[i] = UInt16(truncatingIfNeeded: prediction + diff)
            }
        }
    }

    private struct Codestream {
        let src: UnsafeBufferPointer<UInt8>
        let rows: Int, columns: Int, components: Int
        let out: UnsafeMutableBufferPointer<UInt16>
        var position = 0
        var tables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
        var frameComponents: [Component] = []
        var precision = 0
        var restartInterval = 0
        /// Huffman tables defined so far (at most `JPEGSegments.maxHuffmanTablesDefined`).
        var tablesDefined = 0

        init(src: UnsafeBufferPointer<UInt8>, rows: Int, columns: Int, components: Int, out: UnsafeMutableBufferPointer<UInt16>) {
            self.src = src
            self.rows = rows
            self.columns = columns
            self.components = components
            self.out = out
        }

        mutating func run() throws {
            guard src.count >= 2, src[0] == 0xFF, src[1] == 0xD8 else { throw fail(.malformed, "the frame does not start with a JPEG SOI marker") }
            position = 2
            var scans = 0
            while true {
                let (marker, segment) = try JPEGSegments.nextMarker(src, at: &position, codec: "JPEG Lossless")
                switch marker {
                case 0xD9:
                    guard scans > 0 else { throw fail(.malformed, "the codestream has no scan") }
                    return
                case 0xC3: try readFrameHeader(segment)
                case 0xC4: try readHuffmanTables(segment)
                case 0xDD:
                    guard segment.count == 2 else { throw fail(.malformed, "DRI segment has length \(segment.count + 2)") }
                    restartInterval = Int(src[segment.lowerBound]) << 8 | Int(src[segment.lowerBound + 1])
                case 0xDA:
                    try decodeScan(header: segment)
                    scans += 1
                case 0xC0...0xC2, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                    throw fail(.unsupported, "the frame uses JPEG process SOF\(marker - 0xC0), not lossless (SOF3)")
                case 0xDC:
                    throw fail(.unsupported, "DNL markers (height given after the scan) are not supported")
                default:
                    break  // RSTm, TEM, APPn, COM, DQT and the like carry nothing lossless decoding needs
                }
            }
        }

        private mutating func readFrameHeader(_ s: Range<Int>) throws {
            guard s.count >= 6 else { throw fail(.truncated, "SOF3 segment is too short") }
            precision = Int(src[s.lowerBound])
            let y = Int(src[s.lowerBound + 1]) << 8 | Int(src[s.lowerBound + 2])
            let x = Int(src[s.lowerBound + 3]) << 8 | Int(src[s.lowerBound + 4])
            let n = Int(src[s.lowerBound + 5])
            guard (2...16).contains(precision) else { throw fail(.malformed, "sample precision \(precision) is outside 2…16") }
            guard y == rows, x == columns, n == components else {
                throw fail(.malformed, "the codestream is \(x)×\(y) with \(n) component\(n == 1 ? "" : "s"), the DICOM header says \(columns)×\(rows) with \(components)")
            }
            guard s.count == 6 + 3 * n else { throw fail(.malformed, "SOF3 segment length does not match its \(n) components") }
            frameComponents = []
            for c in 0..<n {
                let p = s.lowerBound + 6 + 3 * c
                guard src[p + 1] == 0x11 else { throw fail(.malformed, "component \(c + 1) is subsampled, which lossless DICOM does not allow") }
                frameComponents.append(Component(id: src[p]))
            }
        }

        private mutating func readHuffmanTables(_ s: Range<Int>) throws {
            for table in try JPEGSegments.huffmanTables(src, s, codec: "JPEG Lossless") {
                tablesDefined += 1
                guard tablesDefined <= JPEGSegments.maxHuffmanTablesDefined else {
                    throw fail(.malformed, "more than \(JPEGSegments.maxHuffmanTablesDefined) Huffman tables defined in one frame")
                }
                guard table.tableClass == 0, table.id < 4 else {
                    throw fail(.malformed, "Huffman table class \(table.tableClass) id \(table.id) is not a lossless (DC) table")
                }
                tables[table.id] = try JPEGHuffmanTable(counts: table.counts, symbols: table.symbols, maxSymbol: 16, codec: "JPEG Lossless")
            }
        }

        private mutating func decodeScan(header s: Range<Int>) throws {
            guard precision > 0 else { throw fail(.malformed, "scan before the SOF3 frame header") }
            guard s.count >= 1 else { throw fail(.malformed, "SOS segment is empty") }
            let n = Int(src[s.lowerBound])
            guard n >= 1, s.count == 1 + 2 * n + 3 else { throw fail(.malformed, "SOS segment length does not match its \(n) components") }
            guard n <= frameComponents.count else {
                throw fail(.malformed, "scan has \(n) components, the frame \(frameComponents.count)")
            }
            var planes: [Int] = [], huffman: [JPEGHuffmanTable] = []
            for k in 0..<n {
                let id = src[s.lowerBound + 1 + 2 * k]
                guard let plane = frameComponents.firstIndex(where: { $0.id == id }) else {
                    throw fail(.malformed, "scan names component \(id), which the frame does not have")
                }
                let t = Int(src[s.lowerBound + 2 + 2 * k] >> 4)
                guard t < 4, let table = tables[t] else { throw fail(.malformed, "scan uses Huffman table \(t), which was not defined") }
                guard !planes.contains(plane) else { throw fail(.malformed, "scan names component \(id) twice") }
                planes.append(plane)
                huffman.append(table)
            }
            let predictor = Int(src[s.lowerBound + 1 + 2 * n])
            let pointTransform = Int(src[s.lowerBound + 3 + 2 * n] & 0x0F)
            guard (1...7).contains(predictor) else {
                throw fail(.malformed, "predictor \(predictor) is outside 1…7 (is the codestream lossy?)")
            }
            guard pointTransform < precision else { throw fail(.malformed, "point transform \(pointTransform) ≥ precision \(precision)") }

            var bits = JPEGBitReader(src: src, position: position)
            let count = rows * columns
            let initial = 1 << (precision - pointTransform - 1)
            let linesPerInterval = restartInterval == 0 ? Int.max : restartInterval / columns
            guard restartInterval == 0 || (restartInterval % columns == 0 && linesPerInterval > 0) else {
                throw fail(.malformed, "restart interval \(restartInterval) is not a whole number of lines of \(columns)")
            }
            var restarts = 0
            // Reconstructed values (before the point transform) live in `out`, one plane each.
            let lineBase = planes.map { $0 * count }
            let lookups = huffman.flatMap(\.lookup)  // table k at k << 16
            let out = self.out
            try lookups.withUnsafeBufferPointer { lookup in
                try lineBase.withUnsafeBufferPointer { bases in
                    for line in 0..<rows {
                        let firstLineOfInterval = restartInterval == 0 ? line == 0 : line % linesPerInterval == 0
                        if firstLineOfInterval && line > 0 {
                            // Byte-aligned RSTm marker, then prediction restarts as at the top.
                            restarts += 1
                            try bits.restart(number: restarts, codec: "JPEG Lossless")
                        }
                        try JPEGLosslessDecoder.decodeLine(
                            line, firstOfInterval: firstLineOfInterval, columns: columns, bases: bases, lookup: lookup,
                            predictor: predictor, initial: initial, bits: &bits, out: out)
                        guard bits.overrun == 0 else { throw fail(.truncated, "the entropy-coded data ends before line \(line + 1) is complete") }
                    }
                }
            }
            if pointTransform > 0 {
                for plane in planes {
                    for i in (plane * count)..<((plane + 1) * count) { out[i] = out[i] &<< UInt16(pointTransform) }
                }
            }
            // Continue with the marker after the scan's data.
            position = bits.markerAfterScan
        }
    }
}
