import ConfigDiagnostics
import TOMLKit

/// TOML text to a `RawNode` tree: TOMLKit parses, `TOMLScanner` adds positions and file order.
enum TOMLSource {
  static func parse(_ text: String, file: String) throws(PlanError) -> RawNode {
    let scanner = TOMLScanner.scan(text)
    if let problem = scanner.problem {
      throw PlanError(
        file: file, line: problem.point.line, column: problem.point.column, message: problem.message)
    }
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw PlanError(
        file: file, line: error.source.begin.line, column: error.source.begin.column,
        message: "invalid TOML: \(error.description)")
    } catch {
      throw PlanError(file: file, message: "invalid TOML")
    }
    return RawNode(
      kind: convert(table, path: "", points: scanner.points), point: SourcePoint(line: 1, column: 1))
  }

  private static func convert(_ table: TOMLTable, path: String, points: [String: SourcePoint]) -> RawNode.Kind
  {
    var entries: [RawEntry] = []
    for (key, value) in table {
      let childPath = KeyPath.child(path, key)
      let point = points[childPath]
      entries.append(RawEntry(key: key, point: point, value: node(value, path: childPath, points: points)))
    }
    // toml++ keeps keys sorted; the file's order is the order of their positions.
    entries.sort { a, b in
      switch (a.point, b.point) {
      case let (x?, y?): x < y
      case (_?, nil): true
      default: false
      }
    }
    return .table(entries)
  }

  private static func node(
    _ value: TOMLValueConvertible, path: String, points: [String: SourcePoint]
  ) -> RawNode {
    let point = points[path]
    switch value.type {
    case .string: return RawNode(kind: .string(value.string ?? ""), point: point)
    case .int: return RawNode(kind: value.int.map { .integer($0) } ?? .other("an integer"), point: point)
    case .double: return RawNode(kind: .float(value.double ?? .nan), point: point)
    case .bool: return RawNode(kind: .bool(value.bool ?? false), point: point)
    case .date: return RawNode(kind: .other("a date"), point: point)
    case .time: return RawNode(kind: .other("a time"), point: point)
    case .dateTime: return RawNode(kind: .other("a date-time"), point: point)
    case .table:
      guard let table = value.table else { return RawNode(kind: .other("a table"), point: point) }
      return RawNode(kind: convert(table, path: path, points: points), point: point)
    case .array:
      guard let array = value.array else { return RawNode(kind: .other("an array"), point: point) }
      var items: [RawNode] = []
      for (index, item) in array.enumerated() {
        items.append(node(item, path: KeyPath.index(path, index), points: points))
      }
      return RawNode(kind: .array(items), point: point)
    }
  }
}
