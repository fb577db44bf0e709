import Testing
@testable import QuarryBase

@Suite struct JSONParserTests {
    @Test func parsesTypesAndKeepsOrder() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": [1.5, true, null, "x\u00e9\n"], "c": {"d": -0}}"#)
        #expect(v == .object([
            JSONMember("b", 1), JSONMember("a", [1.5, true, nil, "xé\n"]), JSONMember("c", .object([JSONMember("d", 0)])),
        ]))
        #expect(v.jsonText == #"{"b":1,"a":[1.5,true,null,"xé\n"],"c":{"d":0}}"#)
    }

    @Test func roundTripsThroughText() throws {
        let text = #"{"s":"q\"\\\/\t","n":-12.5e3,"big":12345678901234,"u":"\ud83d\ude00"}"#
        let v = try JSONParser.parse(text)
        #expect(try JSONParser.parse(v.jsonText) == v)
        #expect(v["u"] == "😀")
        #expect(v["big"] == .int(12_345_678_901_234))
    }

    @Test(arguments: [
        (#"{"a": 1 "b": 2}"#, "column 9: expected ',' or '}', found '\"'"),
        (#"{"a" 1}"#, "column 6: expected ':', found '1'"),
        (#"[1, 2"#, "column 6: expected ',' or ']', found end of line"),
        (#"{"a": tru}"#, "column 7: expected a JSON value, found 't'"),
        (#"{"a": "x}"#, "column 7: unterminated string"),
        (#"{"a": 01}"#, "column 8: leading zeros are not allowed in JSON numbers"),
        (#"{} x"#, "column 4: unexpected 'x' after the JSON value"),
        ("", "column 1: expected a JSON value, found end of line"),
        (#"{"é": 1,}"#, "column 9: expected a string key, found '}'"),
    ])
    func errorsSayWhereAndWhat(input: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
        do { _ = try JSONParser.parse(input) } catch { #expect(error.description == message) }
    }
}

/// Wide objects (issue 22: a 40,000-key record took 12 s to import): keys are found through a
/// map past 16 members, with the same answer as the scan — order kept, the last duplicate wins.
@Suite struct WideObjectTests {
    @Test func wideObjectsKeepOrderAndTheLastDuplicate() throws {
        for width in [3, 16, 17, 40_000] {
            var text = "{"
            for i in 0..<width { text += "\"k\(i)\":\(i)," }
            text += "\"k0\":\"again\",\"k\(width - 1)\":null}"
            guard case let .object(members) = try JSONParser.parse(text) else { Issue.record("not an object"); continue }
            #expect(members.count == width)
            #expect(members.first?.key == "k0" && members.first?.value == .string("again"))
            #expect(members.last?.key == "k\(width - 1)" && members.last?.value == .null)
            #expect(members.dropFirst().dropLast().enumerated().allSatisfy { $1.key == "k\($0 + 1)" && $1.value == .int(Int64($0 + 1)) })
        }
    }
}

@Suite struct BinaryTests {
    @Test func roundTripsValuesAndChecksHeader() throws {
        var w = ByteWriter()
        w.write(header: SnapshotHeader(magic: "TEST", version: 2))
        w.write(UInt32(7)); w.write(Float(1.5)); w.write("héllo"); w.write(array: [Float](arrayLiteral: 1, 2, 3)); w.write(array: [UInt16](arrayLiteral: 9, 8))
        var r = ByteReader(w.bytes)
        #expect(try r.read(header: SnapshotHeader(magic: "TEST", version: 3)) == 2)
        #expect(try r.read(UInt32.self) == 7)
        #expect(try r.readFloat() == 1.5)
        #expect(try r.readString() == "héllo")
        #expect(try r.readFloatArray() == [1, 2, 3])
        #expect(try r.readArray(UInt16.self) == [9, 8])
        #expect(r.isAtEnd)
        var newer = ByteReader(w.bytes, what: "test index")
        #expect(throws: BinaryError.newerVersion(what: "test index", found: 2, supported: 1)) {
            try newer.read(header: SnapshotHeader(magic: "TEST", version: 1))
        }
        var wrong = ByteReader(w.bytes)
        #expect(throws: BinaryError.badMagic(expected: "HNSW", found: "TEST")) { try wrong.read(header: SnapshotHeader(magic: "HNSW", version: 1)) }
        var short = ByteReader(Array(w.bytes.prefix(10)))
        _ = try short.read(header: SnapshotHeader(magic: "TEST", version: 2))
        #expect(throws: BinaryError.self) { try short.read(UInt32.self) }
    }
}

@Suite struct BitmapTests {
    @Test func setAlgebraAndSerialization() throws {
        var a = Bitmap([1, 5, 9, 100_000])
        let b = Bitmap(range: 0..<10)
        #expect(a.intersection(b).toArray() == [1, 5, 9])
        #expect(a.subtracting(b).toArray() == [100_000])
        #expect(a.union(b).count == 11)
        #expect(b.complement(universe: 12).toArray() == [10, 11])
        let copy = a
        a.insert(7)
        #expect(copy.count == 4 && a.count == 5)   // value semantics
        let back = try #require(Bitmap(serialized: a.serialized()))
        #expect(back == a)
        #expect(Bitmap(serialized: [1, 2, 3]) == nil)
    }
}

@Suite struct TopKTests {
    @Test func keepsBestWithIdTieBreak() {
        var t = TopK(k: 3)
        for (id, s) in [(5, 1.0), (1, 3.0), (2, 3.0), (9, 0.5), (3, 2.0), (0, 1.0)] as [(UInt32, Float)] { t.push(id: id, score: s) }
        #expect(t.sorted().map(\.id) == [1, 2, 3])
        var d = TopK(k: 2, smallerIsBetter: true)
        for (id, s) in [(5, 1.0), (1, 3.0), (2, 0.5), (4, 0.5)] as [(UInt32, Float)] { d.push(id: id, score: s) }
        #expect(d.sorted().map(\.id) == [2, 4])
    }
}
