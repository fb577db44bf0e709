import Foundation
import Testing

/// A private tmux server (its own socket, no user config) driving one shell in one session.
final class Tmux {
    static let available: Bool = {
        (try? Tmux.exec(["tmux", "-V"]).status) == 0
    }()

    let socket = "quarry-e2e-" + UUID().uuidString.prefix(8)
    let session = "tui"

    init(width: Int, height: Int, cwd: String) throws {
        let r = try run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", "-c", cwd, "env PS1='$ ' bash --norc --noprofile"])
        precondition(r.status == 0, "tmux new-session failed: \(r.output)")
        serverPID = Int32((try? run(["display-message", "-p", "-t", session, "#{pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "")
    }

    private var serverPID: Int32?

    deinit {
        _ = try? run(["kill-server"])
        if let pid = serverPID, kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// Runs a command with posix_spawn and waitpid, its output going to a file: the tmux server that
    /// new-session forks inherits the client's descriptors, so pipes would never close and
    /// Foundation's Process would not see the client exit.
    @discardableResult
    static func exec(_ args: [String]) throws -> (status: Int32, output: String) {
        let out = NSTemporaryDirectory() + "quarry-tmux-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["/usr/bin/env"] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Test runners block signals on their threads; the shell and the TUI must start with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, environ)
        guard rc == 0 else { return (127, "posix_spawn failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    @discardableResult
    func run(_ args: [String]) throws -> (status: Int32, output: String) {
        try Self.exec(["tmux", "-L", socket, "-f", "/dev/null"] + args)
    }

    /// Types text literally (no key names, no `;` separators).
    func type(_ text: String) throws { try run(["send-keys", "-t", session, "-l", "--", text]) }
    func press(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }
    func resize(width: Int, height: Int) throws { try run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"]) }

    func screen() throws -> [String] {
        try run(["capture-pane", "-t", session, "-p"]).output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Polls the screen until `ready` holds (or the timeout passes); returns the last screen.
    @discardableResult
    func wait(timeout: Double = 15, _ ready: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var lines = try screen()
        while !ready(lines) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            lines = try screen()
        }
        return lines
    }

    /// The process running in the foreground of the pane's shell (its child), from /proc.
    func foregroundChild() throws -> Int32? {
        guard let shell = Int32(try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, Int32(fields[1]) == shell { return pid }
        }
        return nil
    }
}

/// Display width as a terminal counts it: East Asian wide characters take two cells.
func cellWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { n, u in
        let v = u.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return n + (wide ? 2 : 1)
    }
}

/// `quarry tui` driven through tmux: queries, the document view, query-set mode, resizing, and
/// the terminal restored after `q` and after SIGTERM.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is not installed"))
struct TUITests {
    /// A six-record BEIR folder with 4-d vectors, imported and indexed (BM25 and HNSW) by the binary.
    static func database() throws -> (Scratch, String) {
        let s = Scratch()
        s.write("beir/corpus.jsonl", """
            {"_id":"d1","title":"Vitamin D and bone fractures","text":"Vitamin D supplements lower the risk of hip fractures in the elderly.","metadata":{"year":2012}}
            {"_id":"d2","title":"Cancer and microRNA","text":"MicroRNA expression profiles identify cancer types.","metadata":{"year":2008}}
            {"_id":"d3","title":"Running injuries","text":"Runners who run long distances report knee injuries.","metadata":{"year":2015}}
            {"_id":"d4","title":"Bone density in runners","text":"Bone density rises with running and vitamin intake.","metadata":{"year":2019}}
            {"_id":"d5","title":"骨密度と運動 bone study","text":"日本の研究 bone density exercise in Japan.","metadata":{"year":2020}}
            {"_id":"d6","title":"Sleep and memory","text":"Sleep consolidates memory in adults and children.","metadata":{"year":2011}}
            """)
        s.write("beir/queries.jsonl", "{\"_id\":\"q1\",\"text\":\"vitamin D fracture risk\"}\n{\"_id\":\"q2\",\"text\":\"bone density running\"}\n")
        s.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td4\t2\nq2\td5\t1\n")
        func fbin(_ rows: [[Float]]) -> Data {
            var d = Data()
            for v in [Int32(rows.count), Int32(rows[0].count)] { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
            for r in rows { for x in r { withUnsafeBytes(of: x.bitPattern.littleEndian) { d.append(contentsOf: $0) } } }
            return d
        }
        FileManager.default.createFile(atPath: s.file("corpus.fbin"), contents: fbin([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0.7, 0, 0.7, 0], [0.6, 0.1, 0.6, 0.1], [0, 0, 0, 1]]))
        FileManager.default.createFile(atPath: s.file("queries.fbin"), contents: fbin([[1, 0, 0.1, 0], [0.6, 0, 0.8, 0]]))
        let db = s.file("q.db")
        for args in [["import", s.file("beir"), "--collection", "c", "--vectors", s.file("corpus.fbin"), "--query-vectors", s.file("queries.fbin")],
                     ["index", "--collection", "c", "--text", "title,text"],
                     ["index", "--collection", "c", "--vector", "embedding", "--type", "hnsw"]] {
            let r = try Binary.run(args + ["--db", db])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        return (s, db)
    }

    /// Starts `quarry tui` from the pane's shell, which records `stty -a` before and after and the exit status.
    static func start(_ tmux: Tmux, db: String, scratch: Scratch, header: String = "Quarry · c · 6 records") throws {
        let q = { (p: String) in "'" + p + "'" }
        try tmux.type("stty -a > \(q(scratch.file("before.txt"))); \(q(Binary.path)) tui --db \(q(db)); echo $? > \(q(scratch.file("status.txt"))); stty -a > \(q(scratch.file("after.txt")))")
        try tmux.press("Enter")
        let lines = try tmux.wait { $0.contains { $0.contains("query›") } }
        #expect(lines.contains { $0.contains(header) }, "\(lines.joined(separator: "\n"))")
    }

    static func waitForExit(_ scratch: Scratch) -> String? {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let s = try? String(contentsOfFile: scratch.file("after.txt"), encoding: .utf8), !s.isEmpty,
               let status = try? String(contentsOfFile: scratch.file("status.txt"), encoding: .utf8) {
                return status.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// `stty -a` without its first line (speed, rows, columns: the window size may have changed).
    static func modes(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst().map { $0 }
    }

    @Test func queryDocumentQuerySetResizeAndQuit() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)

        // Typing goes to the query line; Enter fills all three columns.
        try tmux.type("bone running")
        try tmux.press("Enter")
        var lines = try tmux.wait { $0.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 } && $0.contains { $0.contains("R@10 ex") } }
        let text = lines.joined(separator: "\n")
        #expect(lines.contains { $0.components(separatedBy: "│ 1 ").count - 1 == 3 }, "three columns with a first hit:\n\(text)")
        #expect(lines.contains { $0.components(separatedBy: "│ 2 ").count - 1 == 3 }, "\(text)")
        #expect(text.contains("lexical") && text.contains("hybrid") && text.contains("no embedder"), "\(text)")
        #expect(text.contains("RRF Fusion") && text.contains("p95 ms"), "plan and metrics panes:\n\(text)")
        #expect(text.contains("骨密度"), "CJK titles are drawn:\n\(text)")
        for l in lines { #expect(cellWidth(l) <= 100, "too wide: \(l)") }

        // Esc leaves the query line for the result columns; Enter opens the selected hit (d4, first lexical hit).
        try tmux.press("Escape")
        try tmux.press("Enter")
        lines = try tmux.wait { $0.contains { $0.contains("BM25 explanation") } }
        let doc = lines.joined(separator: "\n")
        #expect(doc.contains("document d4") && doc.contains("Bone density rises with running and vitamin intake."), "\(doc)")
        #expect(doc.contains("BM25 explanation") && doc.contains("idf="), "\(doc)")
        // The metadata starts folded; m unfolds it.
        #expect(doc.contains("▸ metadata: 3 lines folded") && !doc.contains("2019"), "\(doc)")
        try tmux.type("m")
        lines = try tmux.wait { $0.contains { $0.contains("▾ metadata") } }
        #expect(lines.contains { $0.contains("\"year\": 2019") }, "\(lines.joined(separator: "\n"))")
        try tmux.press("Escape")
        lines = try tmux.wait { !$0.contains { $0.contains("BM25 explanation") } }
        #expect(!lines.contains { $0.contains("document d4") })

        // `?` lists the keys; query-set mode steps to the first judged query, with ✓ and nDCG.
        try tmux.type("?")
        lines = try tmux.wait { $0.contains { $0.contains("query-set mode: next test query") } }
        #expect(lines.contains { $0.contains("Ctrl-C") && $0.contains("quit") }, "\(lines.joined(separator: "\n"))")
        try tmux.press("Escape")
        try tmux.type("n")
        lines = try tmux.wait { $0.contains { $0.contains("nDCG@10") } && $0.contains { $0.contains("✓") } }
        #expect(lines.contains { $0.contains("query set 1/2") } && lines.contains { $0.contains("vitamin D fracture risk") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("✓") && $0.contains("d1") })

        // 80×24: redrawn to the new size, no line wider than 80 cells.
        try tmux.resize(width: 80, height: 24)
        lines = try tmux.wait { ls in
            ls.count >= 24 && ls[0].contains("Quarry · c") && ls[1].contains("query›") && ls[2].hasPrefix("┌") && ls[2].hasSuffix("┐")
                && cellWidth(ls[2]) == 80 && !ls.contains { cellWidth($0) > 80 }
        }
        let small = lines.joined(separator: "\n")
        for l in lines { #expect(cellWidth(l) <= 80, "too wide after resize: \(l)") }
        #expect(lines.first?.contains("Quarry · c") == true, "\(small)")
        #expect(lines.filter { $0.hasPrefix("└") }.count >= 2, "result and bottom frames:\n\(small)")
        #expect(lines.contains { $0.contains("nDCG@10") }, "metrics fit in 24 rows:\n\(small)")

        // 200×60: every row of the body ends on a border at column 200, nothing left of the small layout.
        try tmux.resize(width: 200, height: 60)
        lines = try tmux.wait { ls in
            ls.count >= 60 && ls[1].contains("query›") && ls[2].hasPrefix("┌") && cellWidth(ls[2]) == 200
                && ls[2...58].allSatisfy { cellWidth($0) == 200 && ($0.hasSuffix("│") || $0.hasSuffix("┐") || $0.hasSuffix("┘")) }
        }
        let wide = lines.joined(separator: "\n")
        #expect(lines.count >= 60 && lines[2...58].allSatisfy { cellWidth($0) == 200 && "│┐┘".contains($0.last ?? " ") }, "\(wide)")
        #expect(lines.contains { $0.contains("nDCG@10") } && lines.contains { $0.contains("✓") && $0.contains("d1") }, "\(wide)")
        #expect(lines.filter { $0.hasPrefix("└") }.count >= 2, "\(wide)")

        // q quits outside the query line; the shell gets its terminal back as it was.
        try tmux.type("q")
        #expect(Self.waitForExit(s) == "0")
        #expect(Self.modes(s.file("before.txt")) == Self.modes(s.file("after.txt")))
        #expect(!Self.modes(s.file("before.txt")).isEmpty)
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)
        let pid = try #require(try tmux.foregroundChild())
        #expect(kill(pid, SIGTERM) == 0)
        #expect(Self.waitForExit(s) == "143")
        let before = try String(contentsOfFile: s.file("before.txt"), encoding: .utf8)
        let after = try String(contentsOfFile: s.file("after.txt"), encoding: .utf8)
        #expect(before == after && !before.isEmpty)
        let lines = try tmux.screen()
        #expect(!lines.contains { $0.contains("query›") }, "the shell's screen is back")
    }

    @Test func ctrlCQuitsFromTheQueryLine() throws {
        let (s, db) = try Self.database()
        let tmux = try Tmux(width: 100, height: 30, cwd: s.path)
        try Self.start(tmux, db: db, scratch: s)
        try tmux.type("qqq")   // typed into the query line, does not quit
        try tmux.wait { $0.contains { $0.contains("query› qqq") } }
        try tmux.press("C-c")
        #expect(Self.waitForExit(s) == "0")
        #expect(Self.modes(s.file("before.txt")) == Self.modes(s.file("after.txt")))
    }
}
