import LogValues
import TerminalUI
import Theme
import Vocabulary

/// The server-log panel: a title rule with the panel's state (following or scrolled, filter,
/// dropped lines), one line per source that is in trouble, and the entries, newest at the
/// bottom. Folded blocks show their last line; Enter opens them.
struct LogPanelView: Widget {
  let model: DashboardModel
  let logs: LogSnapshot

  func render(in area: Rect, to grid: inout Grid) {
    guard area.height > 1 else { return }
    let state = model.state.logPanel
    let (titleRow, rest) = area.splitTop(1)
    grid.render(title(state), in: titleRow)
    var body = rest.inset(horizontal: 1, vertical: 0)

    let problems = logs.sources.compactMap { source in source.problem.map { (source.name, $0) } }
    for (name, problem) in problems.prefix(max(0, body.height - 3)) {
      let (row, below) = body.splitTop(1)
      grid.render(
        Paragraph([[Span("\(name): \(problem)", style: model.style(.warning))]]), in: row)
      body = below
    }
    let layout = LogPanelRows.Layout(width: body.width, sources: logs.sources.map(\.name))
    let visible = LogPanelRows.visible(logs, state: state, height: body.height, layout: layout)
    let highlight = state.focused ? model.style(.selection) : nil
    var rows: [LogView.Row] = []
    for entry in visible.entries {
      let selected = entry.id == visible.selected && highlight != nil
      var first = true
      for line in lines(of: entry, expanded: state.expanded.contains(entry.id)) {
        var spans: [Span] = []
        if first, let name = layout.prefix(entry.source) {
          spans.append(Span(name, style: model.style(.muted)))
        }
        spans.append(contentsOf: line)
        for (i, row) in layout.wrap(spans, firstRow: first, style: model.style(.muted)).enumerated() {
          rows.append(LogView.Row(row, highlight: selected && first && i == 0 ? highlight : nil))
        }
        first = false
      }
    }
    if rows.isEmpty {
      let text = LogFilter(state).isActive ? "no lines match" : "no log lines yet"
      rows.append(LogView.Row([Span(text, style: model.style(.muted))]))
    }
    grid.render(LogView(rows: rows), in: body)
  }

  private func title(_ state: LogPanelState) -> TitleRule {
    var title = [
      Span("Logs", style: model.style(.title).adding(state.focused ? [.bold, .reverse] : [.bold]))
    ]
    if logs.sources.count > 1 {
      title.append(Span(" \(logs.sources.count) sources", style: model.style(.muted)))
    }
    var legend: [Span] = []
    func add(_ text: String, _ role: ThemeRole) {
      if !legend.isEmpty { legend.append(Span(" ")) }
      legend.append(Span(text, style: model.style(role)))
    }
    if let filter = state.filter, !filter.isEmpty { add("/\(filter)/", .keyHint) }
    if state.errorsOnly { add("errors only", .keyHint) }
    if logs.droppedForDisplay > 0 {
      add("dropped \(CountText.format(Double(logs.droppedForDisplay)))", .muted)
    }
    if state.isFollowing {
      add("following", .good)
    } else {
      let newer = LogPanelRows.newer(than: state.anchor, in: logs, state: state)
      add(
        "scrolled \(model.symbols == .unicode ? "↑" : "^")\(CountText.format(Double(newer))) · End", .warning)
    }
    return TitleRule(title: title, legend: legend, ruleStyle: model.style(.border), symbols: model.symbols)
  }

  /// The rows of one entry: its headline (folded) or every line (expanded).
  private func lines(of entry: LogEntry, expanded: Bool) -> [Line] {
    let event = entry.event
    let style = style(of: entry)
    let unicode = model.symbols == .unicode
    switch entry.kind {
    case .notice:
      return [[Span((unicode ? "— " : "-- ") + event.headline, style: style)]]
    case .history, .live:
      guard event.isBlock else { return [[Span(event.headline, style: style)]] }
      let hidden = event.lines.count - 1 + event.omittedLines
      if !expanded {
        return [
          [
            Span(unicode ? "▸ " : "> ", style: model.style(.keyHint)), Span(event.headline, style: style),
            Span(" +\(hidden)", style: model.style(.muted)),
          ]
        ]
      }
      var out: [Line] = [
        [Span(unicode ? "▾ " : "v ", style: model.style(.keyHint)), Span(event.headline, style: style)]
      ]
      for line in event.lines {
        out.append([Span("  " + line, style: line == event.headline ? style : model.style(.text))])
      }
      if event.omittedLines > 0 {
        out.append([Span("  … \(event.omittedLines) more lines", style: model.style(.muted))])
      }
      return out
    }
  }

  private func style(of entry: LogEntry) -> Style {
    switch entry.kind {
    case .history: return model.style(.muted)
    case .notice: return model.style(entry.event.level == .warning ? .warning : .muted)
    case .live:
      if entry.event.errorClass != nil && (entry.event.level ?? .error) < .error {
        return model.style(.logError)
      }
      switch entry.event.level {
      case .debug: return model.style(.logDebug)
      case .info: return model.style(.logInfo)
      case .warning: return model.style(.logWarning)
      case .error: return model.style(.logError)
      case .critical: return model.style(.logCritical)
      case nil: return model.style(entry.event.errorClass == nil ? .text : .logError)
      }
    }
  }
}

/// Which entries the panel shows for a height, and how scrolling moves through them. Pure, so
/// the key handling and the view agree on what "one line up" means.
enum LogPanelRows {
  struct Visible {
    /// Oldest first.
    var entries: [LogEntry]
    /// The entry at the bottom: the anchor when scrolled, else the newest shown.
    var selected: UInt64?
  }

