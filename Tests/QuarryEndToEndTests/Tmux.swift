import Foundation
import Testing

/// The one terminal driver of the end-to-end tests (REPL and TUI): a private tmux server (its own
/// socket, no user config) with one session running a shell, or a command given.
final class Tmux {
    static let available: Bool = {
        (try? Tmux.exec(["tmux", "-V"]).status) == 0
    }()

    let socket = "quarry-e2e-" + UUID().uuidString.prefix(8)
    let session = "tui"

    init(width: Int, height: Int, cwd: String? = nil, command: String = "env PS1='$ ' bash --norc --noprofile") throws {
        let r = try run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)"] + (cwd.map { ["-c", $0] } ?? []) + [command])
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

    /// Types text literally (no key names); a trailing `;` goes as its own key, since tmux would
    /// take it for its command separator.
    func type(_ text: String) throws {
        let body = text.hasSuffix(";") ? String(text.dropLast()) : text
        if !body.isEmpty { try run(["send-keys", "-t", session, "-l", "--", body]) }
        if text.hasSuffix(";") { try run(["send-keys", "-t", session, "\\;"]) }
    }
    func press(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }
    /// Pastes `text` in one burst, as a terminal's paste does (through a tmux buffer).
    func paste(_ text: String, scratch: String) throws {
        let file = scratch + "/paste-\(session).txt"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try run(["load-buffer", file])
        try run(["paste-buffer", "-t", session])
    }
    func resize(width: Int, height: Int) throws { try run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"]) }

    func screen() throws -> [String] {
        try run(["capture-pane", "-t", session, "-p"]).output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The screen as one text.
    var text: String { ((try? screen()) ?? []).joined(separator: "\n") }

    /// The last non-empty line of the screen.
    var lastLine: String { text.split(separator: "\n").last.map(String.init) ?? "" }

    /// Waits (up to `timeout` s) until the screen's text satisfies `condition`; records a test
    /// issue with the screen when it never does.
    @discardableResult
    func expect(_ what: String, timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation, _ condition: (String) -> Bool) -> Bool {
        let ok = (try? wait(timeout: timeout) { condition($0.joined(separator: "\n")) }).map { condition($0.joined(separator: "\n")) } ?? false
        if !ok { Issue.record("timed out waiting for \(what); screen:\n\(text)", sourceLocation: sourceLocation) }
        return ok
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
        // A capture can fall in the middle of a redraw: once ready, wait until two captures a moment apart
        // agree (a few tries; a pane with a live figure such as RSS may never hold still).
        for _ in 0..<10 where ready(lines) {
            Thread.sleep(forTimeInterval: 0.05)
            let again = try screen()
            guard ready(again) else { break }
            if again == lines { break }
            lines = again
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
