/// A 1-based line and column in a configuration file (columns count Unicode scalars).
public struct SourcePoint: Sendable, Equatable, Comparable {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (lhs: SourcePoint, rhs: SourcePoint) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }

  /// The first NUL character of `text`, which no configuration file may hold (C libraries would
  /// cut the text there).
  public static func firstNUL(in text: String) -> SourcePoint? {
    guard text.utf8.contains(0) else { return nil }
    var line = 1
    var column = 1
    for scalar in text.unicodeScalars {
      if scalar == "\0" { return SourcePoint(line: line, column: column) }
      if scalar == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return nil
  }
}
