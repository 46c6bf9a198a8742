/// The bottom line listing keys: each key highlighted, its action plain, as many as fit.
public struct KeyBar: Widget {
  public var entries: [(key: String, action: String)]
  public var keyStyle: Style
  public var actionStyle: Style
  /// Right-aligned text such as a transient message.
  public var status: Span?

  public init(
    entries: [(key: String, action: String)], keyStyle: Style, actionStyle: Style, status: Span? = nil
  ) {
    self.entries = entries
    self.keyStyle = keyStyle
    self.actionStyle = actionStyle
    self.status = status
  }

  public func render(in area: Rect, to grid: inout Grid) {
    guard !area.isEmpty else { return }
    var statusWidth = 0
    if let status, !status.text.isEmpty {
      let text = DisplayWidth.truncate(status.text, to: max(0, area.width / 2))
      statusWidth = DisplayWidth.of(text)
      grid.write(text, x: area.maxX - statusWidth, y: area.y, style: status.style)
    }
    let limit = area.maxX - (statusWidth > 0 ? statusWidth + 1 : 0)
    var x = area.x
    for entry in entries {
      let needed = DisplayWidth.of(entry.key) + DisplayWidth.of(entry.action) + 3
      if x + needed > limit { break }
      x += grid.write(" \(entry.key) ", x: x, y: area.y, style: keyStyle)
      x += grid.write(entry.action, x: x, y: area.y, style: actionStyle)
      x += 1
    }
  }
}
