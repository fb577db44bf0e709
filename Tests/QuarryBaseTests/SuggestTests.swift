import Testing
import QuarryBase

/// The one "did you mean" rule, and the edit distance under it.
@Suite struct SuggestTests {
    @Test func distanceIsLevenshteinOverUnicodeScalars() {
        #expect(Suggest.distance("kitten", "sitting") == 3)
        #expect(Suggest.distance("", "abc") == 3)
        #expect(Suggest.distance("flaw", "lawn") == 2)
        #expect(Suggest.distance("café", "cafe") == 1)
    }

    @Test func nearestSuggestsTyposOnly() {
        let names = ["hnsw", "flat", "ivf_flat", "ivf_sq8", "ivf_rabitq"]
        #expect(Suggest.nearest(to: "hsnw", in: names) == "hnsw")
        #expect(Suggest.nearest(to: "HNSW2", in: names) == "hnsw")
        #expect(Suggest.nearest(to: "ivf_rabit", in: names) == "ivf_rabitq")
        #expect(Suggest.nearest(to: "btree", in: names) == nil)
        // Never as many edits as the word has characters: "x" is not a typo of "p".
        #expect(Suggest.nearest(to: "x", in: ["p", "map"]) == nil)
        // Long words allow a third of their length; an explicit limit overrides.
        #expect(Suggest.nearest(to: "descriptoin_text", in: ["description_text"]) == "description_text")
        #expect(Suggest.nearest(to: "titel", in: ["title"], limit: 1) == nil)
        #expect(Suggest.nearest(to: "anything", in: []) == nil)
    }
}
