import Testing
@testable import QuarryText

private func terms(_ config: AnalyzerConfig, _ text: String) throws -> [String] {
    try Analyzer(config).terms(text)
}

@Test func englishStemsAndDropsStopwords() throws {
    let a = try Analyzer(.english)
    let tokens = a.analyze("The Running dogs are jumping")
    #expect(tokens.map(\.term) == ["run", "dog", "jump"])
    // "The" and "are" leave holes: positions count every word.
    #expect(tokens.map(\.position) == [1, 2, 4])
    #expect(tokens.map(\.byteRange) == [4..<11, 12..<16, 21..<28])
}

@Test func apostrophesAbbreviationsAndNumbers() throws {
    #expect(try terms(.standard, "Don't stop O’Neil's U.S.A. e.g. 3.14 1,000 x86_64 2010-2012") ==
        ["don't", "stop", "o'neil's", "usa", "eg", "3.14", "1,000", "x86_64", "2010", "2012"])
    #expect(try terms(.english, "the patient's 25 years") == ["patient", "25", "year"])
    // Trailing punctuation does not join.
    #expect(try terms(.standard, "end. next, 5. 6") == ["end", "next", "5", "6"])
    // simple: letters only.
    #expect(try terms(.simple, "covid19 and 2020") == ["covid", "and"])
}

@Test func accentsAndFolding() throws {
    #expect(try terms(.standard, "Crème Brûlée ÉCOLE") == ["crème", "brûlée", "école"])
    var folded = AnalyzerConfig.standard
    folded.asciiFolding = true
    #expect(try terms(folded, "Crème Brûlée Straße Ærø naïve") == ["creme", "brulee", "strasse", "aero", "naive"])
    // Offsets are in UTF-8 bytes of the original text.
    let t = try Analyzer(folded).analyze("é x")
    #expect(t.map(\.byteRange) == [0..<2, 3..<4])
}

@Test func cjkBigrams() throws {
    let a = try Analyzer(.cjk)
    let tokens = a.analyze("日本語の本 and 東 Seoul 한국어")
    #expect(tokens.map(\.term) == ["日本", "本語", "語の", "の本", "東", "seoul", "한국", "국어"])
    #expect(tokens.map(\.position) == [0, 1, 2, 3, 5, 6, 7, 8])
    #expect(tokens[0].byteRange == 0..<6)
    // Outside the CJK analyzer each character is a token.
    #expect(try terms(.standard, "日本") == ["日", "本"])
}

@Test func emptyAndLongInput() throws {
    let a = try Analyzer(.english)
    #expect(a.analyze("").isEmpty)
    #expect(a.analyze("  ,.;!? -- ").isEmpty)
    #expect(a.analyze("the of and").isEmpty)
    let long = String(repeating: "a", count: 600)
    let tokens = try Analyzer(.standard).analyze(long)
    #expect(tokens.map(\.term.count) == [255, 255, 90])
    #expect(tokens.map(\.byteRange) == [0..<255, 255..<510, 510..<600])
    let many = Array(repeating: "word", count: 20_000).joined(separator: " ")
    #expect(a.analyze(many).count == 20_000)
}

@Test func otherLanguagesStem() throws {
    #expect(try terms(AnalyzerConfig.named("french"), "les chanteuses chantaient") == ["le", "chanteux", "chant"])
    #expect(try terms(AnalyzerConfig.named("German"), "Häuser") == ["haus"])
}

@Test func normalizeForPrefixes() throws {
    #expect(try Analyzer(.english).normalize("Micro") == "micro")
}

@Test func analyzerNamesAndErrors() throws {
    #expect(try AnalyzerConfig.named("english") == .english)
    #expect(AnalyzerConfig.names.prefix(4) == ["english", "standard", "simple", "cjk"])
    #expect(AnalyzerConfig.names.contains("french"))
    #expect(throws: AnalyzerError.self) { try AnalyzerConfig.named("englsh") }
    do {
        _ = try AnalyzerConfig.named("englsh")
    } catch {
        #expect(error.description.hasPrefix("unknown analyzer 'englsh' (did you mean 'english'?); valid analyzers: english, standard, simple, cjk, "))
    }
    do {
        _ = try AnalyzerConfig.named("zzzzzz")
    } catch {
        #expect(error.description.hasPrefix("unknown analyzer 'zzzzzz'; valid analyzers: english, "))
    }
    var bad = AnalyzerConfig.english
    bad.stemmer = "klingon"
    #expect(throws: AnalyzerError.self) { try Analyzer(bad) }
}
