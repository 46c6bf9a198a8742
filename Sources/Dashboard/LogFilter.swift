import Foundation
import LogTail

/// Which log entries the panel shows: a case-insensitive text or regular expression, and the
/// errors-only switch. Text without regex syntax is matched as plain text (fast, and `a.b` in a
/// path still finds itself); anything else is a regular expression if it compiles.
struct LogFilter {
  private enum Matcher {
    case all
    case text(String)
    case regex(NSRegularExpression)
  }

  private let matcher: Matcher
  private let errorsOnly: Bool

  init(_ state: LogPanelState) {
    errorsOnly = state.errorsOnly
    guard let pattern = state.filter, !pattern.isEmpty else {
      matcher = .all
      return
    }
    let syntax = CharacterSet(charactersIn: "\\^$*+?()[]{}|")
    if pattern.unicodeScalars.contains(where: { syntax.contains($0) }),
      let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    {
      matcher = .regex(regex)
    } else {
      matcher = .text(pattern.lowercased())
    }
  }

  var isActive: Bool {
    if case .all = matcher { return errorsOnly }
    return true
  }

  func matches(_ entry: LogEntry) -> Bool {
    if errorsOnly && entry.event.errorClass == nil { return false }
    switch matcher {
    case .all: return true
    case .text(let needle):
      return entry.event.lines.contains { $0.lowercased().contains(needle) }
    case .regex(let regex):
      return entry.event.lines.contains { line in
        regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
      }
    }
  }
}
