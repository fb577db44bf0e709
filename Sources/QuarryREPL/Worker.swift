import Foundation

/// Runs the shell's work (statements, evaluations, index builds) on a serial background thread
/// so Ctrl-C can return to the prompt: the shell stops waiting and prints "cancelled".
///
/// Evaluations and sweeps poll `stop` between queries and end early when it is set; other
/// statements have no cancellation points, so an abandoned one finishes in the background (the
/// queue is serial, so the next statement starts only after it, and nothing it produces is
/// printed).
final class Worker: @unchecked Sendable {
    enum Outcome<T> { case done(T), cancelled }

    private let queue = DispatchQueue(label: "quarry.repl.worker")
    private final class Box<T>: @unchecked Sendable { var value: T? }

    /// Runs `body`; with `interruptible`, waits while polling `interrupted()` every 20 ms.
    /// `body` gets its own stop flag, set when the wait is given up.
    func run<T>(interruptible: Bool, interrupted: @escaping () -> Bool, _ body: @escaping (StopFlag) -> T) -> Outcome<T> {
        let stop = StopFlag()
        guard interruptible else { return .done(body(stop)) }
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let work = body
        queue.async {
            box.value = work(stop)
            done.signal()
        }
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if interrupted() {
                stop.set()
                return .cancelled
            }
        }
        return .done(box.value!)
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
    func clear() { lock.withLock { value = false } }
}
