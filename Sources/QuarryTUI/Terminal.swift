import CNcursesw
import Foundation

/// The terminal's set-up and restore, in one place.
///
/// `start()` switches to curses mode (raw input, no echo, keypad, colours); `restore()` gives the
/// terminal back exactly as it was (`endwin` restores the tty modes saved by `initscr`). Every
/// way out restores it: the normal return, a thrown error (the caller's `defer`), and the
/// signals SIGINT, SIGTERM, SIGHUP and the crash signals, whose handlers call `endwin` and exit.
enum TerminalSession {
    /// Only written before the handlers are installed and read by them; an atomic flag is not needed.
    nonisolated(unsafe) private static var active = false

    static func start() {
        setlocale(LC_ALL, "")
        installSignalHandlers()
        _ = initscr()
        active = true
        _ = raw()            // Ctrl-C arrives as a key, not as SIGINT
        _ = noecho()
        _ = nonl()
        _ = keypad(quarry_stdscr(), true)
        _ = set_escdelay(25)
        _ = curs_set(0)
        wtimeout(quarry_stdscr(), 40)  // the loop wakes up to collect query results
        if has_colors() {
            _ = start_color()
            _ = use_default_colors()
            Theme.install()
        }
    }

    static func restore() {
        guard active else { return }
        active = false
        _ = curs_set(1)
        _ = endwin()
        if let s = offscreen {
            delscreen(s)
            offscreen = nil
        }
    }

    /// The benchmark's screen: curses draws a `rows` × `cols` terminal of type xterm-256color
    /// whose output goes to /dev/null, so a redraw costs what it costs on a real terminal
    /// (the diff and the escape sequences) without one. False when no such terminal type exists.
    nonisolated(unsafe) private static var offscreen: OpaquePointer?

    static func startOffscreen(rows: Int, cols: Int) -> Bool {
        setlocale(LC_ALL, "")
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else { return false }
        for type in ["xterm-256color", "xterm", "vt100"] {
            if let s = newterm(type, output, input) { offscreen = s; break }
        }
        guard offscreen != nil else { return false }
        active = true
        _ = resizeterm(Int32(rows), Int32(cols))
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(quarry_stdscr(), true)
        if has_colors() {
            _ = start_color()
            _ = use_default_colors()
            Theme.install()
        }
        return true
    }

    private static func installSignalHandlers() {
        let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
        // A parent may have left these blocked (the mask is inherited): unblock them, or they never arrive.
        var set = sigset_t()
        sigemptyset(&set)
        for s in terminating { sigaddset(&set, s) }
        _ = sigprocmask(SIG_UNBLOCK, &set, nil)
        for s in terminating {
            _ = signal(s) { sig in
                _ = endwin()
                _exit(128 + sig)
            }
        }
        // A crash restores the terminal too, then dies of the same signal (core dumps stay possible).
        for s in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            _ = signal(s) { sig in
                _ = endwin()
                _ = signal(sig, SIG_DFL)
                _ = raise(sig)
            }
        }
    }

    /// The screen's size in cells.
    static var size: (rows: Int, cols: Int) {
        let w = quarry_stdscr()
        return (Int(quarry_getmaxy(w)), Int(quarry_getmaxx(w)))
    }

    /// True when bytes of input wait to be read (ncurses reads the terminal a byte at a time,
    /// so what it has not read yet is still on standard input).
    static func inputWaiting() -> Bool {
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0 && fd.revents & Int16(POLLIN) != 0
    }

    /// The next key, or nil when the timeout passed without one.
    static func readKey() -> Key? {
        var ch: wint_t = 0
        let r = wget_wch(quarry_stdscr(), &ch)
        if r == KEY_CODE_YES { return Key(code: Int32(ch)) }
        if r == OK { return Key(character: ch) }
        return nil
    }
}
