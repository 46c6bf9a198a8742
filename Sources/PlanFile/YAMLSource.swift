import ConfigDiagnostics
import Yams

/// YAML text to a `RawNode` tree. Scalars are typed as YAML 1.2's core schema does (so `yes` and
/// `on` are strings, not booleans, and `1:30` is not a number): plain `true`/`false`, integers,
/// floats and `null`/`~`/empty; quoted and block scalars are strings.
enum YAMLSource {
  static func parse(_ text: String, file: String) throws(PlanError) -> RawNode {
    let scanner = YAMLScanner.scan(text)
    switch scanner.problem {
    case .tooDeep(let at)?:
      throw PlanError(
        file: file, line: at.line, column: at.column,
        message: "nesting deeper than \(YAMLScanner.limit) levels")
    case .alias(let at)?:
      throw PlanError(
        file: file, line: at.line, column: at.column, message: "YAML aliases (*name) are not supported")
    case nil:
      break
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text, Resolver.basic, Constructor.default, .utf8)
    } catch let error as YamlError {
      throw planError(error, file: file, text: text)
    } catch {
      throw PlanError(file: file, message: "invalid YAML")
    }
    guard let root else { return RawNode(kind: .table([]), point: SourcePoint(line: 1, column: 1)) }
    return try convert(root, file: file, depth: 0)
  }

  private static func point(_ mark: Mark?) -> SourcePoint? {
    mark.map { SourcePoint(line: $0.line, column: $0.column) }
  }

  private static func convert(_ node: Node, file: String, depth: Int) throws(PlanError) -> RawNode {
    let at = point(node.mark)
    guard depth <= YAMLScanner.limit * 2 else {
      throw PlanError(
        file: file, line: at?.line, column: at?.column,
        message: "nesting deeper than \(YAMLScanner.limit) levels")
    }
    switch node {
    case .scalar(let scalar):
      return RawNode(kind: try kind(of: scalar, file: file), point: at)
    case .mapping(let mapping):
      var entries: [RawEntry] = []
      for (key, value) in mapping {
        guard case .scalar(let keyScalar) = key else {
          let keyAt = point(key.mark)
          throw PlanError(
            file: file, line: keyAt?.line, column: keyAt?.column, message: "keys must be plain strings")
        }
        entries.append(
          RawEntry(
            key: keyScalar.string, point: point(key.mark),
            value: try convert(value, file: file, depth: depth + 1)))
      }
      return RawNode(kind: .table(entries), point: at)
    case .sequence(let sequence):
      var items: [RawNode] = []
      for item in sequence { items.append(try convert(item, file: file, depth: depth + 1)) }
      return RawNode(kind: .array(items), point: at)
    case .alias:
      throw PlanError(
        file: file, line: at?.line, column: at?.column, message: "YAML aliases (*name) are not supported")
    }
  }

  private static func kind(of scalar: Node.Scalar, file: String) throws(PlanError) -> RawNode.Kind {
    let tag = scalar.tag.rawValue
    if tag == Tag.Name.str.rawValue || tag == "!" { return .string(scalar.string) }
    guard tag.isEmpty || tag == Tag.Name.implicit.rawValue else {
      let at = point(scalar.mark)
      throw PlanError(
        file: file, line: at?.line, column: at?.column,
        message: "YAML tags other than !!str are not supported")
    }
    guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
    return plainKind(scalar.string)
  }

  /// The YAML 1.2 core schema's reading of a plain scalar.
  static func plainKind(_ text: String) -> RawNode.Kind {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
    case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
    case ".nan", ".NaN", ".NAN": return .float(.nan)
    default: break
    }
    let scalars = Array(text.unicodeScalars)
    var body = scalars[...]
    if let first = body.first, first == "-" || first == "+" { body = body.dropFirst() }
    func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    if !body.isEmpty && body.allSatisfy(isDigit) {
      if let value = Int(text) { return .integer(value) }
      return .hugeInteger(text)
    }
    if text.hasPrefix("0x"), text.count > 2, let value = Int(text.dropFirst(2), radix: 16) {
      return .integer(value)
    }
    if text.hasPrefix("0o"), text.count > 2, let value = Int(text.dropFirst(2), radix: 8) {
      return .integer(value)
    }
    if isFloat(body), let value = Double(text) { return .float(value) }
    return .string(text)
  }

  /// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
  private static func isFloat(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
    func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    var rest = s
    let whole = rest.prefix(while: isDigit)
    rest = rest.dropFirst(whole.count)
    var fraction = 0
    if rest.first == "." {
      rest = rest.dropFirst()
      fraction = rest.prefix(while: isDigit).count
      rest = rest.dropFirst(fraction)
    }
    guard whole.count + fraction > 0 else { return false }
    if let e = rest.first, e == "e" || e == "E" {
      rest = rest.dropFirst()
      if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
      let exponent = rest.prefix(while: isDigit).count
      guard exponent > 0 else { return false }
      rest = rest.dropFirst(exponent)
    }
    return rest.isEmpty
  }

  private static func planError(_ error: YamlError, file: String, text: String) -> PlanError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let detail = context.map { " \($0.text)" } ?? ""
      return PlanError(
        file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)\(detail)")
    case .reader(let problem, let offset, _, _):
      let at = offset.flatMap { point(atUTF8Offset: $0, in: text) }
      return PlanError(file: file, line: at?.line, column: at?.column, message: "invalid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.first.map { " '\($0)'" } ?? ""
      return PlanError(
        file: file, line: context.mark.line, column: context.mark.column, message: "duplicate key\(key)")
    case .memory:
      return PlanError(file: file, message: "invalid YAML: out of memory")
    default:
      return PlanError(file: file, message: "invalid YAML")
    }
  }

  private static func point(atUTF8Offset offset: Int, in text: String) -> SourcePoint? {
    var line = 1
    var column = 1
    var consumed = 0
    for scalar in text.unicodeScalars {
      if consumed >= offset { return SourcePoint(line: line, column: column) }
      consumed += UTF8.width(scalar)
      if scalar == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return consumed >= offset ? SourcePoint(line: line, column: column) : nil
  }
}
