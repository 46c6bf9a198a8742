import Foundation
import Metrics
import RunStore
import TerminalUI
import Theme
import Vocabulary

/// Everything the compare screen shows, as values: the screen is a pure function of this.
public struct CompareModel: Sendable {
  public var comparison: RunComparison
  public var state: CompareState
  public var theme: Theme
  public var symbols: SymbolSet
  public var dots: ChartDots

  public init(
    comparison: RunComparison, state: CompareState, theme: Theme, symbols: SymbolSet, dots: ChartDots
  ) {
    self.comparison = comparison
    self.state = state
    self.theme = theme
    self.symbols = symbols
    self.dots = dots
  }

  func style(_ role: ThemeRole) -> Style { theme.style(role) }

  /// The colour of run `index` (0 = A).
  func runStyle(_ index: Int) -> Style { theme.style(CompareRoles.role(index)) }

  /// Runs on the charts, in order, with their index.
  var visibleRuns: [(index: Int, run: ComparedRun)] {
    comparison.runs.enumerated().filter { !state.hidden.contains($0.offset) }.map { ($0.offset, $0.element) }
  }
}

/// `rampart compare` on screen: a line per run (its letter in its colour, name, outcome, start),
/// four overlay charts on one x axis (time or active vusers; by time a fifth, the Target CPU lane,
/// when any run watched its target), the delta table, the notes that qualify it, and the key bar.
/// Pure: the same model and size give the same grid.
public enum CompareView {
  public static let minimumWidth = 80
  public static let minimumHeight = 24
  /// Rows the four charts keep at least before the delta table is cut.
  static let minimumChartRows = 14
  /// Rows the charts keep at least before notes are cut (notes come first: they qualify the table).
  static let chartRowsFloor = 8
  /// Charts at least this wide let the delta table sit beside them instead of under them.
  static let minimumChartWidthBesideTable = 72

  public static func render(_ model: CompareModel, width: Int, height: Int) -> Grid {
    var grid = Grid(width: width, height: height, fill: Cell(" ", style: model.style(.background)))
    guard width >= minimumWidth, height >= minimumHeight else {
      renderTooSmall(model, to: &grid)
      return grid
    }
    let runs = model.comparison.runs
    let (header, rest) = grid.area.splitTop(runs.count)
    let (body, keys) = rest.splitBottom(1)
    for (i, run) in runs.enumerated() {
      renderRunLine(
        run, index: i, model: model, in: Rect(x: 0, y: header.y + i, width: width, height: 1), to: &grid)
    }

    let noteLines = model.comparison.notes.flatMap { wrap($0, width: width - 4) }
    let notesShown = min(noteLines.count, max(0, body.height - chartRowsFloor))
    let (middle, notesArea) = body.splitBottom(notesShown)
    renderNotes(noteLines, model: model, in: notesArea, to: &grid)

    let table = CompareTable(model.comparison)
    if width - table.width - 3 >= minimumChartWidthBesideTable {
      let (charts, side) = middle.splitRight(table.width + 3)
      grid.render(CompareCharts(model: model), in: charts)
      renderTable(table, model: model, in: side.inset(horizontal: 1, vertical: 0), to: &grid)
    } else {
      let spare = middle.height - minimumChartRows
      // Without room for a row of figures the table is one line saying where to find it.
      let tableRows = spare >= 3 ? min(2 + table.rows.count, spare) : (middle.height > chartRowsFloor ? 1 : 0)
      let (charts, tableArea) = middle.splitBottom(tableRows)
      grid.render(CompareCharts(model: model), in: charts)
      renderTable(table, model: model, in: tableArea, to: &grid)
    }

    let status = (model.state.notice.map { $0 + "   " } ?? "") + axisText(model.state.axis)
    grid.render(
      KeyBar(
        entries: CompareKeyMap.keyBar(state: model.state, runCount: runs.count),
        keyStyle: model.style(.keyHint).adding(.reverse), actionStyle: model.style(.muted),
        status: Span(status, style: model.state.notice == nil ? model.style(.title) : model.style(.warning))),
      in: keys)

    if model.state.showHelp {
      grid.render(
        HelpOverlay(
          title: "rampart compare keys", sections: CompareKeyMap.help(model.symbols),
          footer: "any key closes this help", borderStyle: model.style(.border),
          titleStyle: model.style(.title),
          keyStyle: model.style(.keyHint), textStyle: model.style(.text), symbols: model.symbols),
        in: grid.area)
    }
    return grid
  }

  // MARK: - Words shared with the plain text

  public static func axisText(_ axis: CompareAxis) -> String {
    axis == .time ? "by time" : "by vusers"
  }

  static func outcomeRole(_ outcome: RunOutcome) -> ThemeRole {
    switch outcome {
    case .complete: .muted
    case .abortedByUser, .abortedByThreshold: .warning
    case .incomplete: .bad
    }
  }

  // MARK: - Parts

  private static func renderRunLine(
    _ run: ComparedRun, index: Int, model: CompareModel, in area: Rect, to grid: inout Grid
  ) {
    let hidden = model.state.hidden.contains(index)
    let colour = model.runStyle(index)
    let names = model.comparison.runs.map { DisplayWidth.of($0.name) }
    let nameWidth = min(24, names.max() ?? 0)
    var x = area.x
    func put(_ text: String, _ style: Style) {
      x += grid.write(text, x: x, y: area.y, style: style, maxWidth: area.maxX - x)
    }
    put(" \(run.letter) ", hidden ? colour.adding(.bold) : colour.adding([.reverse, .bold]))
    put(" " + CompareText.pad(clip(run.name, nameWidth, model.symbols), nameWidth), colour.adding(.bold))
    let outcome = run.run.outcome
    put(
      "  " + CompareText.pad(outcome.word, 10),
      outcome == .complete ? model.style(.muted) : model.style(outcomeRole(outcome)).adding(.bold))
    put("  started " + UTCText.format(run.run.meta.startedAt), model.style(.muted))
    put("  " + ClockText.format(run.figures.durationS), model.style(.text))
    if hidden {
      put("  hidden (\(index + 1) shows)", model.style(.warning))
    }
    put("  " + run.run.meta.plan, model.style(.muted))
  }

