import Testing
@testable import QuarryTUI

/// The query line's rules: where the filter starts, what Tab completes, how parameters step.
@Suite struct QueryLineTests {
    @Test(arguments: [
        ("bone density", "bone density", nil),
        ("bone density WHERE metadata.year >= 2015", "bone density", "metadata.year >= 2015"),
        ("WHERE metadata.year = 2019", "", "metadata.year = 2019"),
        ("where do bones break", "where do bones break", nil),          // lowercase: a question, not a filter
        ("\"WHERE is\" bones WHERE metadata.a = 1", "\"WHERE is\" bones", "metadata.a = 1"),
        ("patient's bones WHERE metadata.a = 'x'", "patient's bones", "metadata.a = 'x'"),
        ("NOWHERE WHEREVER", "NOWHERE WHEREVER", nil),
        ("bones WHERE", "bones", nil),
    ] as [(String, String, String?)])
    func split(_ line: String, _ query: String, _ filter: String?) {
        let r = Workspace.split(line)
        #expect(r.query == query && r.filter == filter, "\(line) → \(r)")
    }

    @Test func completionMatches() {
        let words = Completion.keywords + ["title", "text", "metadata.year", "metadata.section", "metadata.author.name"]
        #expect(Completion.matches("wh", among: words) == ["WHERE"])
        #expect(Completion.matches("metadata.", among: words) == ["metadata.author.name", "metadata.section", "metadata.year"])
        #expect(Completion.matches("metadata.y", among: words) == ["metadata.year"])
        #expect(Completion.matches("json_contains", among: words) == ["json_contains_all", "json_contains_any"])
        #expect(Completion.matches("st_dw", among: words) == ["st_dwithin"])
        #expect(Completion.matches("ST_CO", among: words) == ["st_contains"])
        #expect(Completion.matches("zebra", among: words).isEmpty)
        #expect(Completion.matches("", among: words).isEmpty)
        #expect(Completion.commonPrefix(["json_contains_all", "json_contains_any"]) == "json_contains_a")
    }

    @Test func parametersStepWithinTheirRanges() {
        var p = Params()
        let ef = Params.index(of: "ef")!
        for _ in 0..<10 { p.step(ef, up: false) }
        #expect(p.number("ef") == 1, "halving stops at 1")
        p.step(ef, up: true)
        #expect(p.number("ef") == 2)
        let fusion = Params.index(of: "fusion")!
        #expect(p.formatted(fusion) == "auto" && p.fusionSpec == .auto)
        p.step(fusion, up: true)
        #expect(p.formatted(fusion) == "rrf" && p.fusionSpec == .rrf(k: 60))
        p.step(fusion, up: true)
        p.step(fusion, up: true)
        #expect(p.formatted(fusion) == "weighted" && p.fusionSpec == .weighted(weights: [0.5, 0.5], normalize: .minmax))
        let w = Params.index(of: "weight")!
        for _ in 0..<3 { p.step(w, up: true) }
        #expect(p.number("weight") == 0.8 && p.fusionLabel == "weighted 0.8/0.2")
        let normalize = Params.index(of: "normalize")!
        p.step(normalize, up: true)
        p.step(normalize, up: true)
        #expect(p.formatted(normalize) == "dbsf" && p.fusionLabel == "weighted 0.8/0.2 dbsf")
        #expect(p.fusionSpec == .weighted(weights: [0.8, 0.19999999999999996], normalize: .dbsf))
        let rm3 = Params.index(of: "rm3")!
        #expect(p.formatted(rm3) == "off" && p.with["rm3"] == nil)
        p.step(rm3, up: true)
        #expect(p.formatted(rm3) == "on" && p.with["rm3"] == .bool(true))
        let k = Params.index(of: "k")!
        p.step(k, up: false)
        #expect(p.number("k") == 10, "k stays at least 10, the k of recall@10")
        let set64 = p.apply("nprobe", .number(64)), setUnknown = p.apply("nope", .number(1)), setZero = p.apply("nprobe", .number(0))
        #expect(set64 && p.number("nprobe") == 64 && !setUnknown)
        #expect(!setZero && p.number("nprobe") == 64, "out of the registry's range")
        #expect(p.with["nprobe"] == .number(64) && p.with["ef"] == .number(2) && p.with["refine_k"] == nil, "only what was changed goes to WITH")
        // A sweep point of a weight means weighted fusion; of rrf_k, RRF.
        var q = Params()
        _ = q.apply("weight", .number(0.3))
        #expect(q.fusionSpec == .weighted(weights: [0.3, 0.7], normalize: .minmax))
        _ = q.apply("rrf_k", .number(30))
        #expect(q.fusionSpec == .rrf(k: 30))
    }

    @Test func thePaneShowsTheRegistrysParameters() {
        #expect(Params.definitions.map(\.name) == Params.names)
        for d in Params.definitions {
            #expect(!d.help.isEmpty)
            if case .choice = d.kind { continue }
            if d.kind == .flag { continue }
            #expect(d.range != nil && d.step != nil, "\(d.name) can be stepped")
        }
    }

    @Test func sweepValuesAndMetrics() {
        #expect(SweepProgress(parameter: "ef")?.values.first == .number(10))
        #expect(SweepProgress(parameter: "ef")?.metric == "recall@10" && SweepProgress(parameter: "k1")?.metric == "ndcg@10")
        #expect(SweepProgress(parameter: "fusion") == nil && SweepProgress(parameter: "k") == nil)
        for d in Params.definitions {
            for v in SweepProgress(parameter: d.name)?.values ?? [] {
                #expect((try? d.validated(v)) != nil, "\(d.name) = \(v)")
            }
        }
    }
}
