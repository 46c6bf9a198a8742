/// A readable, diffable text form of a grid for golden files: every row between `|` bars (so
/// trailing spaces show), then one line per run of cells that share a non-plain style.
extension Grid {
  public func snapshotText() -> String {
    var out = "size \(width)x\(height)\n"
    for line in lines() { out += "|\(line)|\n" }
    out += "styles\n"
    for y in 0..<height {
      var x = 0
      while x < width {
        let style = self[x, y].style
        var end = x + 1
        while end < width && self[end, y].style == style { end += 1 }
        if style != .plain { out += "  \(y):\(x)-\(end - 1) \(Grid.describe(style))\n" }
        x = end
      }
    }
    return out
  }

  static func describe(_ style: Style) -> String {
    var parts: [String] = []
    if let fg = style.foreground { parts.append("fg=\(describe(fg))") }
    if let bg = style.background { parts.append("bg=\(describe(bg))") }
    let names: [(Modifiers, String)] = [
      (.bold, "bold"), (.dim, "dim"), (.italic, "italic"), (.underline, "underline"), (.reverse, "reverse"),
    ]
    for (flag, name) in names where style.modifiers.contains(flag) { parts.append(name) }
    return parts.joined(separator: " ")
  }

  static func describe(_ color: Color) -> String {
    switch color {
    case .terminalDefault: return "default"
    case .indexed(let i): return "\(i)"
    case .rgb(let r, let g, let b):
      let hex = [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
      return "#\(hex)"
    }
  }
}
