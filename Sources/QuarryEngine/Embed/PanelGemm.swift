/// Matrix products for the few rows of a short query, over weights packed once at load.
///
/// OpenBLAS packs both operands of every `sgemm` into its own blocked layout before it
/// multiplies. For a 6-token query the right-hand side is a whole linear layer (42 MB over the
/// six layers) and the left one six rows: the packing copy alone was half of a query's time.
/// Here the weights are packed once, at load, into panels of 16 columns — panel j holds
/// columns 16j..<16j+16 of the [in, out] matrix, row after row, 64 contiguous bytes a row — and
/// each panel is streamed once per block of up to six rows, the six rows' 16 outputs held in
/// twelve 8-lane registers (the register blocking of Goto & van de Geijn 2008, "Anatomy of
/// High-Performance Matrix Multiplication", without the packing of the left-hand side, which
/// few rows do not need). On this kind of machine the kernel wants AVX2 and FMA; Package.swift
/// compiles the embedder for them when the building machine has both (`QUARRY_FMA`).
enum PanelGemm {
    /// Columns per panel.
    static let width = 16

    /// Row counts up to which `BertEncoder` uses these kernels instead of OpenBLAS (0: never).
    /// Only builds for AVX2 and FMA turn them on (where they were measured: 4.3 ms for a short
    /// query against OpenBLAS's 8.6); debug builds leave the SIMD code unoptimised, so they keep
    /// OpenBLAS throughout.
    static var smallBatchRows: Int {
        #if DEBUG
        0
        #elseif QUARRY_FMA
        32
        #else
        0
        #endif
    }

    /// `weight` ([rows, columns] row-major, columns a multiple of 16) copied into panels, on
    /// 64-byte boundaries.
    static func pack(_ weight: UnsafePointer<Float>, rows: Int, columns: Int) -> UnsafeMutableRawPointer {
        precondition(columns % width == 0, "panel packing needs a multiple of \(width) columns")
        let packed = UnsafeMutableRawPointer.allocate(byteCount: max(1, rows * columns * 4), alignment: 64)
        let floats = packed.bindMemory(to: Float.self, capacity: rows * columns)
        for panel in 0..<(columns / width) {
            let dst = floats + panel * rows * width
            for r in 0..<rows {
                (dst + r * width).initialize(from: weight + r * columns + panel * width, count: width)
            }
        }
        return packed
    }

    /// y[r] += x[r]·W for `rows` rows, W ([inputs, columns]) packed by `pack`; x and y are
    /// row-major with `inputs` and `columns` floats a row.
    static func multiplyAdd(
        rows: Int, inputs: Int, columns: Int, x: UnsafePointer<Float>, panels: UnsafeRawPointer,
        y: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0 else { return }
        // Blocks of at most six rows, as even as possible (7 rows: 4 + 3, not 6 + 1).
        let blocks = (rows + 5) / 6
        for panel in 0..<(columns / width) {
            let w = panels + panel * inputs * width * 4
            var start = 0
            for b in 0..<blocks {
                let count = rows / blocks + (b < rows % blocks ? 1 : 0)
                let xs = x + start * inputs, ys = y + start * columns + panel * width
                switch count {
                case 6: RowBlock<6>.run(inputs: inputs, x: xs, panel: w, y: ys, ldy: columns)
                case 5: RowBlock<5>.run(inputs: inputs, x: xs, panel: w, y: ys, ldy: columns)
                case 4: RowBlock<4>.run(inputs: inputs, x: xs, panel: w, y: ys, ldy: columns)
                case 3: RowBlock<3>.run(inputs: inputs, x: xs, panel: w, y: ys, ldy: columns)
                case 2: RowBlock<2>.run(inputs: inputs, x: xs, panel: w, y: ys, ldy: columns)
                default: RowBlock<1>.run(inputs: inputs, x: xs, panel: w, y: ys, ldy: columns)
                }
                start += count
            }
        }
    }
}

/// The micro-kernel for R rows and one panel: R × 16 accumulators, one pass over the panel.
/// With R known at compile time the loops over rows unroll and the accumulators live in
/// registers (for R = 6: twelve AVX registers, two panel loads and six broadcasts per input).
/// An FMA's result is ready about four cycles after it issues and two issue per cycle, so
/// fewer than eight independent accumulators stall on their own chains: up to three rows keep
/// two sets, for even and odd inputs, and add them at the end.
private enum RowBlock<let R: Int> {
    typealias V = SIMD16<Float>

    @inline(never)
    static func run(
        inputs: Int, x: UnsafePointer<Float>, panel: UnsafeRawPointer, y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        var acc = InlineArray<R, V>(repeating: .zero)
        var p = 0
        if R <= 3 {
            var odd = InlineArray<R, V>(repeating: .zero)
            while p &+ 1 < inputs {
                let w0 = panel.load(fromByteOffset: p &* 64, as: V.self)
                let w1 = panel.load(fromByteOffset: p &* 64 &+ 64, as: V.self)
                for r in 0..<R {
                    acc[r] = acc[r].addingProduct(V(repeating: x[r &* inputs &+ p]), w0)
                    odd[r] = odd[r].addingProduct(V(repeating: x[r &* inputs &+ p &+ 1]), w1)
                }
                p &+= 2
            }
            for r in 0..<R { acc[r] += odd[r] }
        }
        while p < inputs {
            let w = panel.load(fromByteOffset: p &* 64, as: V.self)
            for r in 0..<R {
                acc[r] = acc[r].addingProduct(V(repeating: x[r &* inputs &+ p]), w)
            }
            p &+= 1
        }
        for r in 0..<R {
            let out = UnsafeMutableRawPointer(y + r &* ldy)
            out.storeBytes(of: out.loadUnaligned(as: V.self) + acc[r], as: V.self)
        }
    }
}
