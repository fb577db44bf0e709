import QuarryBase
import Testing

@testable import QuarryFilter

/// Random documents with unstable types, missing keys and nulls, and random filters over them.
struct RandomFilters {
    var rng: SplitMix64
    let words = ["a", "ab", "abc", "b", "ba", "é", "e\u{301}", "Z", "", "x%y", "x_y"]
    let paths = ["metadata.a", "metadata.b", "metadata.c", "metadata.tags", "metadata.n.x", "metadata.missing",
                 "title", "metadata.tags[0]", "metadata[\"odd key\"]", "metadata.n"].map { FilterPath(dotted: $0)! }

    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func scalar() -> JSONValue {
        switch int(0...9) {
        case 0...2: return .int(Int64(int(-3...6)))
        case 3: return .double(Double(int(-6...12)) / 2)
        case 4...6: return .string(words[int(0...words.count - 1)])
        case 7: return .bool(chance(0.5))
        case 8: return .null
        default: return .int(Int64(int(0...3)))
        }
    }

    mutating func document(_ i: Int) -> JSONValue {
        var meta: [JSONMember] = []
        if chance(0.85) { meta.append(JSONMember("a", chance(0.8) ? .int(Int64(int(-3...6))) : scalar())) }
        if chance(0.85) { meta.append(JSONMember("b", chance(0.85) ? .string(words[int(0...words.count - 1)]) : scalar())) }
        if chance(0.7) { meta.append(JSONMember("c", chance(0.9) ? .bool(chance(0.5)) : scalar())) }
        if chance(0.8) {
            var items: [JSONValue] = []
            for _ in 0..<int(0...4) { items.append(chance(0.8) ? .string(words[int(0...5)]) : scalar()) }
            if chance(0.05) { items.append(.array([1, 2])) }
            meta.append(JSONMember("tags", chance(0.9) ? .array(items) : scalar()))
        }
        if chance(0.6) { meta.append(JSONMember("n", chance(0.9) ? .object([JSONMember("x", scalar())]) : scalar())) }
        if chance(0.3) { meta.append(JSONMember("odd key", scalar())) }
        return .object([JSONMember("id", .string("d\(i)")), JSONMember("title", .string(words[int(0...words.count - 1)])),
                        JSONMember("metadata", .object(meta))])
    }

    mutating func path() -> FilterPath { paths[int(0...paths.count - 1)] }

    mutating func literalList() -> [JSONValue] { (0..<int(0...3)).map { _ in scalar() } }

    mutating func pattern() -> String {
        let parts = ["a", "b", "%", "_", "é", "x", "\\%"]
        return (0..<int(0...3)).map { _ in parts[int(0...parts.count - 1)] }.joined()
    }

    mutating func leaf() -> FilterExpr {
        let ops: [CompareOp] = [.eq, .ne, .lt, .le, .gt, .ge]
        let op = ops[int(0...5)]
        switch int(0...10) {
        case 0, 1: return .compare(.path(path()), op, .literal(scalar()))
        case 2: return .compare(.literal(scalar()), op, .path(path()))
        case 3: return .compare(.arith([.add, .sub, .mul, .div, .mod][int(0...4)], .path(path()), .literal(scalar())), op, .literal(scalar()))
        case 4: return .inList(.path(path()), literalList())
        case 5: return .like(.path(path()), pattern: pattern())
        case 6: return .isNull(.path(path()))
        case 7: return .exists(path())
        case 8:
            let mode = [ContainsMode.one, .any, .all][int(0...2)]
            return .contains(.path(path()), mode == .one ? [scalar()] : literalList(), mode)
        case 9: return .compare(.arrayLength(.path(path())), op, .literal(.int(Int64(int(0...4)))))
        default: return .compare(.path(path()), op, .path(path()))
        }
    }

    mutating func expr(depth: Int) -> FilterExpr {
        guard depth > 0, chance(0.6) else { return leaf() }
        switch int(0...4) {
        case 0, 1: return .and((0..<int(2...3)).map { _ in expr(depth: depth - 1) })
        case 2, 3: return .or((0..<int(2...3)).map { _ in expr(depth: depth - 1) })
        default: return .not(expr(depth: depth - 1))
        }
    }
}

