import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
///
/// `importing scifact  ██████████░░░░░░░░  52%  2,690 records  8,120 rec/s  ETA 0.3 s`
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let enabled: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    public init(label: String, unit: String = "records", enabled: Bool = Terminal.isTTY(STDERR_FILENO)) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
    }

    /// Draws progress: `done` items, and a fraction of the whole when known.
    public func update(done: Int, fraction: Double?) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = label
        if let fraction {
            let f = min(max(fraction, 0), 1)
            let cells = 20
            let full = Int(f * Double(cells))
            line += "  " + String(repeating: "█", count: full) + String(repeating: "░", count: cells - full)
            line += String(format: "  %3d%%", Int(f * 100))
            if f > 0.01 { line += "  ETA " + Human.seconds(elapsed * (1 - f) / f) }
        }
        line += "  \(Human.count(done)) \(unit)  \(Human.count(Int(rate))) \(unit == "records" ? "rec" : unit)/s"
        let width = Terminal.width(STDERR_FILENO)
        FileHandle.standardError.write(Data(("\r" + DisplayWidth.truncate(line, to: width - 1) + "\u{1B}[K").utf8))
    }

    /// Clears the bar's line.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
