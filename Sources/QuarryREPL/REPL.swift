import CReadline
public enum REPLModule { static func linkCheck() { quarry_rl_set_completion_over(1) } }