  /// How entries become rows at a width: the source prefix, and wrapping long lines onto at most
  /// `maximumRows` rows (log lines put the interesting part last: status, exception).
  struct Layout {
    var width: Int
    var sources: [String]
    static let maximumRows = 3
    static let continuation = "  "

    func prefix(_ source: Int) -> String? {
      sources.count > 1 && source < sources.count ? sources[source] + " " : nil
    }

    /// Rows of one line; continuation rows are indented, the last one ends in `…` if cut.
    func wrap(_ spans: Line, firstRow: Bool, style: Style) -> [Line] {
      guard width > 4 else { return [spans] }
      var rows: [Line] = [[]]
      var used = 0
      for span in spans {
        var rest = Substring(span.text)
        while !rest.isEmpty {
          let room = width - used
          var (piece, pieceWidth) = DisplayWidth.prefix(String(rest), fitting: room)
          // Break after a space when one is in the second half of the row, so words stay whole.
          if piece.count < rest.count, rows.count < Self.maximumRows, let space = piece.lastIndex(of: " "),
            DisplayWidth.of(piece[...space]) > room / 2
          {
            piece = piece[...space]
            pieceWidth = DisplayWidth.of(piece)
          }
          if !piece.isEmpty {
            rows[rows.count - 1].append(Span(String(piece), style: span.style))
            used += pieceWidth
            rest = rest.dropFirst(piece.count)
          }
          if rest.isEmpty { break }
          if rows.count == Self.maximumRows {
            var last = rows[rows.count - 1]
            if var tail = last.popLast() {
              tail.text = String(tail.text.dropLast()) + "…"
              last.append(tail)
            }
            rows[rows.count - 1] = last
            return rows
          }
          rows.append([Span(Self.continuation, style: style)])
          used = Self.continuation.count
        }
      }
      return rows
    }

    /// Rows a line of this display width takes.
    func rowCount(columns: Int) -> Int {
      guard width > 4, columns > width else { return 1 }
      let rest = columns - width
      let perRow = width - Self.continuation.count
      return min(Self.maximumRows, 1 + (rest + perRow - 1) / perRow)
    }
  }

  /// The entries that fill `height` rows ending at the anchor (or the newest).
  static func visible(
    _ logs: LogSnapshot, state: LogPanelState, height: Int, layout: Layout? = nil
  ) -> Visible {
    let filter = LogFilter(state)
    var picked: [LogEntry] = []
    var rows = 0
    var selected: UInt64?
    for entry in logs.entries.reversed() {
      if let anchor = state.anchor, entry.id > anchor { continue }
      guard filter.matches(entry) else { continue }
      if selected == nil { selected = entry.id }
      picked.append(entry)
      rows += rowCount(entry, expanded: state.expanded.contains(entry.id), layout: layout)
      if rows >= height { break }
    }
    return Visible(entries: picked.reversed(), selected: selected)
  }

  /// Matching entries newer than the anchor: how far the view is from the live edge.
  static func newer(than anchor: UInt64?, in logs: LogSnapshot, state: LogPanelState) -> Int {
    guard let anchor else { return 0 }
    let filter = LogFilter(state)
    var count = 0
    for entry in logs.entries.reversed() {
      if entry.id <= anchor { break }
      if filter.matches(entry) { count += 1 }
    }
    return count
  }

  /// The anchor after moving `delta` matching entries (negative = back in time); nil when the
  /// move reaches the newest entry, which means following again.
  static func scrolled(_ logs: LogSnapshot, state: LogPanelState, by delta: Int) -> UInt64? {
    let filter = LogFilter(state)
    let ids = logs.entries.filter(filter.matches).map(\.id)
    guard let newest = ids.last else { return nil }
    let current = state.anchor.flatMap { anchor in ids.lastIndex { $0 <= anchor } } ?? ids.count - 1
    let target = min(max(0, current + delta), ids.count - 1)
    return ids[target] == newest ? nil : ids[target]
  }

  /// The oldest matching entry, for Home.
  static func oldest(_ logs: LogSnapshot, state: LogPanelState) -> UInt64? {
    let filter = LogFilter(state)
    return logs.entries.first(where: filter.matches)?.id
  }

  /// The block Enter opens or closes: the selected entry if it is one, else the nearest block
  /// above it on screen.
  static func blockToToggle(_ logs: LogSnapshot, state: LogPanelState, height: Int) -> UInt64? {
    let shown = visible(logs, state: state, height: height).entries
    return shown.reversed().first { $0.event.isBlock && $0.kind != .notice }?.id
  }

  static func rowCount(_ entry: LogEntry, expanded: Bool, layout: Layout?) -> Int {
    let prefix = layout?.prefix(entry.source).map { DisplayWidth.of($0) } ?? 0
    func rows(_ text: String, extra: Int) -> Int {
      layout?.rowCount(columns: prefix + extra + DisplayWidth.of(text)) ?? 1
    }
    guard expanded, entry.event.isBlock else {
      // Folded blocks add "▸ " and " +N".
      return rows(entry.event.headline, extra: entry.event.isBlock ? 8 : (entry.kind == .notice ? 2 : 0))
    }
    return rows(entry.event.headline, extra: 2) + entry.event.lines.reduce(0) { $0 + rows($1, extra: 2) }
      + (entry.event.omittedLines > 0 ? 1 : 0)
  }
}
