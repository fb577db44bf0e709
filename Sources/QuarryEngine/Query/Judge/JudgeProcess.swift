import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of a judge command: `/bin/sh -c CMD` in its own process group, one JSON object on
/// its standard input, its standard output and error collected until it exits or the time is up.
/// On timeout the whole group is killed (a shell script's children too), so nothing of it runs on.
struct JudgeProcess {
    enum Outcome: Equatable {
        case exited(status: Int32, stdout: String, stderr: String)
        case timedOut(seconds: Double)
        case failedToStart(String)
    }

    /// Output beyond this many bytes per stream is read and dropped.
    static let outputLimit = 1 << 20

    static func run(command: String, input: String, timeout: Double) -> Outcome {
        // A judge that exits without reading its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            return .failedToStart("cannot make pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            return .failedToStart("cannot start /bin/sh: \(String(cString: strerror(rc)))")
        }
        for fd in [inPipe[1], outPipe[0], errPipe[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(max(0, timeout) * 1e9)
        var pending = Array(input.utf8)
        var writeFD: Int32 = inPipe[1]
        if pending.isEmpty { close(writeFD); writeFD = -1 }
        var out: [UInt8] = [], err: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 65536)
        var status: Int32 = 0
        var exited = false
        defer {
            if writeFD >= 0 { close(writeFD) }
            for fd in open { close(fd) }
        }
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline {
                kill(-pid, SIGKILL)
                if !exited { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
                return .timedOut(seconds: timeout)
            }
            if !exited {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid { exited = true }
            }
            if exited && open.isEmpty { break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            let wait = Int32(min(50, max(1, (deadline - now) / 1_000_000)))
            if fds.isEmpty { usleep(UInt32(wait) * 1000); continue }
            _ = poll(&fds, nfds_t(fds.count), wait)
            for p in fds where p.revents != 0 {
                if p.fd == writeFD {
                    let n = pending.withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
                    if n > 0 { pending.removeFirst(n) }
                    if n < 0 && errno != EAGAIN && errno != EINTR || pending.isEmpty { close(writeFD); writeFD = -1 }
                    continue
                }
                let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if p.fd == outPipe[0] { if out.count < outputLimit { out += buffer[0..<n] } } else if err.count < outputLimit { err += buffer[0..<n] }
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(p.fd)
                    open.removeAll { $0 == p.fd }
                }
            }
        }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return .exited(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
