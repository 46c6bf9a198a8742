import ConfigDiagnostics

/// A plan file that cannot be used. `description` is one line:
/// `plan.toml:12:3: requests[0].weight: must be an integer from 1 to 1000000, got -1`, with the
/// position and the key when they are known. It never holds a value substituted from the
/// environment.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var column: Int?
  /// The key path, as in `location(of:)`; `nil` for errors about the whole file or its syntax.
  public var key: String?
  public var message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.key = key
    self.message = message
  }

  public var description: String {
    ConfigLocation(file: file, line: line, column: column, key: key).describe(message)
  }
}
