import Foundation

/// One line of the target's log that was counted as an error, kept so a report can show what the
/// class looked like. Only the first few per class are kept (the log hub's `samplesPerClass`),
/// already sanitised
/// (escape sequences inert) and cut to `maxBytes`, so the file stays small whatever the log does.
public struct LogSample: Codable, Sendable, Equatable {
  public var elapsed: Double
  public var errorClass: String
  public var source: String
  public var text: String

  public static let maxBytes = 2048

  public init(elapsed: Double, errorClass: String, source: String, text: String) {
    self.elapsed = elapsed
    self.errorClass = errorClass
    self.source = source
    self.text = Self.cut(text)
  }

  /// At most `maxBytes` of UTF-8, cut at a character boundary, marked with an ellipsis.
  static func cut(_ text: String) -> String {
    guard text.utf8.count > maxBytes else { return text }
    var kept = ""
    var bytes = 0
    for character in text {
      bytes += character.utf8.count
      if bytes > maxBytes { break }
      kept.append(character)
    }
    return kept + "…"
  }

  enum CodingKeys: String, CodingKey {
    case elapsed, errorClass = "class", source, text
  }
}
