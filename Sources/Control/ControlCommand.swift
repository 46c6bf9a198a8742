import Metrics
import Vocabulary

/// One line of the control protocol, parsed. The commands are the dashboard's keys in words, so a
/// script, a CI job or a test can do what a person at the keyboard can.
public enum ControlCommand: Sendable, Equatable {
  case pause, resume
  case vusers(Int)
  /// Open model: requests per second from now on.
  case rate(Double)
  case step(Int)
  case every(Double)
  /// nil toggles, like the `h` key; `hold on` / `hold off` / `release` say which.
  case hold(Bool?)
  case next
  case tag(String)
  case stop
  case status

  public static let usage =
    "pause, resume, vusers N, rate N, step N, every DURATION, hold [on|off], release, next, tag [LABEL], stop, status"

  /// Longest line accepted; a longer one is refused whole.
  public static let maximumLineBytes = 4096
  public static let defaultTagLabel = "knee?"

  /// Parses one line (without its newline). Errors are the one line sent back.
  public static func parse(_ line: String) throws(ControlError) -> ControlCommand {
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard let verb = words.first?.lowercased() else { throw ControlError("empty command (\(usage))") }
    let arguments = Array(words.dropFirst())
    func noArguments(_ command: ControlCommand) throws(ControlError) -> ControlCommand {
      guard arguments.isEmpty else { throw ControlError("'\(verb)' takes no argument") }
      return command
    }
    func count(min: Int) throws(ControlError) -> Int {
      guard arguments.count == 1 else { throw ControlError("'\(verb)' needs one number, e.g. '\(verb) 100'") }
      let text = arguments[0]
      guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
        throw ControlError("'\(verb)' needs a whole number \(min) or more, got '\(text)'")
      }
      guard value >= min else {
        throw ControlError("'\(verb)' needs a whole number \(min) or more, got \(value)")
      }
      return value
    }
    switch verb {
    case "pause": return try noArguments(.pause)
    case "resume": return try noArguments(.resume)
    case "vusers": return .vusers(try count(min: 0))
    case "rate":
      guard arguments.count == 1, let value = Double(arguments[0]), value.isFinite, value > 0,
        arguments[0].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
      else {
        throw ControlError("'rate' needs requests per second more than 0, e.g. 'rate 2000'")
      }
      return .rate(value)
    case "step": return .step(try count(min: 1))
    case "every":
      guard arguments.count == 1, let seconds = DurationText.parse(arguments[0]), seconds > 0 else {
        throw ControlError("'every' needs a duration such as 5s or 500ms")
      }
      return .every(seconds)
    case "hold":
      switch arguments.map({ $0.lowercased() }) {
      case []: return .hold(nil)
      case ["on"]: return .hold(true)
      case ["off"]: return .hold(false)
      default: throw ControlError("'hold' takes nothing, 'on' or 'off'")
      }
    case "release": return try noArguments(.hold(false))
    case "next": return try noArguments(.next)
    case "tag":
      let label = line.drop { $0 == " " || $0 == "\t" }.dropFirst(3).trimmingCharacters(in: .whitespaces)
      guard label.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
        throw ControlError("a tag label cannot contain control characters")
      }
      return .tag(label.isEmpty ? defaultTagLabel : String(label.prefix(200)))
    case "stop": return try noArguments(.stop)
    case "status": return try noArguments(.status)
    default: throw ControlError("unknown command '\(verb)' (\(usage))")
    }
  }
}
