/// Where in a configuration file (a plan, a theme) something is wrong, and the one line that says
/// so: `plan.toml:12:3: requests[0].weight: must be an integer from 1 to 1000000, got -1`, with the
/// position and the key when they are known, made safe for a terminal by `OneLine`.
public struct ConfigLocation: Sendable, Equatable {
  public var file: String
  public var line: Int?
  public var column: Int?
  /// The key path (`roles.tps.fg`), when the message does not name it already.
  public var key: String?

  public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.key = key
  }

  public init(file: String, at point: SourcePoint?, key: String? = nil) {
    self.init(file: file, line: point?.line, column: point?.column, key: key)
  }

  public func describe(_ message: String) -> String {
    var text = file
    if let line {
      text += ":\(line)"
      if let column { text += ":\(column)" }
    }
    if let key { text += ": \(key)" }
    return OneLine.make(text + ": \(message)")
  }
}
