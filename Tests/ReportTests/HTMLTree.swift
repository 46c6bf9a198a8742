import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The report parsed back for the tests. The report is generated as well-formed markup (Plot
/// closes every element and self-closes void ones), so a strict XML parser reads it: a parse
/// failure is itself a finding (a stray `<` or `&` from a log line would be one).
final class HTMLNode {
  enum Item {
    case element(HTMLNode)
    case text(String)
  }

  let name: String
  let attributes: [String: String]
  private(set) var items: [Item] = []

  init(name: String, attributes: [String: String]) {
    self.name = name
    self.attributes = attributes
  }

  func append(_ item: Item) {
    if case .text(let more) = item, case .text(let text)? = items.last {
      items[items.count - 1] = .text(text + more)
    } else {
      items.append(item)
    }
  }

  var children: [HTMLNode] {
    items.compactMap { if case .element(let node) = $0 { node } else { nil } }
  }

  var id: String? { attributes["id"] }
  var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
  func has(class name: String) -> Bool { classes.contains(name) }

  /// Every text below this node, in document order.
  var textContent: String {
    items.map { item in
      switch item {
      case .text(let text): text
      case .element(let node): node.textContent
      }
    }.joined()
  }

  /// Every element below this node (not itself), in document order.
  var descendants: [HTMLNode] { children.flatMap { [$0] + $0.descendants } }

  func all(_ name: String, class className: String? = nil) -> [HTMLNode] {
    descendants.filter { node in node.name == name && (className.map { node.has(class: $0) } ?? true) }
  }

  func first(id: String) -> HTMLNode? { descendants.first { $0.id == id } }
}

enum HTMLTree {
  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  /// The document's root node (a synthetic "#document" holding `<html>`).
  static func parse(_ html: String) throws -> HTMLNode {
    let builder = Builder()
    let parser = XMLParser(data: Data(html.utf8))
    parser.delegate = builder
    parser.shouldResolveExternalEntities = false
    guard parser.parse() else {
      throw ParseError(
        description: "line \(parser.lineNumber) column \(parser.columnNumber): "
          + "\(parser.parserError.map { "\($0)" } ?? "parse error")")
    }
    return builder.root
  }

  private final class Builder: NSObject, XMLParserDelegate {
    let root = HTMLNode(name: "#document", attributes: [:])
    lazy var stack: [HTMLNode] = [root]

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      let node = HTMLNode(name: elementName, attributes: attributes)
      stack.last?.append(.element(node))
      stack.append(node)
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
      stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.append(.text(string))
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
      stack.last?.append(.text(String(decoding: block, as: UTF8.self)))
    }
  }
}
