import QuarryBase

/// What a `PathIndex` can say about one condition: a bitmap (built on demand), how many
/// records it holds (known without building it), and whether it is the exact answer or only a
/// superset whose records must still be checked one by one.
struct IndexProbe {
    let path: FilterPath
    let detail: String
    let estimate: Int
    let exact: Bool
    let bitmap: () -> Bitmap
}

extension PathIndex {
    /// The index's answer for a leaf condition; nil when no indexed path helps.
    func probe(_ e: FilterExpr) -> IndexProbe? {
        switch e {
        case let .compare(l, op, r):
            if case .literal = l, !isLiteral(r) { return probe(.compare(r, op.swapped, l)) }
            if case let .path(p) = l, case let .literal(v) = r, let c = columns[p] {
                return compare(c, p, op, v, elements: false) ?? superset(e)
            }
            if case let .arrayLength(.path(p)) = l, case let .literal(v) = r, let c = columns[p] {
                guard v.doubleValue != nil else { return empty(p, "array_length against \(v.typeName)") }
                return numbers(c.lengths, p, op, v, exact: true, set: c.arrays, label: "array length")
            }
            return superset(e)
        case let .inList(.path(p), list):
            guard let c = columns[p] else { return nil }
            let parts = list.map { compare(c, p, .eq, $0, elements: false) }
            guard parts.allSatisfy({ $0?.exact == true }) else { return superset(e) }
            let probes = parts.map { $0! }
            return IndexProbe(path: p, detail: "\(list.count) value\(list.count == 1 ? "" : "s")",
                              estimate: min(count, probes.reduce(0) { $0 + $1.estimate }), exact: true) {
                Bitmap.union(probes.map { $0.bitmap() })
            }
        case let .like(.path(p), pattern):
            guard let c = columns[p] else { return nil }
            let lp = LikePattern(pattern)
            if lp.isExact { return compare(c, p, .eq, .string(lp.literalPrefix), elements: false) }
            let prefix = lp.literalPrefix
            let r = c.strings.prefixPositions(prefix)
            let shown = FilterExpr.literalText(.string(prefix))
            if lp.isPrefixOnly {
                return IndexProbe(path: p, detail: "prefix \(shown)", estimate: c.strings.count(r), exact: true) { c.strings.bitmap(r) }
            }
            if prefix.isEmpty {
                return IndexProbe(path: p, detail: "strings", estimate: c.stringSet.count, exact: false) { c.stringSet }
            }
            return IndexProbe(path: p, detail: "prefix \(shown)", estimate: c.strings.count(r), exact: false) { c.strings.bitmap(r) }
        case let .isNull(.path(p)):
            guard let c = columns[p] else {
                guard !catalog.contains(p) else { return nil }
                return IndexProbe(path: p, detail: "null: no record has the path", estimate: count, exact: true) {
                    Bitmap(range: 0..<UInt32(self.count))
                }
            }
            let nonNull = c.nonNull
            return IndexProbe(path: p, detail: "null", estimate: count - nonNull.count, exact: true) {
                nonNull.complement(universe: UInt32(count))
            }
        case let .exists(p):
            guard let c = columns[p] else {
                guard !catalog.contains(p) else { return nil }
                return IndexProbe(path: p, detail: "exists: no record has the path", estimate: 0, exact: true) { Bitmap() }
            }
            return IndexProbe(path: p, detail: "exists", estimate: c.present.count, exact: true) { c.present }
        case let .contains(.path(p), list, mode):
            guard let c = columns[p] else { return nil }
            let parts = list.map { compare(c, p, .eq, $0, elements: true) }
            guard parts.allSatisfy({ $0?.exact == true }) else { return superset(e) }
            let probes = parts.map { $0! }
            let detail = "\(mode == .all ? "all of" : "any of") \(list.count) element value\(list.count == 1 ? "" : "s")"
            if mode == .all {
                return IndexProbe(path: p, detail: detail, estimate: probes.map(\.estimate).min() ?? c.arrays.count, exact: true) {
                    probes.reduce(c.arrays) { $0.intersection($1.bitmap()) }
                }
            }
            return IndexProbe(path: p, detail: detail, estimate: min(count, probes.reduce(0) { $0 + $1.estimate }), exact: true) {
                Bitmap.union(probes.map { $0.bitmap() })
            }
        default:
            return superset(e)
        }
    }

    private func isLiteral(_ v: ValueExpr) -> Bool { if case .literal = v { true } else { false } }

    private func empty(_ p: FilterPath, _ why: String) -> IndexProbe {
        IndexProbe(path: p, detail: why, estimate: 0, exact: true) { Bitmap() }
    }

