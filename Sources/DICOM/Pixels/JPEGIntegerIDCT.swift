/// The 8 × 8 inverse DCT as libjpeg's accurate integer method ("islow", the default of IJG libjpeg,
/// libjpeg-turbo and DCMTK) computes it: the Loeffler–Ligtenberg–Moschytz factorisation (ICASSP
/// 1989) with 13-bit fixed-point constants, columns first with `pass1Bits` extra bits of
/// precision (2 for 8-bit samples, 1 for 12-bit, so that 32-bit intermediates cannot overflow),
/// then rows, each output rounded half up and clamped after the level shift. Computing the same
/// integers makes our samples equal libjpeg's, not merely within the one grey level IEEE 1180
/// allows. Arithmetic wraps, so corrupt coefficients give wrong samples, never a trap.
enum JPEGIntegerIDCT {
    static let constBits = 13
    // cos-derived constants × 2^13, rounded (the values libjpeg's FIX() macro gives).
    static let c0_298631336 = 2446, c0_390180644 = 3196, c0_541196100 = 4433, c0_765366865 = 6270
    static let c0_899976223 = 7373, c1_175875602 = 9633, c1_501321110 = 12299, c1_847759065 = 15137
    static let c1_961570560 = 16069, c2_053119869 = 16819, c2_562915447 = 20995, c3_072711026 = 25172

    /// One 1-D pass over eight values `v(0)…v(7)` (stride apart in a block), giving the eight
    /// outputs before descaling.
    @inline(__always)
    static func butterfly(_ v: (Int) -> Int) -> (Int, Int, Int, Int, Int, Int, Int, Int) {
        // Even part.
        var z2 = v(2), z3 = v(6)
        var z1 = (z2 &+ z3) &* c0_541196100
        let t2 = z1 &+ z3 &* -c1_847759065
        let t3 = z1 &+ z2 &* c0_765366865
        z2 = v(0)
        z3 = v(4)
        let t0 = (z2 &+ z3) &<< constBits, t1 = (z2 &- z3) &<< constBits
        let t10 = t0 &+ t3, t13 = t0 &- t3, t11 = t1 &+ t2, t12 = t1 &- t2
        // Odd part.
        var o0 = v(7), o1 = v(5), o2 = v(3), o3 = v(1)
        z1 = o0 &+ o3
        z2 = o1 &+ o2
        z3 = o0 &+ o2
        var z4 = o1 &+ o3
        let z5 = (z3 &+ z4) &* c1_175875602
        o0 = o0 &* c0_298631336
        o1 = o1 &* c2_053119869
        o2 = o2 &* c3_072711026
        o3 = o3 &* c1_501321110
        z1 = z1 &* -c0_899976223
        z2 = z2 &* -c2_562915447
        z3 = z3 &* -c1_961570560 &+ z5
        z4 = z4 &* -c0_390180644 &+ z5
        o0 = o0 &+ z1 &+ z3
        o1 = o1 &+ z2 &+ z4
        o2 = o2 &+ z2 &+ z3
        o3 = o3 &+ z1 &+ z4
        return (t10 &+ o3, t11 &+ o2, t12 &+ o1, t13 &+ o0, t13 &- o0, t12 &- o1, t11 &- o2, t10 &- o3)
    }

    @inline(__always) static func descale(_ x: Int, _ n: Int) -> Int { (x &+ (1 &<< (n - 1))) &>> n }

    /// `f`: dequantised coefficients in natural order; `w`: 64 words of workspace.
    static func transform(_ f: UnsafeMutableBufferPointer<Int32>, workspace w: UnsafeMutableBufferPointer<Int>,
                          precision: Int, into plane: UnsafeMutableBufferPointer<UInt16>, origin: Int, stride: Int) {
        let pass1Bits = precision == 8 ? 2 : 1
        let centre = 1 << (precision - 1), maxValue = (1 << precision) - 1
        // Columns: a column without AC terms is its DC term, scaled.
        for c in 0..<8 {
            var acZero = true
            for r in 1..<8 where f[r * 8 + c] != 0 { acZero = false; break }
            if acZero {
                let dc = Int(f[c]) &<< pass1Bits
                for r in 0..<8 { w[r * 8 + c] = dc }
                continue
            }
            let o = butterfly { Int(f[$0 * 8 + c]) }
            let n = constBits - pass1Bits
            w[c] = descale(o.0, n); w[8 + c] = descale(o.1, n); w[16 + c] = descale(o.2, n); w[24 + c] = descale(o.3, n)
            w[32 + c] = descale(o.4, n); w[40 + c] = descale(o.5, n); w[48 + c] = descale(o.6, n); w[56 + c] = descale(o.7, n)
        }
        // Rows, then level shift and clamp.
        @inline(__always) func sample(_ x: Int) -> UInt16 { UInt16(truncatingIfNeeded: min(max(x &+ centre, 0), maxValue)) }
        for r in 0..<8 {
            let row = r * 8, out = origin + r * stride
            var acZero = true
            for c in 1..<8 where w[row + c] != 0 { acZero = false; break }
            if acZero {
                let value = sample(descale(w[row], pass1Bits + 3))
                for c in 0..<8 { plane[out + c] = value }
                continue
            }
            let o = butterfly { w[row + $0] }
            let n = constBits + pass1Bits + 3
            plane[out] = sample(descale(o.0, n)); plane[out + 1] = sample(descale(o.1, n))
            plane[out + 2] = sample(descale(o.2, n)); plane[out + 3] = sample(descale(o.3, n))
            plane[out + 4] = sample(descale(o.4, n)); plane[out + 5] = sample(descale(o.5, n))
            plane[out + 6] = sample(descale(o.6, n)); plane[out + 7] = sample(descale(o.7, n))
        }
    }
}
