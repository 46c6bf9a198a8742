import ConfigDiagnostics

/// Loads plan files: `rampart run plan.toml` (or `.yaml`/`.yml`).
///
/// Pure apart from reading the plan and its body files: it never prints and never exits. Every
/// problem is a `PlanError` whose description is one line starting with `FILE:LINE:COLUMN: KEY: `
/// when the position is known.
public enum PlanLoader {
  /// Plans larger than this are refused before parsing.
  public static let maxPlanSize = 1024 * 1024

  /// Reads, parses and validates the plan at `path`. Its format comes from the extension
  /// (`.toml`, `.yaml`, `.yml`); `body_file` is relative to its directory. `environment` is
  /// what `${env:NAME}` reads (pass `ProcessInfo.processInfo.environment`).
  public static func load(
    path: String, environment: [String: String], allowOutsideFiles: Bool = false
  ) throws(PlanError) -> PlanDocument {
    guard let format = PlanFormat(path: path) else {
      throw PlanError(file: path, message: "unsupported plan file type: use .toml, .yaml or .yml")
    }
    let bytes: [UInt8]
    do throws(FileAccess.Failure) {
      switch try FileAccess.status(path) {
      case .missing: throw FileAccess.Failure(message: "no such plan file")
      case .notRegular: throw FileAccess.Failure(message: "not a regular file")
      case .regular(let size) where size > maxPlanSize:
        throw FileAccess.Failure(message: "the plan file is larger than 1 MiB (\(size) bytes)")
      case .regular:
        bytes = try FileAccess.readAll(path, limit: maxPlanSize)
      }
    } catch {
      let message = error.message.hasPrefix("larger") ? "the plan file is \(error.message)" : error.message
      throw PlanError(file: path, message: message)
    }
    let text = try decode(bytes, file: path)
    return try parse(
      text: text, path: path, format: format, environment: environment,
      baseDirectory: directory(of: path), allowOutsideFiles: allowOutsideFiles)
  }

  /// Parses and validates plan text; `path` names it in messages and `baseDirectory` is where
  /// `body_file` paths start.
  public static func parse(
    text: String, path: String, format: PlanFormat, environment: [String: String],
    baseDirectory: String = ".", allowOutsideFiles: Bool = false
  ) throws(PlanError) -> PlanDocument {
    if text.utf8.count > maxPlanSize {
      throw PlanError(file: path, message: "the plan file is larger than 1 MiB (\(text.utf8.count) bytes)")
    }
    var body = Substring(text)
    if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
    let source = String(body)
    if let nul = SourcePoint.firstNUL(in: source) {
      throw PlanError(
        file: path, line: nul.line, column: nul.column, message: "NUL characters are not allowed")
    }
    var root: RawNode
    switch format {
    case .toml: root = try TOMLSource.parse(source, file: path)
    case .yaml: root = try YAMLSource.parse(source, file: path)
    }
    var document = PlanDocument(path: path, format: format)
    root.substitute(environment: environment, secrets: &document.secrets)
    document.tree = root
    var schema = PlanSchema(
      reader: PlanReader(document: document),
      body: BodyFileReader(baseDirectory: baseDirectory, allowOutsideFiles: allowOutsideFiles))
    return try schema.apply(root)
  }

  /// The directory of a file path ("." for a bare name).
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  private static func decode(_ bytes: [UInt8], file: String) throws(PlanError) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    // Find the first invalid byte for the message.
    var line = 1
    var column = 1
    var index = 0
    while index < bytes.count {
      let width = validSequence(bytes, at: index)
      guard width > 0 else { break }
      if bytes[index] == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else {
        column += 1
      }
      index += width
    }
    throw PlanError(file: file, line: line, column: column, message: "not valid UTF-8")
  }

  /// The length of the valid UTF-8 sequence at `index`, or 0.
  private static func validSequence(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    let width: Int
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: width = 2
    case 0xE0...0xEF: width = 3
    case 0xF0...0xF4: width = 4
    default: return 0
    }
    guard index + width <= bytes.count else { return 0 }
    return String(validating: bytes[index..<index + width], as: UTF8.self) == nil ? 0 : width
  }
}
