/// Namespace of the Embed part of the engine.
public enum EmbedModule {}
