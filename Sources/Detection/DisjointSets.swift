/// Disjoint sets over `0..<count` (union–find with path halving), for the small graphs that
/// are not pixels: the anatomy map's cell components and the distribution's deposit clusters.
/// (The labelling of film-sized planes has its own flat, banded tables in `ConnectedComponents`.)
///
/// The smaller root wins every union, so a set's root is its smallest member and the result
/// does not depend on the order of the unions.
public struct DisjointSets: Sendable {
    private var parent: [Int]

    public init(count: Int) {
        parent = Array(0..<count)
    }

    /// The smallest member of `element`'s set.
    public mutating func find(_ element: Int) -> Int {
        var i = element
        while parent[i] != i {
            parent[i] = parent[parent[i]]
            i = parent[i]
        }
        return i
    }

    public mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
}
