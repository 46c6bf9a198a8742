import ConfigDiagnostics
import TOMLKit
import TerminalUI

/// Turns the text of a theme file into a `ThemeDefinition`, or the one error to show for it.
///
/// The format: a `[meta]` table (`name`, `description`) and a `[roles]` table whose keys are
/// `ThemeRole` raw values, each a table of `fg`, `bg`, `modifiers` and `mono`. Any other key is an
/// error, so a typo is reported instead of silently falling back to the default.
enum ThemeFileParser {
  static func parse(_ text: String, file: String) throws(ThemeError) -> ThemeDefinition {
    if let nul = SourcePoint.firstNUL(in: text) {
      throw ThemeError(
        .syntax, file: file, line: nul.line, column: nul.column, message: "NUL characters are not allowed")
    }
    // As for plan files: TOMLKit gives no positions for the keys of a parsed table, and toml++
    // recurses through deep nesting and cuts strings at \u0000, so the scanner runs first.
    let scanner = TOMLScanner.scan(text)
    if let problem = scanner.problem {
      throw ThemeError(
        .syntax, file: file, line: problem.point.line, column: problem.point.column, message: problem.message)
    }
    let document: TOMLTable
    do {
      document = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw ThemeError(
        .syntax, file: file, line: error.source.begin.line, column: error.source.begin.column,
        message: "not valid TOML: \(error.description)")
    } catch {
      throw ThemeError(.syntax, file: file, message: "not valid TOML: \(error)")
    }
    if document.isEmpty {
      throw ThemeError(.empty, file: file, message: "file is empty; expected a [meta] and a [roles] table")
    }

    var reader = Reader()
    let definition = reader.read(document)
    // Report the problem nearest the top of the file, which is where a reader starts fixing.
    let located = reader.problems.map { ($0, position(of: $0.path, in: scanner.points)) }
    let last = SourcePoint(line: .max, column: .max)
    if let (problem, point) = located.min(by: { ($0.1 ?? last) < ($1.1 ?? last) }) {
      throw ThemeError(
        problem.kind, file: file, line: point?.line, column: point?.column, message: problem.message)
    }
    return definition
  }

  /// Where `path` is set, or the nearest enclosing key the scanner saw.
  static func position(of path: [String], in points: [String: SourcePoint]) -> SourcePoint? {
    var key: String? = path.reduce("") { KeyPath.child($0, $1) }
    while let current = key {
      if let point = points[current] { return point }
      key = KeyPath.parent(of: current)
    }
    return nil
  }
}

/// One thing wrong with a value, before its line is known.
private struct Problem {
  let kind: ThemeError.Kind
  let path: [String]
  let message: String
}

/// Walks the parsed TOML, collecting every problem rather than stopping at the first, so the
/// error shown can be the first one in the file (TOMLKit lists keys in sorted order).
private struct Reader {
  var problems: [Problem] = []

