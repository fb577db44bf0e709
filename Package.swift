// swift-tools-version: 6.1
//
// Quarry: a terminal-first workbench for hybrid search.
//
// The engine is a set of library targets under Sources/QuarryEngine/, one per concept, so the
// compiler enforces the one-way dependency of DESIGN.md:
//   quarry → QuarryREPL / QuarryTUI → QuarryConsole → QuarryEngine (Query) → Lexical / Vector /
//   Filter / Embed / Eval → Text / Storage → Base; quarry-mcp (`quarry mcp`) → QuarryMCP → QuarryEngine.
// The front ends reach the data only through QuarryEngine's workbench (storage is not
// re-exported). Every C library sits behind a thin system-library target (module map + shim.h).
// ARCHITECTURE.md draws the targets and what each owns.
import Foundation
import PackageDescription

/// The embedder's small-batch kernel (PanelGemm) and the vector indexes' distance kernels want
/// AVX2 and FMA, which Swift's x86-64 baseline (SSE2) leaves out. The package is built where it
/// runs (`make run`), so when the building machine's /proc/cpuinfo lists Haswell's extensions
/// those targets are compiled for that CPU generation (as `-march=native` would): SIMD8 is
/// one 256-bit register, and `QUARRY_FMA` turns the fused multiply-add kernels on. BM25's
/// posting loops gain too (BMI2 shifts, wider moves: 5 % fewer instructions per query on SciFact
/// and at 1M); Swift never fuses a multiply and an add unasked, so the scores keep their bits.
let haswellSettings: [SwiftSetting] = {
    #if os(Linux) && arch(x86_64)
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let flags = Set((info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? "").split(separator: " "))
    if ["avx2", "fma", "bmi2", "f16c", "movbe"].allSatisfy({ flags.contains(Substring($0)) }) {
        return [.define("QUARRY_FMA"), .unsafeFlags(["-target-cpu", "haswell"])]
    }
    #endif
    return []
}()