    /// `path op v` (or, with `elements`, "an element of the array at path equals v").
    private func compare(_ c: PathColumn, _ p: FilterPath, _ op: CompareOp, _ v: JSONValue, elements: Bool) -> IndexProbe? {
        switch v {
        case .null:
            return empty(p, "compared with null")
        case .int, .double:
            let nums = elements ? c.elementNumbers : c.numbers
            if case let .int(i) = v, i > PathColumnBuilder.exactIntegerLimit || i < -PathColumnBuilder.exactIntegerLimit { return nil }
            return numbers(nums, p, op, v, exact: c.numbersExact, set: elements ? c.arrays : c.numberSet, label: elements ? "element" : "")
        case let .string(s):
            let strs = elements ? c.elementStrings : c.strings
            let shown = FilterExpr.literalText(v)
            func keys(_ r: Range<Int>, _ what: String) -> IndexProbe {
                IndexProbe(path: p, detail: what, estimate: strs.count(r), exact: true) { strs.bitmap(r) }
            }
            switch op {
            case .eq: return keys(strs.positions(low: s, lowInclusive: true, high: s, highInclusive: true), "\(elements ? "element " : "")value \(shown)")
            case .ne:
                let r = strs.positions(low: s, lowInclusive: true, high: s, highInclusive: true)
                let set = c.stringSet
                return IndexProbe(path: p, detail: "strings except \(shown)", estimate: set.count - strs.count(r), exact: true) {
                    set.subtracting(strs.bitmap(r))
                }
            case .lt: return keys(strs.positions(low: nil, lowInclusive: true, high: s, highInclusive: false), "range < \(shown)")
            case .le: return keys(strs.positions(low: nil, lowInclusive: true, high: s, highInclusive: true), "range <= \(shown)")
            case .gt: return keys(strs.positions(low: s, lowInclusive: false, high: nil, highInclusive: true), "range > \(shown)")
            case .ge: return keys(strs.positions(low: s, lowInclusive: true, high: nil, highInclusive: true), "range >= \(shown)")
            }
        case let .bool(b):
            let t = elements ? c.elementTrues : c.trues, f = elements ? c.elementFalses : c.falses
            switch op {
            case .eq: let m = b ? t : f; return IndexProbe(path: p, detail: "\(b)", estimate: m.count, exact: true) { m }
            case .ne: let m = b ? f : t; return IndexProbe(path: p, detail: "\(!b)", estimate: m.count, exact: true) { m }
            default: return empty(p, "bools are not ordered")
            }
        case .array, .object:
            return nil
        }
    }

    private func numbers(_ nums: NumberColumn, _ p: FilterPath, _ op: CompareOp, _ v: JSONValue, exact: Bool,
                         set: Bitmap, label: String) -> IndexProbe? {
        guard exact, let x = v.doubleValue else { return nil }
        let shown = v.jsonText, prefix = label.isEmpty ? "" : label + " "
        func range(_ r: Range<Int>, _ what: String) -> IndexProbe {
            IndexProbe(path: p, detail: prefix + what, estimate: min(count, r.count), exact: true) { nums.bitmap(r) }
        }
        switch op {
        case .eq: return range(nums.positions(low: x, lowInclusive: true, high: x, highInclusive: true), "value \(shown)")
        case .ne:
            let r = nums.positions(low: x, lowInclusive: true, high: x, highInclusive: true)
            return IndexProbe(path: p, detail: prefix + "numbers except \(shown)", estimate: max(0, set.count - r.count), exact: true) {
                set.subtracting(nums.bitmap(r))
            }
        case .lt: return range(nums.positions(low: nil, lowInclusive: true, high: x, highInclusive: false), "range (-inf, \(shown))")
        case .le: return range(nums.positions(low: nil, lowInclusive: true, high: x, highInclusive: true), "range (-inf, \(shown)]")
        case .gt: return range(nums.positions(low: x, lowInclusive: false, high: nil, highInclusive: true), "range (\(shown), +inf)")
        case .ge: return range(nums.positions(low: x, lowInclusive: true, high: nil, highInclusive: true), "range [\(shown), +inf)")
        }
    }

    /// For a condition that is false whenever an indexed path in it is null: the records
    /// where those paths are not null, to be checked one by one.
    private func superset(_ e: FilterExpr) -> IndexProbe? {
        let paths: [FilterPath]
        switch e {
        case let .compare(l, _, r): paths = FilterExpr.compare(l, .eq, r).paths
        case let .inList(v, _), let .like(v, _), let .contains(v, _, _): paths = FilterExpr.isNull(v).paths
        default: return nil
        }
        let usable = paths.compactMap { columns[$0] }
        guard let first = usable.first else { return nil }
        let set = usable.dropFirst().reduce(first.nonNull) { $0.intersection($1.nonNull) }
        return IndexProbe(path: first.path, detail: "candidates: \(usable.map(\.path.description).joined(separator: ", ")) not null",
                          estimate: set.count, exact: false) { set }
    }
}