@Test func indexedExecutorEqualsOracleOnRandomDocumentsAndFilters() throws {
    for seed in [1, 2, 3, 4] as [UInt64] {
        var gen = RandomFilters(rng: SplitMix64(seed: seed))
        let docs = (0..<250).map { gen.document($0) }
        let oracle = ScanFilterExecutor(count: docs.count) { docs[Int($0)] }
        // Auto-indexing picks the stable paths; the mixed ones are asked for explicitly.
        let auto = PathIndex.build(count: docs.count) { docs[Int($0)] }
        let full = PathIndex.build(count: docs.count, options: PathIndexOptions(paths: gen.paths + [FilterPath("title")])) { docs[Int($0)] }
        let loaded = try PathIndex(serialized: full.serialized())
        let executors = [auto, full, loaded].map { idx in IndexedFilterExecutor(index: idx, sampleSize: 16) { docs[Int($0)] } }
        for _ in 0..<750 {
            let e = gen.expr(depth: 3)
            let want = oracle.execute(e, within: nil).matches
            let candidates = Bitmap((0..<250).filter { _ in gen.chance(0.5) }.map(UInt32.init))
            let wantWithin = want.intersection(candidates)
            for x in executors {
                let got = x.execute(e, within: nil)
                #expect(got.matches == want, "\(e)")
                #expect(got.plan.actualRows == want.count)
                #expect(x.execute(e, within: candidates).matches == wantWithin, "\(e) within candidates")
            }
            // The text of a filter parses back to a filter with the same meaning.
            let reparsed = try FilterQuery.parse(e.description)
            #expect(oracle.execute(reparsed.expr, within: nil).matches == want, "\(e.description)")
        }
    }
}

@Test func autoIndexingPicksPathsWithStableTypes() {
    let docs: [JSONValue] = [
        .object([JSONMember("metadata", .object([JSONMember("year", 2001), JSONMember("mixed", 1), JSONMember("tags", ["a"]),
                                                 JSONMember("author", .object([JSONMember("name", "x")]))]))]),
        .object([JSONMember("metadata", .object([JSONMember("year", 2.5), JSONMember("mixed", "s"), JSONMember("tags", .null)]))]),
    ]
    let index = PathIndex.build(count: docs.count) { docs[Int($0)] }
    #expect(index.indexedPaths.map(\.description) == ["metadata.author.name", "metadata.tags", "metadata.year"])
    #expect(index.catalog.paths == ["metadata", "metadata.author", "metadata.author.name", "metadata.mixed",
                                    "metadata.tags", "metadata.tags[]", "metadata.year"])
}

@Test func persistedIndexChecksMagicAndVersion() throws {
    let docs: [JSONValue] = [.object([JSONMember("metadata", .object([JSONMember("k", 1)]))])]
    let index = PathIndex.build(count: 1) { docs[Int($0)] }
    var bytes = index.serialized()
    #expect(Array(bytes.prefix(4)) == Array("QPIX".utf8))
    let back = try PathIndex(serialized: bytes)
    #expect(back.indexedPaths == index.indexedPaths && back.catalog == index.catalog && back.count == 1)
    bytes[0] = UInt8(ascii: "X")
    #expect(throws: BinaryError.badMagic(expected: "QPIX", found: "XPIX")) { try PathIndex(serialized: bytes) }
    bytes[0] = UInt8(ascii: "Q")
    bytes[4] = 9
    #expect(throws: BinaryError.newerVersion(what: "JSON path index", found: 9, supported: 1)) { try PathIndex(serialized: bytes) }
    #expect(throws: BinaryError.self) { try PathIndex(serialized: Array(index.serialized().dropLast(3))) }
}

/// `WideRecord` (the path index's resolver for records with many paths) against the oracle,
/// `FilterPath.resolve(in:)`, on random wide records with duplicate keys, nesting and arrays.
@Suite struct WideRecordTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func resolvesAsThePathDoes(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func value(_ depth: Int) -> JSONValue {
            switch pick(depth > 1 ? 3 : 5) {
            case 0: return .int(Int64(pick(100)))
            case 1: return .string("s\(pick(9))")
            case 2: return .null
            case 3: return .array((0..<pick(4)).map { _ in value(depth + 1) })
            default: return .object((0..<(pick(2) == 0 ? 40 : 5)).map { _ in JSONMember("k\(pick(30))", value(depth + 1)) })
            }
        }
        for _ in 0..<50 {
            let record = JSONValue.object([JSONMember("id", .string("r")), JSONMember("metadata", value(0))]
                                          + (0..<30).map { _ in JSONMember("k\(pick(25))", value(1)) })
            var wide = WideRecord(record)
            for _ in 0..<200 {
                var components: [FilterPath.Component] = [.key(pick(3) == 0 ? "metadata" : "k\(pick(30))")]
                for _ in 0..<pick(3) { components.append(pick(4) == 0 ? .index(pick(3)) : .key("k\(pick(30))")) }
                let path = FilterPath(components)
                #expect(wide.resolve(path) == path.resolve(in: record), "\(path)")
            }
        }
    }
}