let package = Package(
    name: "Quarry",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "quarry", targets: ["quarry"]),
        .executable(name: "quarry-mcp", targets: ["quarry-mcp"]),
        .library(name: "QuarryEngine", targets: ["QuarryEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Milvus client (QuarryMilvus only): gRPC over HTTP/2 and the protobuf runtime.
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        // The Model Context Protocol (QuarryMCP only): `quarry mcp` serves the workbench to agents.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // MARK: - C libraries (Debian -dev packages)
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(name: "CRoaring", providers: [.apt(["libroaring-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),  // loaded on first use (shim.h), not linked
        .systemLibrary(name: "CPrefetch"),  // the compiler's prefetch builtin (shim.h): no library
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CReadline", pkgConfig: "readline", providers: [.apt(["libreadline-dev"])]),
        // GEOS: WKT parsing and the exact spatial predicates of geometry filters (issue 23).
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),

        // MARK: - Engine (no terminal code)
        .target(
            name: "QuarryBase",
            dependencies: ["CRoaring", "CZlib", "CGEOS"],
            path: "Sources/QuarryEngine/Base"),
        .target(
            name: "QuarryStorage",
            dependencies: ["QuarryBase", "CZlib", "CSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/QuarryEngine/Storage"),
        .target(
            name: "QuarryText",
            dependencies: ["QuarryBase", "CStemmer"],
            path: "Sources/QuarryEngine/Text"),
        .target(
            name: "QuarryLexical",
            dependencies: ["QuarryBase", "QuarryText", .product(name: "Collections", package: "swift-collections")],
            path: "Sources/QuarryEngine/Lexical",
            swiftSettings: haswellSettings),
        .target(
            name: "QuarryVector",
            dependencies: ["QuarryBase", "COpenBLAS", "CPrefetch", .product(name: "Collections", package: "swift-collections")],
            path: "Sources/QuarryEngine/Vector",
            swiftSettings: haswellSettings),
        .target(
            name: "QuarryFilter",
            dependencies: ["QuarryBase"],
            path: "Sources/QuarryEngine/Filter"),
        .target(
            name: "QuarryEmbed",
            dependencies: ["QuarryBase", "COpenBLAS"],
            path: "Sources/QuarryEngine/Embed",
            swiftSettings: haswellSettings),
        .target(
            name: "QuarryEval",
            dependencies: ["QuarryBase", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Sources/QuarryEngine/Eval"),
        .target(
            name: "QuarryEngine",
            dependencies: [
                "QuarryStorage", "QuarryText", "QuarryLexical", "QuarryVector",
                "QuarryFilter", "QuarryEmbed", "QuarryEval",
            ],
            path: "Sources/QuarryEngine/Query"),

        // MARK: - Remote engine: Milvus over its own gRPC protocol (the only target that imports gRPC)
        .target(
            name: "QuarryMilvus",
            dependencies: [
                "QuarryEngine", "QuarryFilter",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),

        // MARK: - Fuzzing (issue 22): the targets, and their libFuzzer driver (`make fuzz`)
        .target(
            name: "QuarryFuzz",
            dependencies: ["QuarryEngine", "QuarryStorage", "QuarryFilter", "QuarryVector", "QuarryBase"]),
        .executableTarget(name: "quarry-fuzz", dependencies: ["QuarryFuzz"]),

        // MARK: - Front ends
        // Terminal-neutral text: tables, display width, styles, progress bars, result rendering.
        .target(name: "QuarryConsole", dependencies: ["QuarryEngine"]),
        .target(name: "QuarryREPL", dependencies: ["QuarryEngine", "QuarryConsole", "CReadline"]),
        .target(name: "QuarryTUI", dependencies: ["QuarryEngine", "QuarryConsole", "CNcursesw"]),
        // Agents: the workbench's tools over the Model Context Protocol. `quarry mcp` runs the
        // server as its own executable: the SDK brings Foundation's URLSession, which a statically
        // linked binary can have only with libcurl and its two dozen libraries, loaded by every
        // process at start (about 4 ms here); this one links Foundation dynamically instead.
        .target(name: "QuarryMCP", dependencies: ["QuarryEngine", .product(name: "MCP", package: "swift-sdk")]),
        .executableTarget(name: "quarry-mcp", dependencies: ["QuarryMCP"]),
        .executableTarget(
            name: "quarry",
            dependencies: [
                "QuarryEngine", "QuarryConsole", "QuarryREPL", "QuarryTUI", "QuarryMilvus",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime and Foundation linked into the binary: a command starts without
            // loading and relocating a dozen shared libraries (ICU's among them), which was most
            // of a one-query process's time. The C libraries stay Debian's shared ones.
            // Sanitizer builds (QUARRY_SANITIZER set by `make test-asan`/`test-tsan`) link them
            // dynamically: the static runtime's `--exclude-libs ALL` hides the sanitizer's malloc
            // and free from the C libraries, so memory getline or readline allocated would be
            // freed by the wrong allocator ("bad free").
            linkerSettings: ProcessInfo.processInfo.environment["QUARRY_SANITIZER"] != nil ? [] : [.unsafeFlags([
                "-static-stdlib", "-lFoundation", "-lFoundationInternationalization", "-lFoundationEssentials",
                "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                "-lswiftSynchronization", "-lswiftDispatch", "-lstdc++"])]),

        // MARK: - Tests (one target per library target, plus end-to-end tests of the binary)
        .testTarget(name: "QuarryBaseTests", dependencies: ["QuarryBase"]),
        .testTarget(name: "QuarryStorageTests", dependencies: ["QuarryStorage", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "QuarryTextTests", dependencies: ["QuarryText"]),
        .testTarget(name: "QuarryLexicalTests", dependencies: ["QuarryLexical"]),
        .testTarget(name: "QuarryVectorTests", dependencies: ["QuarryVector"]),
        .testTarget(
            name: "QuarryFilterTests",
            dependencies: ["QuarryFilter", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "QuarryEmbedTests", dependencies: ["QuarryEmbed"]),
        .testTarget(name: "QuarryEvalTests", dependencies: ["QuarryEval"]),
        .testTarget(
            name: "QuarryEngineTests",
            dependencies: ["QuarryEngine", "QuarryStorage", "QuarryLexical", "QuarryVector", "QuarryFilter",
                           .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "QuarryConsoleTests", dependencies: ["QuarryConsole", "QuarryEngine"]),
        .testTarget(name: "QuarryREPLTests", dependencies: ["QuarryREPL", "QuarryConsole"]),
        .testTarget(name: "QuarryTUITests", dependencies: ["QuarryTUI", "QuarryConsole", "QuarryEngine", "CNcursesw"]),
        .testTarget(name: "QuarryMilvusTests", dependencies: ["QuarryMilvus", "QuarryEngine", "QuarryFilter"]),
        .testTarget(name: "QuarryFuzzTests", dependencies: ["QuarryFuzz"]),
        .testTarget(name: "QuarryMCPTests", dependencies: ["QuarryMCP", "QuarryEngine", .product(name: "MCP", package: "swift-sdk")]),
        .testTarget(name: "QuarryEndToEndTests", dependencies: ["QuarryConsole", "QuarryBase", "QuarryVector", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
