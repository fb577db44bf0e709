import Foundation
import Testing
@testable import QuarryEngine

/// The parameter registry: each parameter declared once, read by settings, evaluations, sweeps
/// and the TUI; values checked where they are set.
@Suite struct ParametersTests {
    @Test func everyParameterIsDeclaredOnceWithAConsistentDefault() throws {
        let names = Parameters.all.map(\.name) + Parameters.all.flatMap(\.aliases)
        #expect(Set(names).count == names.count, "names and aliases are unique")
        for p in Parameters.all {
            #expect(try p.validated(p.defaultValue) == p.defaultValue, "\(p.name)'s default fits its own declaration")
            for v in p.sweepValues { #expect(throws: Never.self) { try p.validated(v) } }
            #expect(!p.help.isEmpty)
        }
        // The settings SHOW lists, in its order: as before the registry, with the relevance settings after BM25's.
        #expect(Parameters.settings.map(\.name) == ["k1", "b", "bm25_algorithm", "bm25_query_tf", "rm3", "rm3_fb_docs", "rm3_fb_terms", "rm3_original_query_weight",
                                                     "ef", "nprobe", "refine_k", "filter_strategy", "window", "rrf_k", "recall"])
        #expect(Parameters.named("algorithm")?.name == "bm25_algorithm")
    }

    /// `Settings.accepts` (what every statement's WITH passes first) says yes exactly where `set` does.
    @Test func acceptsAgreesWithSet() {
        let values: [ParamValue] = [.number(0), .number(-1), .number(0.5), .number(1), .number(1.5), .number(64), .number(4097), .number(1e30),
                                    .number(.nan), .number(.infinity), .string("bmw"), .string("BMW"), .string("count"), .string("distinct"),
                                    .string("wand"), .string("auto"), .bool(true), .bool(false)]
        for name in Parameters.all.flatMap({ [$0.name] + $0.aliases }) + ["eff", "K1", "fusion", ""] {
            for v in values {
                var trial = Settings()
                let set = (try? trial.set(name, v)) != nil
                #expect(Settings.accepts(name, v) == set, "\(name) = \(v)")
            }
        }
    }

    @Test func valuesAreCheckedWhereTheyAreSet() {
        var v = ParameterValues()
        #expect(throws: EngineError.badParameter("ef must be between 1 and 4096, not 0")) { try v.set("ef", .number(0)) }
        #expect(throws: EngineError.badParameter("ef takes a whole number, not 1.5")) { try v.set("ef", .number(1.5)) }
        #expect(throws: EngineError.self) { try v.set("fusion", .string("borda")) }
        #expect(throws: EngineError.self) { try v.set("eff", .number(10)) }
        do { try v.set("eff", .number(10)) } catch { #expect(ErrorText.describe(error).contains("did you mean 'ef'?")) }
        #expect(throws: Never.self) { try v.set("bm25_algorithm", parsing: "BMW") }
        #expect(v.word("bm25_algorithm") == "bmw", "choices are stored lowercased")
        #expect(throws: Never.self) { try v.set("filter_strategy", parsing: "in_index") }
        #expect(v.number("nprobe") == 16 && !v.isGiven("nprobe"), "an unset parameter reads its default")
    }

    @Test func stepsFollowTheDeclaredStepAndRange() throws {
        let ef = try #require(Parameters.named("ef")), b = try #require(Parameters.named("b")), fusion = try #require(Parameters.named("fusion"))
        #expect(ef.stepped(.number(64), up: true) == .number(128) && ef.stepped(.number(1), up: false) == .number(1))
        #expect(b.stepped(.number(0.95), up: true) == .number(1), "clamped to the range")
        #expect(fusion.stepped(.string("auto"), up: true) == .string("rrf"))
        #expect(fusion.stepped(.string("rrf"), up: true) == .string("weighted") && fusion.stepped(.string("weighted"), up: true) == .string("weighted"))
    }

    @Test func fusionAndImplications() throws {
        var v = ParameterValues()
        #expect(v.fusion == .auto, "the collection's tuned fusion, RRF until there is one")
        try v.apply("weight", .number(0.3))
        #expect(v.fusion == .weighted(weights: [0.3, 0.7], normalize: .minmax), "a weight means weighted fusion")
        try v.apply("rrf_k", .number(20))
        #expect(v.fusion == .rrf(k: 20))
        #expect(Parameters.impliedMode(["ef"]) == "vector" && Parameters.impliedMode(["k1", "b"]) == "bm25")
        #expect(Parameters.impliedMode(["weight"]) == "hybrid" && Parameters.impliedMode(["k1", "ef"]) == "hybrid")
        #expect(Parameters.impliedMode(["mode"]) == nil)
    }

    @Test func settingsKeepTheirMessages() {
        var s = Settings()
        #expect(throws: EngineError.badParameter("unknown setting 'eff'; did you mean 'ef'? (SHOW lists them)")) { try s.set("eff", .number(1)) }
        #expect(throws: EngineError.badParameter("setting 'ef' takes a number, not 'fast'")) { try s.set("ef", .string("fast")) }
        #expect(throws: EngineError.self) { try s.set("weight", .number(0.3)) }   // a parameter, not a session setting
        #expect(throws: Never.self) { try s.set("ef", .number(128)) }
        #expect(s.number("ef") == 128 && s.number("ef", ["ef": .number(32)]) == 32)
        #expect(s.all.first { $0.name == "ef" }?.isDefault == false && s.changed.isGiven("ef"))
        #expect(throws: Never.self) { try s.reset("ef") }
        #expect(s.number("ef") == 64)
    }

    /// A parameter added to the registry is known everywhere at once (what the TUI, `.eval` and
    /// SET read); here the evaluation options take every registry parameter by name.
    @Test func evaluationsTakeEveryParameterByName() throws {
        var r = EvalRequest(collection: "c")
        for p in Parameters.all {
            let text: String
            switch p.defaultValue {
            case let .number(d): text = String(d)
            case let .string(s): text = s
            case let .bool(b): text = String(b)
            }
            try r.set(p.name, text: text)
            #expect(r.parameters.isGiven(p.name))
        }
        #expect(r.mode == .bm25 && r.k == 10)
        #expect(throws: EngineError.self) { try r.set("kl", text: "1") }
    }
}
