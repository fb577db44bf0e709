/// Namespace of the Eval part of the engine.
public enum EvalModule {}