  private static func renderNotes(_ lines: [String], model: CompareModel, in area: Rect, to grid: inout Grid)
  {
    let cut = lines.count > area.height
    var shown = Array(lines.prefix(area.height))
    if cut, !shown.isEmpty {
      shown[shown.count - 1] = "! \(lines.count - shown.count + 1) more note lines: --no-tui prints them all"
    }
    for (i, line) in shown.enumerated() {
      grid.write(line, x: area.x + 1, y: area.y + i, style: model.style(.warning), maxWidth: area.width - 1)
    }
  }

  /// A note as lines of at most `width` columns, broken at spaces: the first starts with "! ",
  /// the rest are indented under it. Nothing is cut.
  static func wrap(_ note: String, width: Int) -> [String] {
    let width = max(10, width)
    var lines: [String] = []
    var line = "!"
    for word in note.split(separator: " ") {
      let candidate = line + " " + word
      if DisplayWidth.of(candidate) <= width {
        line = candidate
        continue
      }
      if line != "!" && line != " " {
        lines.append(line)
        line = " "
      }
      // A word longer than a whole line is broken where it reaches the edge.
      var next = line + " " + word
      while DisplayWidth.of(next) > width {
        let head = DisplayWidth.prefix(next, fitting: width).text
        lines.append(String(head))
        next = "  " + next.dropFirst(head.count)
      }
      line = next
    }
    lines.append(line)
    return lines
  }

  private static func renderTable(
    _ table: CompareTable, model: CompareModel, in area: Rect, to grid: inout Grid
  ) {
    guard area.height >= 3 else {
      if area.height > 0 {
        grid.write(
          "delta table: a taller terminal shows it; --no-tui prints it", x: area.x + 1, y: area.y,
          style: model.style(.muted), maxWidth: area.width - 1)
      }
      return
    }
    let mark = CompareTable.bestMark(model.symbols)
    grid.render(
      TitleRule(
        title: [Span("Delta", style: model.style(.title))],
        legend: [
          Span(mark, style: model.style(.good)), Span(" better   ", style: model.style(.muted)),
          Span("+/-% against A", style: model.style(.muted)),
        ], ruleStyle: model.style(.border), symbols: model.symbols),
      in: Rect(x: area.x, y: area.y, width: area.width, height: 1))
    let widths = table.widths()
    let gap = CompareTable.columnGap
    let left = area.x + 1
    var y = area.y + 1
    var x = left + widths.title
    for (i, header) in table.headers.enumerated() {
      let hidden = model.state.hidden.contains(i)
      var style = model.runStyle(i).adding(.bold)
      if hidden { style = style.adding(.dim) }
      grid.write(
        clip(header, widths.column[i], model.symbols), x: x + gap, y: y, style: style,
        maxWidth: min(widths.column[i], area.maxX - x - gap))
      x += gap + widths.column[i]
    }
    y += 1
    let room = area.maxY - y
    let cut = table.rows.count > room
    for row in table.rows.prefix(cut ? max(0, room - 1) : room) {
      grid.write(
        clip(row.title, widths.title, model.symbols), x: left, y: y, style: model.style(.text),
        maxWidth: widths.title)
      var x = left + widths.title
      for (i, cell) in row.cells.enumerated() {
        let (value, marked, change) = CompareTable.pieces(cell, run: i, widths: widths, mark: mark)
        var cx = x + gap
        let limit = area.maxX
        cx += grid.write(
          value, x: cx, y: y, style: cell.isBest ? model.style(.text).adding(.bold) : model.style(.text),
          maxWidth: limit - cx)
        cx += grid.write(marked, x: cx, y: y, style: model.style(.good).adding(.bold), maxWidth: limit - cx)
        let toneRole: ThemeRole =
          switch cell.tone {
          case .better: .good
          case .worse: .bad
          case .same, .none: .muted
          }
        grid.write(change, x: cx, y: y, style: model.style(toneRole), maxWidth: limit - cx)
        x += gap + widths.column[i]
      }
      y += 1
    }
    if cut {
      grid.write(
        "\(table.rows.count - max(0, room - 1)) more rows: a taller terminal shows them; --no-tui prints all",
        x: left, y: y, style: model.style(.muted), maxWidth: area.maxX - left)
    }
  }

  /// `text` cut to `columns` in the model's symbols.
  static func clip(_ text: String, _ columns: Int, _ symbols: SymbolSet) -> String {
    DisplayWidth.truncate(text, to: columns, symbols: symbols)
  }

  private static func renderTooSmall(_ model: CompareModel, to grid: inout Grid) {
    let screen = TooSmallScreen(
      minimumWidth: minimumWidth, minimumHeight: minimumHeight,
      status: "comparing \(model.comparison.runs.count) runs  q quits",
      headline: model.style(.warning).adding(.bold), text: model.style(.text), symbols: model.symbols)
    grid.render(screen, in: grid.area)
  }
}
