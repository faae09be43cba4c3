import XCTest
@testable import FilmAnalysis

final class ShardTests: XCTestCase {
    /// Reference vectors published with FNV (Noll's test suite), not produced by our code.
    func testFNV1a64ReferenceVectors() {
        XCTAssertEqual(Shard.fnv1a64(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(Shard.fnv1a64("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(Shard.fnv1a64("foobar"), 0x8594_4171_f739_67e8)
    }

    func testShardsPartitionThePaths() throws {
        let paths = (0..<500).map { "patient\($0 / 7)/film\($0).dcm" }
        let shards = try (0..<4).map { try Shard(index: $0, count: 4) }
        for path in paths {
            XCTAssertEqual(shards.filter { $0.contains(relativePath: path) }.count, 1, path)
        }
        for shard in shards {
            let share = paths.filter { shard.contains(relativePath: $0) }.count
            XCTAssertGreaterThan(share, 80, "roughly a quarter each (\(share))")
        }
    }

    func testParsing() throws {
        XCTAssertEqual(try Shard(parsing: "2/4"), try Shard(index: 2, count: 4))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] {
            XCTAssertThrowsError(try Shard(parsing: bad), bad)
        }
    }

    func testEnvironment() throws {
        func resolve(_ option: String?, _ shards: Int?, _ env: [String: String]) throws -> String? {
            try Shard.resolve(option: option, shards: shards, environment: env).map { "\($0.0) \($0.1.rawValue)" }
        }
        XCTAssertNil(try resolve(nil, nil, [:]))
        XCTAssertEqual(try resolve("1/3", nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"]), "1/3 --shard")
        XCTAssertEqual(try resolve(nil, nil, ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]), "2/4 SLURM_ARRAY_TASK_ID")
        // --array=1-4
        XCTAssertEqual(try resolve(nil, nil, ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]),
                       "3/4 SLURM_ARRAY_TASK_ID")
        // --array=10-16:2 → 10, 12, 14, 16
        XCTAssertEqual(try resolve(nil, nil, ["SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "4",
                                              "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_STEP": "2"]), "2/4 SLURM_ARRAY_TASK_ID")
        XCTAssertEqual(try resolve(nil, 8, ["JOB_COMPLETION_INDEX": "7"]), "7/8 JOB_COMPLETION_INDEX")
        XCTAssertThrowsError(try resolve(nil, nil, ["SLURM_ARRAY_TASK_ID": "2"]), "no count")
        XCTAssertThrowsError(try resolve(nil, 4, [:]), "--shards without an index")
        XCTAssertThrowsError(try resolve(nil, 4, ["JOB_COMPLETION_INDEX": "4"]), "index outside")
        XCTAssertThrowsError(try resolve(nil, nil, ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "2"]))
    }
}
