import CNcursesw

/// Semantic colour names: panels say what a cell means, this enum says how it looks.
enum Theme: Int16, CaseIterable {
    case normal = 0
    case title = 1
    case focusedTitle
    case border
    case focusedBorder
    case selection
    case relevant
    case exact
    case rankUp
    case rankDown
    case muted
    case error
    case status
    case highlight

    /// Foreground and background of each colour pair (-1: the terminal's default).
    private var colors: (Int16, Int16) {
        switch self {
        case .normal: return (-1, -1)
        case .title: return (Int16(COLOR_CYAN), -1)
        case .focusedTitle: return (Int16(COLOR_BLACK), Int16(COLOR_CYAN))
        case .border: return (Int16(COLOR_BLUE), -1)
        case .focusedBorder: return (Int16(COLOR_CYAN), -1)
        case .selection: return (Int16(COLOR_BLACK), Int16(COLOR_WHITE))
        case .relevant: return (Int16(COLOR_GREEN), -1)
        case .exact: return (Int16(COLOR_MAGENTA), -1)
        case .rankUp: return (Int16(COLOR_GREEN), -1)
        case .rankDown: return (Int16(COLOR_RED), -1)
        case .muted: return (-1, -1)
        case .error: return (Int16(COLOR_RED), -1)
        case .status: return (Int16(COLOR_BLACK), Int16(COLOR_CYAN))
        case .highlight: return (Int16(COLOR_YELLOW), -1)
        }
    }

    /// Extra attributes on top of the colour.
    private var extra: attr_t {
        switch self {
        case .focusedTitle, .title: return quarry_a_bold()
        case .muted: return quarry_a_dim()
        case .highlight: return quarry_a_bold()
        case .selection where !Theme.colorsEnabled: return quarry_a_reverse()
        case .status where !Theme.colorsEnabled: return quarry_a_reverse()
        default: return quarry_a_normal()
        }
    }

    nonisolated(unsafe) private static var colorsEnabled = false

    static func install() {
        colorsEnabled = true
        for t in Theme.allCases where t != .normal {
            _ = init_pair(t.rawValue, t.colors.0, t.colors.1)
        }
    }

    /// The curses attribute word of this role.
    var attribute: Int32 {
        let pair = Theme.colorsEnabled && self != .normal ? attr_t(quarry_color_pair(Int32(rawValue))) : 0
        return Int32(bitPattern: UInt32(truncatingIfNeeded: pair | extra))
    }
}
