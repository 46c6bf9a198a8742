/// Key paths as messages show them: `ramp.step`, `requests[0].headers.Authorization`,
/// `thresholds.checks[1]`; a key that is not a bare word is quoted: `headers."X.Trace"`.
public enum KeyPath {
  public static func child(_ parent: String, _ key: String) -> String {
    let part = isBare(key) ? key : quote(key)
    return parent.isEmpty ? part : "\(parent).\(part)"
  }

  public static func index(_ parent: String, _ index: Int) -> String {
    "\(parent)[\(index)]"
  }

  /// The enclosing path: `a.b[2]` -> `a.b`, `a.b` -> `a`, `a` -> nil.
  public static func parent(of path: String) -> String? {
    guard !path.isEmpty else { return nil }
    var inQuote = false
    var escaped = false
    var cut: String.Index?
    for index in path.indices {
      let c = path[index]
      if inQuote {
        if escaped {
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          inQuote = false
        }
      } else if c == "\"" {
        inQuote = true
      } else if c == "." || c == "[" {
        cut = index
      }
    }
    guard let cut else { return nil }
    return String(path[..<cut])
  }

  /// Whether `key` is `path` or lies inside it (`a.b` is a prefix of `a.b`, `a.b.c`, `a.b[0]`).
  public static func isPrefix(_ path: String, of key: String) -> Bool {
    guard key.hasPrefix(path) else { return false }
    let rest = key.utf8.dropFirst(path.utf8.count)
    guard let next = rest.first else { return true }
    return next == UInt8(ascii: ".") || next == UInt8(ascii: "[")
  }

  /// The index in `key` right after `path`: `a[3].b` after `a` -> 3.
  public static func index(after path: String, in key: String) -> Int? {
    guard key.hasPrefix(path) else { return nil }
    let rest = key.utf8.dropFirst(path.utf8.count)
    guard rest.first == UInt8(ascii: "["), let close = rest.firstIndex(of: UInt8(ascii: "]")) else {
      return nil
    }
    return Int(String(decoding: rest[rest.index(after: rest.startIndex)..<close], as: UTF8.self))
  }

  public static func isBare(_ key: String) -> Bool {
    !key.isEmpty
      && key.unicodeScalars.allSatisfy { s in
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_" || s == "-"
      }
  }

  private static func quote(_ key: String) -> String {
    var out = "\""
    for scalar in key.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

/// The known key nearest to a misspelt one, for "did you mean".
public enum KeySuggestion {
  public static func nearest(to key: String, in known: [String]) -> String? {
    let target = Array(key.lowercased().unicodeScalars)
    guard target.count <= 64 else { return nil }
    var best: (key: String, distance: Int)?
    for candidate in known {
      let distance = editDistance(target, Array(candidate.unicodeScalars))
      let allowed = max(1, min(3, candidate.count / 3))
      if distance <= allowed, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.key
  }

  /// Edit distance counting an adjacent transposition as one edit (`stpe` -> `step`).
  private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
          table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
}
