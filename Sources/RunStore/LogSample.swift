import Foundation

/// One line of the target's log that was counted as an error, kept so a report can show what the
/// class looked like. Only the first few per class are kept (`perClass`), already sanitised
/// (escape sequences inert) and cut to `maxBytes`, so the file stays small whatever the log does.
public struct LogSample: Codable, Sendable, Equatable {
  public var elapsed: Double
  public var errorClass: String
  public var source: String
  public var text: String

  public static let perClass = 3
  public static let maxBytes = 2048

  public init(elapsed: Double, errorClass: String, source: String, text: String) {
    self.elapsed = elapsed
    self.errorClass = errorClass
    self.source = source
    var cut = text
    if cut.utf8.count > Self.maxBytes {
      cut = String(decoding: cut.utf8.prefix(Self.maxBytes), as: UTF8.self) + "…"
    }
    self.text = cut
  }

  enum CodingKeys: String, CodingKey {
    case elapsed, errorClass = "class", source, text
  }
}
