import CNcursesw
public enum TUIModule { static func linkCheck() -> Int32 { quarry_color_pair(1) } }
