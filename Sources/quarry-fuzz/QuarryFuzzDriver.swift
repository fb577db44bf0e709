import Foundation
import QuarryFuzz

/// The fuzz driver.
///
/// Built by `make fuzz` (with `-sanitize=fuzzer,address -D QUARRY_LIBFUZZER`), it hands its
/// arguments to libFuzzer (`LLVMFuzzerRunDriver`), which runs the target named by the
/// environment variable QUARRY_FUZZ_TARGET on generated inputs:
///
///     QUARRY_FUZZ_TARGET=filter .build-fuzz/release/quarry-fuzz -max_total_time=60 CORPUS…
///
/// Without QUARRY_FUZZ_TARGET (and in the plain build of `make test`), `quarry-fuzz TARGET FILE…`
/// replays inputs through the same target, and `quarry-fuzz --seeds DIR` writes the engine-made
/// seeds (segment files) under DIR/segment/.
@main
enum QuarryFuzzDriver {
    static func main() throws {
        let args = Array(CommandLine.arguments.dropFirst())
        if let name = ProcessInfo.processInfo.environment["QUARRY_FUZZ_TARGET"] {
            guard let target = FuzzTarget(rawValue: name) else { usage("QUARRY_FUZZ_TARGET must name a target") }
            #if QUARRY_LIBFUZZER
            selected = target
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                selected?.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
                return 0
            })
            #else
            _ = target
            usage("this build has no libFuzzer (make fuzz-build makes one)")
            #endif
        }
        if args.first == "--seeds", args.count == 2 {
            let folder = args[1] + "/segment"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, bytes) in try FuzzTarget.madeSeeds() {
                try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/\(name).qseg"))
            }
            return
        }
        guard let name = args.first, let target = FuzzTarget(rawValue: name) else { usage("no target named") }
        for path in args.dropFirst() {
            target.run(try Data(contentsOf: URL(fileURLWithPath: path)).map { $0 })
            print("ok \(path)")
        }
    }

    static func usage(_ problem: String) -> Never {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("""
            quarry-fuzz: \(problem) (targets: \(names))
            usage: QUARRY_FUZZ_TARGET=TARGET quarry-fuzz [libFuzzer flags] [CORPUS…]   (the make fuzz build)
                   quarry-fuzz TARGET FILE…    replay inputs       quarry-fuzz --seeds DIR   write segment seeds

            """.utf8))
        exit(2)
    }
}

#if QUARRY_LIBFUZZER
/// The target the driver runs (set once, before libFuzzer starts).
nonisolated(unsafe) private var selected: FuzzTarget?

/// libFuzzer's entry for a program that has its own `main` (LLVM 12 and later).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
