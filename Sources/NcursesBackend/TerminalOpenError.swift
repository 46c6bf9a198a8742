/// Why the dashboard cannot take over this terminal. Each reason is one line the caller can print
/// before falling back to headless mode (FAULTS TUI-04, TUI-05); opening never exits the process.
public enum TerminalOpenError: Error, Equatable, CustomStringConvertible, Sendable {
  case termUnset
  case dumbTerminal
  case unknownTerminal(String)
  case noCursorAddressing(String)
  case inputNotATerminal
  case outputNotATerminal
  /// Only one screen can be up per process: ncurses keeps it in globals.
  case alreadyOpen
  case initializationFailed(String)

  public var description: String {
    switch self {
    case .termUnset: "TERM is not set"
    case .dumbTerminal: "TERM=dumb cannot position the cursor"
    case .unknownTerminal(let name): "terminal type '\(name)' is not in the terminfo database"
    case .noCursorAddressing(let name): "terminal type '\(name)' has no cursor addressing (cup)"
    case .inputNotATerminal: "standard input is not a terminal"
    case .outputNotATerminal: "standard output is not a terminal"
    case .alreadyOpen: "the terminal is already open"
    case .initializationFailed(let reason): "terminal initialisation failed: \(reason)"
    }
  }
}
