#if canImport(Glibc)
import Glibc
#endif
import QuarryConsole
import QuarryEngine

// Commands that do bulk linear algebra (k-means, exact answers, embedding) start once more when
// OpenBLAS fell back to its generic kernels on a processor it does not know (`BLAS`): the
// environment variable that picks its kernels is read when the library loads (on first use: it
// is loaded, not linked, see COpenBLAS), so asking which kernels it chose fixes them.
// One-query commands (query, search, get …) start only once: they gain less than a start costs.
let bulkMath: Set<String> = ["index", "eval", "sweep", "tune", "bench", "embed", "import", "tui", "repl"]
if CommandLine.arguments.count > 1, bulkMath.contains(CommandLine.arguments[1]), let core = BLAS.coreTypeToForce() {
    setenv("OPENBLAS_CORETYPE", core, 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)   // returns only if it failed: go on as we are
}
QuarryCommand.main()
// What `print` wrote sits in C's buffer: a full disk or a failed write shows only when it is flushed.
do { try OutputFile.flushStandardOutput() } catch { fail(error.description) }
