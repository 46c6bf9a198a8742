import ConfigDiagnostics

/// Why a theme could not be used. Its description is one line that names the file, with its line
/// and column as plan files' errors give them (`theme t.toml:2:1: ...`) when the problem has a
/// place, and what would have been accepted, because rampart prints it and exits with code 2
/// before any request is sent.
public struct ThemeError: Error, Hashable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// Not TOML at all; TOMLKit gives the line and column.
    case syntax
    /// A key rampart does not know: a table other than [meta]/[roles], a meta key, a role, a field.
    case unknownKey
    /// A colour string that is none of "#RRGGBB", an ANSI name or "default".
    case badColor
    /// A palette index outside 0-255.
    case colorOutOfRange
    /// A modifier other than bold, dim, italic, underline, reverse.
    case badModifier
    /// A value of the wrong TOML type, such as `fg = true` or `modifiers = "bold"`.
    case wrongType
    /// The file is missing, a directory, unreadable or not UTF-8.
    case unreadable
    /// The file holds no settings.
    case empty
    /// No theme in the catalog has the name asked for.
    case notFound
    /// Two files in the theme directory give the same `meta.name`.
    case duplicateName
  }

  public let kind: Kind
  /// The file, or for `.notFound` the name asked for.
  public let file: String
  public let line: Int?
  public let column: Int?
  /// What is wrong and what is accepted, without the file and line.
  public let message: String

  public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, message: String) {
    self.kind = kind
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    guard line != nil else { return "theme '\(file)': \(message)" }
    return "theme " + ConfigLocation(file: file, line: line, column: column).describe(message)
  }
}
