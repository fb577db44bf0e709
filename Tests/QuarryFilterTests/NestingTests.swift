import QuarryBase
import Testing

@testable import QuarryFilter

/// Filters that once overflowed the stack or took quadratic time (issue 22, defects 3 and 4):
/// every nesting is bounded by `Bounds.nesting` with an error at the spot, and chains of
/// negations, `and`/`or` and unary plus cost no depth.
@Suite struct NestingTests {
    static func error(_ text: String) -> FilterError? {
        do { _ = try FilterQuery.parse(text); return nil } catch { return error }
    }

    @Test func parenthesesDeeperThanTheBoundAreAnErrorAtTheParenthesis() {
        let deep = String(repeating: "(", count: 2_000) + "a == 1" + String(repeating: ")", count: 2_000)
        let e = Self.error(deep)
        #expect(e == .tooDeep(limit: Bounds.nesting, at: SourceLocation(line: 1, column: Bounds.nesting + 1, offset: Bounds.nesting)))
        #expect(e?.description == "line 1, column 257: nested deeper than 256")
    }

    @Test func nestingUpToTheBoundParses() throws {
        let n = Bounds.nesting
        let ok = String(repeating: "(", count: n) + "a == 1" + String(repeating: ")", count: n)
        #expect(try FilterQuery.parse(ok).expr == FilterQuery.parse("a == 1").expr)
        let over = String(repeating: "(", count: n + 1) + "a == 1" + String(repeating: ")", count: n + 1)
        #expect(Self.error(over) != nil)
    }

    @Test func nestedCallsListsAndUnaryMinusAreBounded() {
        let calls = String(repeating: "array_length(", count: 3_000) + "a" + String(repeating: ")", count: 3_000) + " > 1"
        #expect(Self.error(calls)?.message == "nested deeper than 256")
        let lists = "a in " + String(repeating: "[", count: 3_000) + String(repeating: "]", count: 3_000)
        #expect(Self.error(lists)?.message == "nested deeper than 256")
        let minus = "a == " + String(repeating: "- ", count: 50_000) + "1"
        #expect(Self.error(minus) == .tooDeep(limit: 256, at: SourceLocation(line: 1, column: 6 + 2 * 256, offset: 5 + 2 * 256)))
    }

    @Test func longArithmeticChainsAreBoundedByTheTreeTheyBuild() {
        let chain = "a == 1" + String(repeating: " + 1", count: 1_000)
        // The 256th '+' makes the tree 257 deep: the caret is under it.
        #expect(Self.error(chain) == .tooDeep(limit: 256, at: SourceLocation(line: 1, column: 8 + 4 * 255, offset: 7 + 4 * 255)))
        let short = "a == 1" + String(repeating: " + 1", count: 100)
        #expect(Self.error(short) == nil)
    }

    @Test func negationRunsCancelInPairsWithoutDepth() throws {
        let plain = try FilterQuery.parse("a == 1").expr
        #expect(try FilterQuery.parse(String(repeating: "!", count: 20_000) + "a == 1").expr == plain)
        #expect(try FilterQuery.parse(String(repeating: "not ", count: 5_000) + "a == 1").expr == plain)
        #expect(try FilterQuery.parse(String(repeating: "not ", count: 5_001) + "a == 1").expr == .not(plain))
        #expect(try FilterQuery.parse("not !(a == 1)").expr == plain)
        // Two-valued logic: the cancelled form means the same on records with and without `a`.
        let records: [JSONValue] = [.object([JSONMember("a", .int(1))]), .object([JSONMember("a", .int(2))]), .object([]),
                                    .object([JSONMember("a", .null)])]
        let negated = try FilterQuery.parse("not not not a == 1").expr
        for r in records { #expect(FilterSemantics.matches(negated, r) == !FilterSemantics.matches(plain, r)) }
        // Unary plus is skipped in a loop too.
        #expect(try FilterQuery.parse("a == " + String(repeating: "+", count: 20_000) + "1").expr == plain)
    }

    @Test func longAndOrChainsAreOneNode() throws {
        let n = 10_000
        let or = (0..<n).map { "a == \($0)" }.joined(separator: " or ")
        guard case let .or(items) = try FilterQuery.parse(or).expr else { Issue.record("not an or"); return }
        #expect(items.count == n)
        let mixed = try FilterQuery.parse("(a == 1 and b == 2) and c == 3 or d == 4").expr
        #expect(mixed.description == "(a == 1 and b == 2 and c == 3) or d == 4")
    }
}
