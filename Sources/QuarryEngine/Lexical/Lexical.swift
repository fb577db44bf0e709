/// Namespace of the Lexical part of the engine.
public enum LexicalModule {}
