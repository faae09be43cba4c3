/// 0 below 0, 1 above 1, and the cubic 3t² − 2t³ between: a transition with flat ends, so the
/// bone and limb profiles built from it have no kinks that would draw false edges.
@inline(__always)
func smoothstep(_ t: Double) -> Double {
    if t <= 0 { return 0 }
    if t >= 1 { return 1 }
    return t * t * (3 - 2 * t)
}

/// Chord length through an ellipse of half-widths `a` (in the film plane) and `b` (along the beam)
/// at distance `d` from its centre line: `2b·√(1 − d²/a²)`, 0 outside.
@inline(__always)
func ellipseChord(_ d: Double, _ a: Double, _ b: Double) -> Double {
    guard a > 0, b > 0 else { return 0 }
    let q = 1 - (d * d) / (a * a)
    return q > 0 ? 2 * b * q.squareRoot() : 0
}
