import Foundation
import LogValues

/// Which log entries the panel shows: a case-insensitive text or regular expression, and the
/// errors-only switch. Text without regex syntax is matched as plain text (fast, and `a.b` in a
/// path still finds itself); anything else is a regular expression if it compiles.
struct LogFilter {
  private enum Matcher {
    case all
    /// Lower-cased UTF-8 bytes.
    case text([UInt8])
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
      matcher = .text(Array(pattern.lowercased().utf8))
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
      return entry.event.lines.contains { Self.contains($0, caseInsensitive: needle) }
    case .regex(let regex):
      return entry.event.lines.contains { line in
        regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
      }
    }
  }

  /// Substring search on UTF-8 bytes, folding ASCII letters only: a frame may filter thousands of
  /// lines, and `lowercased()` on each of them costs more than the rest of the frame.
  static func contains(_ text: String, caseInsensitive needle: [UInt8]) -> Bool {
    guard !needle.isEmpty else { return true }
    var text = text
    return text.withUTF8 { hay in
      guard hay.count >= needle.count else { return false }
      let first = needle[0]
      for start in 0...(hay.count - needle.count) {
        guard fold(hay[start]) == first else { continue }
        var i = 1
        while i < needle.count && fold(hay[start + i]) == needle[i] { i += 1 }
        if i == needle.count { return true }
      }
      return false
    }
  }

  private static func fold(_ byte: UInt8) -> UInt8 {
    byte >= 65 && byte <= 90 ? byte + 32 : byte
  }
}
