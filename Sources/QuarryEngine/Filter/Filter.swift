/// Namespace of the Filter part of the engine.
public enum FilterModule {}
