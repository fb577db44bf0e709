import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Which kernels OpenBLAS runs. Its build in Debian 12 (0.3.21, one library for every x86-64
/// processor, picking kernels by `cpuid` when loaded) does not know the newest processors and
/// falls back to its oldest kernels ("Prescott", SSE3): on the development machine, a virtual
/// Xeon with AVX-512, that halves sgemm (16 against 32 GFLOP/s on one core at 1024³), which k-means,
/// exact answers and the embedder live on. OpenBLAS reads `OPENBLAS_CORETYPE` when it is loaded
/// (on first use: COpenBLAS loads it rather than linking it), so a process that wants the right
/// kernels after asking sets it and starts again.
public enum BLAS {
    /// The kernels OpenBLAS chose (`Haswell`, `SkylakeX`, `Prescott` …).
    public static var coreName: String { quarry_openblas_corename().map { String(cString: $0) } ?? "unknown" }

    /// The core type to force, or nil when OpenBLAS chose well (or was told by the environment).
    /// Only a fallback to the generic kernels on a processor with AVX2 and FMA is corrected, to
    /// Haswell's kernels (what every such processor runs).
    public static func coreTypeToForce(coreName: String, cpuFlags: Set<Substring>, environment: String?) -> String? {
        guard environment == nil, ["prescott", "core2", "unknown", "katmai", "northwood", "banias"].contains(coreName.lowercased()) else { return nil }
        return cpuFlags.contains("avx2") && cpuFlags.contains("fma") ? "Haswell" : nil
    }

    /// `coreTypeToForce` for this process: OpenBLAS's choice, `/proc/cpuinfo`'s flags (read only
    /// when the choice is a fallback), the environment.
    public static func coreTypeToForce() -> String? {
        let environment = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        let name = coreName
        guard coreTypeToForce(coreName: name, cpuFlags: ["avx2", "fma"], environment: environment) != nil else { return nil }
        return coreTypeToForce(coreName: name, cpuFlags: cpuFlags(), environment: environment)
    }

    /// The `flags` line of the first processor in `/proc/cpuinfo` (empty where there is none).
    static func cpuFlags() -> Set<Substring> {
        // Read into Swift's memory: glibc's `getline` buffer, freed from Swift, was a "bad free" under
        // ASan while the runtime was linked statically (its malloc hidden from glibc).
        guard let f = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            return Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" }))
        }
        return []
    }
}
