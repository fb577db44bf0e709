// The latency recorder of the evaluation lab, for the terminal front ends' benchmarks (the sweep
// types are exported beside the sweep, in Workbench+Sweep.swift).
@_exported import struct QuarryEval.LatencyRecorder
@_exported import func QuarryEval.monotonicNanoseconds
