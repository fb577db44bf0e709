// What the front ends use of the embedder and the vector files.
@_exported import class QuarryEmbed.Embedder
@_exported import struct QuarryEmbed.EmbedBenchmarkReport
@_exported import enum QuarryVector.Fbin

// The evaluation lab's types the front ends use (the sweep types are exported beside the sweep,
// in Workbench+Sweep.swift): latency recording, the per-query measures, number text.
@_exported import struct QuarryEval.LatencyRecorder
@_exported import func QuarryEval.monotonicNanoseconds
@_exported import enum QuarryEval.Measures
@_exported import enum QuarryEval.Measure
@_exported import struct QuarryEval.Measurement
@_exported import enum QuarryEval.RelevanceMetric
@_exported import enum QuarryEval.NumberText