  mutating func read(_ document: TOMLTable) -> ThemeDefinition {
    var definition = ThemeDefinition()
    for key in document.keys {
      guard let value = document[key] else { continue }
      switch key {
      case "meta":
        guard let meta = table(value, path: ["meta"], example: #"[meta] with name = "..."#) else { continue }
        readMeta(meta, into: &definition)
      case "roles":
        guard let roles = table(value, path: ["roles"], example: "[roles] with one key per role") else {
          continue
        }
        readRoles(roles, into: &definition)
      default:
        report(.unknownKey, [key], "unknown key '\(key)'; expected the tables [meta] and [roles]")
      }
    }
    return definition
  }

  private mutating func readMeta(_ meta: TOMLTable, into definition: inout ThemeDefinition) {
    for key in meta.keys {
      guard let value = meta[key] else { continue }
      let path = ["meta", key]
      switch key {
      case "name":
        guard let name = value.string, !name.isEmpty else {
          let given = value.string.map { _ in "is empty" } ?? "is \(Reader.describe(value))"
          report(.wrongType, path, "meta.name \(given): expected a name such as \"nord\"")
          continue
        }
        definition.name = name
      case "description":
        guard let text = value.string else {
          report(.wrongType, path, "meta.description is \(Reader.describe(value)): expected a string")
          continue
        }
        definition.description = text
      default:
        report(.unknownKey, path, "unknown key 'meta.\(key)'; expected name or description")
      }
    }
  }

  private mutating func readRoles(_ roles: TOMLTable, into definition: inout ThemeDefinition) {
    for key in roles.keys {
      guard let value = roles[key] else { continue }
      guard let role = ThemeRole(rawValue: key) else {
        let names = ThemeRole.allCases.map(\.rawValue)
        let hint = Reader.closest(to: key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        report(
          .unknownKey, ["roles", key],
          "unknown role 'roles.\(key)'\(hint); roles are \(names.joined(separator: ", "))")
        continue
      }
      let example = #"{ fg = "cyan", mono = ["bold"] }"#
      guard let fields = table(value, path: ["roles", key], example: example) else { continue }
      definition.roles[role] = readRole(fields, key: key)
    }
  }

  private mutating func readRole(_ fields: TOMLTable, key: String) -> PartialRoleStyle {
    var style = PartialRoleStyle()
    for field in fields.keys {
      guard let value = fields[field] else { continue }
      let path = ["roles", key, field]
      switch field {
      case "fg": style.foreground = color(value, path: path)
      case "bg": style.background = color(value, path: path)
      case "modifiers": style.modifiers = modifiers(value, path: path)
      case "mono": style.mono = modifiers(value, path: path)
      default:
        report(
          .unknownKey, path,
          "unknown field '\(path.joined(separator: "."))'; expected fg, bg, modifiers or mono")
      }
    }
    return style
  }

  private mutating func color(_ value: TOMLValueConvertible, path: [String]) -> Color? {
    let name = path.joined(separator: ".")
    if let text = value.string {
      if let color = ColorSyntax.color(text) { return color }
      report(.badColor, path, "\(name) = \"\(text)\": \(ColorSyntax.expectedColor)")
    } else if let index = value.int {
      if let color = ColorSyntax.color(index: index) { return color }
      report(.colorOutOfRange, path, "\(name) = \(index): \(ColorSyntax.expectedColor)")
    } else {
      report(.wrongType, path, "\(name) is \(Reader.describe(value)): \(ColorSyntax.expectedColor)")
    }
    return nil
  }

  private mutating func modifiers(_ value: TOMLValueConvertible, path: [String]) -> Modifiers? {
    let name = path.joined(separator: ".")
    guard let array = value.array else {
      report(
        .wrongType, path,
        "\(name) is \(Reader.describe(value)): expected a list such as [\"bold\", \"underline\"]")
      return nil
    }
    var result: Modifiers = []
    for element in array {
      guard let text = element.string else {
        report(
          .wrongType, path, "\(name) holds \(Reader.describe(element)): expected modifier names as strings")
        return nil
      }
      guard let modifier = ColorSyntax.modifier(text) else {
        report(.badModifier, path, "\(name): unknown modifier \"\(text)\"; \(ColorSyntax.expectedModifier)")
        return nil
      }
      result.insert(modifier)
    }
    return result
  }

  private mutating func table(_ value: TOMLValueConvertible, path: [String], example: String) -> TOMLTable? {
    if let table = value.table { return table }
    let name = path.joined(separator: ".")
    report(.wrongType, path, "\(name) is \(Reader.describe(value)): expected a table like \(example)")
    return nil
  }

  private mutating func report(_ kind: ThemeError.Kind, _ path: [String], _ message: String) {
    problems.append(Problem(kind: kind, path: path, message: message))
  }

  /// The TOML type of `value` in words, for "got a boolean"-style messages.
  static func describe(_ value: TOMLValueConvertible) -> String {
    switch value.type {
    case .table: "a table"
    case .array: "a list"
    case .string: "a string"
    case .int: "an integer"
    case .double: "a number with a fraction"
    case .bool: "a boolean"
    case .date, .time, .dateTime: "a date or time"
    }
  }

  /// The name nearest to `word` by edit distance, if it is close enough to be a typo.
  static func closest(to word: String, in names: [String]) -> String? {
    let scored = names.map { ($0, editDistance(word.lowercased(), $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
    return best.0
  }

  /// Levenshtein distance, one row at a time.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      previous = current
    }
    return previous[b.count]
  }
}
