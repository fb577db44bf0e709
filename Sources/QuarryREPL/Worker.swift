import Foundation

/// Runs the shell's work (statements, evaluations, index builds) on a serial background thread
/// so Ctrl-C can return to the prompt: the shell stops waiting and prints "cancelled".
///
/// The engine has no cancellation points, so an abandoned statement finishes in the background;
/// the queue is serial, so the next statement starts only after it, and nothing it produces is
/// printed.
final class Worker: @unchecked Sendable {
    enum Outcome<T> { case done(T), cancelled }

    private let queue = DispatchQueue(label: "quarry.repl.worker")
    private final class Box<T>: @unchecked Sendable { var value: T? }

    /// Runs `body`; with `interruptible`, waits while polling `interrupted()` every 20 ms.
    func run<T>(interruptible: Bool, interrupted: @escaping () -> Bool, _ body: @escaping () -> T) -> Outcome<T> {
        guard interruptible else { return .done(body()) }
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let work = body
        queue.async {
            box.value = work()
            done.signal()
        }
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if interrupted() { return .cancelled }
        }
        return .done(box.value!)
    }
}
