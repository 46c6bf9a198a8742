import ConfigDiagnostics

/// A light pass over YAML text before Yams composes it (Yams builds nodes recursively, and
/// libyaml alone allows 1000 levels). It estimates the nesting depth from indentation, compact
/// entries (`- - a`) and flow brackets, and finds aliases (`*name`), which would let a small file
/// expand into a huge tree. Quotes, comments, block scalars and plain continuation lines are
/// understood well enough for the estimate; libyaml's own limit remains behind it.
struct YAMLScanner {
  enum Problem: Equatable {
    case tooDeep(SourcePoint)
    case alias(SourcePoint)
  }

  static let limit = 64

  private(set) var problem: Problem?
  private var indents: [Int] = []
  private var flow = 0
  private var quote: Unicode.Scalar?
  private var blockScalarParent: Int?
  private var plainOwner: Int?

  static func scan(_ text: String) -> YAMLScanner {
    var scanner = YAMLScanner()
    var lineNumber = 0
    var line: [Unicode.Scalar] = []
    var scalars = text.unicodeScalars.makeIterator()
    var more = true
    while more, scanner.problem == nil {
      line.removeAll(keepingCapacity: true)
      more = false
      while let c = scalars.next() {
        if c == "\n" {
          more = true
          break
        }
        line.append(c)
      }
      if line.last == "\r" { line.removeLast() }
      lineNumber += 1
      scanner.scanLine(line, number: lineNumber)
    }
    return scanner
  }

  private mutating func depthCheck(_ line: Int, _ column: Int) {
    if problem == nil, indents.count * 2 + flow > Self.limit {
      problem = .tooDeep(SourcePoint(line: line, column: column + 1))
    }
  }

  private mutating func scanLine(_ s: [Unicode.Scalar], number: Int) {
    var p = 0
    if let open = quote {
      guard let end = closingQuote(open, in: s, from: 0) else { return }
      quote = nil
      p = end
      scanRest(s, from: p, number: number, expectNode: false, entryColumn: indents.last ?? 0)
      return
    }
    var indent = 0
    while indent < s.count, s[indent] == " " { indent += 1 }
    let blank = indent == s.count || s[indent] == "#" || (s[indent...].allSatisfy { $0 == " " || $0 == "\t" })
    let marker =
      s.count >= 3
      && ((s[0] == "-" && s[1] == "-" && s[2] == "-") || (s[0] == "." && s[1] == "." && s[2] == "."))
      && (s.count == 3 || s[3] == " " || s[3] == "\t")
    if let parent = blockScalarParent {
      if !marker && (blank || indent > parent) { return }
      blockScalarParent = nil
    }
    if blank { return }
    var entryColumn = indent
    if flow == 0 {
      if !marker, let owner = plainOwner, indent > owner { return }
      plainOwner = nil
      if marker {
        indents.removeAll()
        if s[0] == "." { return }
        p = 3
        entryColumn = -1
      } else {
        while let last = indents.last, last > indent { indents.removeLast() }
        if indents.last != indent { indents.append(indent) }
        p = indent
      }
      depthCheck(number, indent)
    } else {
      p = indent
    }
    scanRest(s, from: p, number: number, expectNode: true, entryColumn: entryColumn)
  }

  private mutating func scanRest(
    _ s: [Unicode.Scalar], from start: Int, number: Int, expectNode startExpecting: Bool,
    entryColumn start2: Int
  ) {
    var p = start
    var expectNode = startExpecting
    var entryColumn = start2
    var nodeStart = p
    var plain = false
    func spaceOrEnd(_ q: Int) -> Bool { q >= s.count || s[q] == " " || s[q] == "\t" }
    while p < s.count, problem == nil {
      let c = s[p]
      if c == " " || c == "\t" {
        p += 1
        continue
      }
      if c == "#" && (p == 0 || s[p - 1] == " " || s[p - 1] == "\t") { break }
      if expectNode {
        nodeStart = p
        if (c == "-" || c == "?" || c == ":") && spaceOrEnd(p + 1) {
          if flow == 0 {
            entryColumn = p
            if c != ":" && p > (indents.last ?? -1) {
              indents.append(p)
              depthCheck(number, p)
            }
          }
          p += 1
          continue
        }
        switch c {
        case "[", "{":
          flow += 1
          depthCheck(number, p)
          p += 1
          continue
        case "]", "}":
          if flow > 0 { flow -= 1 }
          expectNode = false
          p += 1
          continue
        case ",":
          p += 1
          continue
        case "*":
          problem = .alias(SourcePoint(line: number, column: p + 1))
          return
        case "&", "!":
          while p < s.count, !spaceOrEnd(p), !(flow > 0 && ",[]{}".unicodeScalars.contains(s[p])) { p += 1 }
          continue
        case "'", "\"":
          guard let end = closingQuote(c, in: s, from: p + 1) else {
            quote = c
            return
          }
          p = end
          expectNode = false
          plain = false
          continue
        case "|", ">":
          if flow == 0 {
            blockScalarParent = entryColumn
            return
          }
        default:
          break
        }
        expectNode = false
        plain = true
        p += 1
        continue
      }
      // Inside or after a scalar.
      if flow > 0 {
        switch c {
        case ",", ":":
          expectNode = true
          plain = false
        case "[", "{":
          flow += 1
          depthCheck(number, p)
          expectNode = true
        case "]", "}":
          flow -= 1
          plain = false
        default:
          break
        }
        p += 1
        continue
      }
      if c == ":" && spaceOrEnd(p + 1) {
        // A key ended: its value belongs to a mapping at the key's column.
        entryColumn = nodeStart
        if nodeStart > (indents.last ?? -1) {
          indents.append(nodeStart)
          depthCheck(number, nodeStart)
        }
        expectNode = true
        plain = false
      }
      p += 1
    }
    if flow == 0 && plain && !expectNode { plainOwner = entryColumn }
  }

  /// The index after the quote that closes a scalar opened with `open`, or nil when the line ends
  /// first. `''` inside single quotes and backslash escapes inside double quotes do not close it.
  private func closingQuote(_ open: Unicode.Scalar, in s: [Unicode.Scalar], from start: Int) -> Int? {
    var q = start
    while q < s.count {
      let c = s[q]
      if open == "\"" && c == "\\" {
        q += 2
        continue
      }
      if c == open {
        if open == "'" && q + 1 < s.count && s[q + 1] == "'" {
          q += 2
          continue
        }
        return q + 1
      }
      q += 1
    }
    return nil
  }
}
