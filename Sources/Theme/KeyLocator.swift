/// Finds the line of a key in TOML text. TOMLKit reports positions only for syntax errors, not
/// for the keys of a parsed table, so errors about values (a bad colour, an unknown role) find
/// their line here. It understands what theme files use: `[a.b]` headers, `key = value` lines,
/// dotted and quoted keys, and inline tables `role = { fg = "red" }`; `#` inside strings is not a
/// comment.
enum KeyLocator {
  /// The 1-based line that sets `path` (such as ["roles", "tps", "fg"]), or the line of the
  /// nearest enclosing key or header when the key itself sits inside an inline table or array
  /// on that line. `nil` when the text does not mention it.
  static func line(of path: [String], in text: String) -> Int? {
    var table: [String] = []
    var enclosing: Int?
    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = withoutComment(rawLine).trimmingSpaces()
      if line.isEmpty { continue }
      if line.hasPrefix("[") {
        table = splitKey(line.trimmingCharacters("[]"))
        if table == path { return offset + 1 }
        continue
      }
      guard let equals = firstOutsideQuotes("=", in: line) else { continue }
      let key = table + splitKey(line[..<equals])
      if key == path { return offset + 1 }
      if enclosing == nil && path.starts(with: key) {
        // An inline table: `tps = { fg = "#12345" }` holds roles.tps.fg on this line.
        enclosing = offset + 1
      }
    }
    return enclosing
  }

  /// `line` up to a `#` that is outside a string.
  static func withoutComment(_ line: Substring) -> Substring {
    guard let hash = firstOutsideQuotes("#", in: line) else { return line }
    return line[..<hash]
  }

  /// A dotted key split into its parts, quotes and spaces removed: `a."b.c" . d` -> a, b.c, d.
  static func splitKey(_ key: Substring) -> [String] {
    var parts: [String] = []
    var rest = key
    while let dot = firstOutsideQuotes(".", in: rest) {
      parts.append(unquoted(rest[..<dot]))
      rest = rest[rest.index(after: dot)...]
    }
    parts.append(unquoted(rest))
    return parts
  }

  private static func unquoted(_ part: Substring) -> String {
    let trimmed = part.trimmingSpaces()
    if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
      return String(trimmed.dropFirst().dropLast())
    }
    return String(trimmed)
  }

  /// The first `target` that is not inside a "basic" or 'literal' string.
  private static func firstOutsideQuotes(_ target: Character, in text: Substring) -> Substring.Index? {
    var quote: Character?
    var escaped = false
    for index in text.indices {
      let c = text[index]
      if let open = quote {
        if escaped {
          escaped = false
        } else if c == "\\" && open == "\"" {
          escaped = true
        } else if c == open {
          quote = nil
        }
      } else if c == "\"" || c == "'" {
        quote = c
      } else if c == target {
        return index
      }
    }
    return nil
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> Substring {
    trimmingCharacters(" \t\r")
  }

  fileprivate func trimmingCharacters(_ set: String) -> Substring {
    var s = self
    while let c = s.first, set.contains(c) { s = s.dropFirst() }
    while let c = s.last, set.contains(c) { s = s.dropLast() }
    return s
  }
}
