import Foundation
import Metrics
import RunStore
import TerminalUI
import Vocabulary

/// The delta table as text cells, shared by the screen and the plain-text output: a row per
/// figure, a column per run, the better value marked and each value's change against run A.
public struct CompareTable: Sendable {
  /// How a change against A reads for the row's figure.
  public enum Tone: Sendable, Equatable { case better, worse, same, none }

  public struct Cell: Sendable, Equatable {
    public var value: String
    public var isBest: Bool
    /// "+48%", "-3.2%"; empty for A and where A has no value.
    public var change: String
    public var tone: Tone
  }

  public struct Row: Sendable, Equatable {
    public var title: String
    public var cells: [Cell]
  }

  /// "A one-backend", ...
  public var headers: [String]
  public var rows: [Row]

  public init(_ comparison: RunComparison) {
    headers = comparison.runs.map { "\($0.letter) \($0.name)" }
    rows = comparison.rows.map { row in
      let cells = row.values.indices.map { i in
        let delta = i < row.deltaPercent.count ? row.deltaPercent[i] : nil
        return Cell(
          value: DeltaFormat.value(row.values[i], unit: row.unit), isBest: row.best == i,
          change: PercentText.change(delta), tone: Self.tone(delta, better: row.better))
      }
      return Row(title: row.title, cells: cells)
    }
  }

  static func tone(_ percent: Double?, better: DeltaRow.Better) -> Tone {
    guard let percent, better != .neither else { return .none }
    if abs(percent) < DeltaRow.tieTolerance * 100 { return .same }
    return (percent > 0) == (better == .higher) ? .better : .worse
  }

  /// The glyph beside the better value of a row.
  public static func bestMark(_ symbols: SymbolSet) -> String { symbols == .unicode ? "◀" : "*" }

  /// Column widths: the title column, then per run the value, and the change (none for A).
  struct Widths {
    var title: Int
    var value: [Int]
    var change: [Int]
    /// Value, a space and the mark, then a space and the change, or the header if wider.
    var column: [Int]
  }

  func widths(maxTitle: Int = 24, maxHeader: Int = 18) -> Widths {
    let title = min(maxTitle, rows.map { DisplayWidth.of($0.title) }.max() ?? 0)
    var value: [Int] = []
    var change: [Int] = []
    var column: [Int] = []
    for i in headers.indices {
      let v = max(1, rows.map { DisplayWidth.of($0.cells[i].value) }.max() ?? 1)
      let c = rows.map { DisplayWidth.of($0.cells[i].change) }.max() ?? 0
      value.append(v)
      change.append(c)
      let cells = v + 2 + (c > 0 ? 1 + c : 0)
      column.append(max(cells, min(maxHeader, DisplayWidth.of(headers[i]))))
    }
    return Widths(title: title, value: value, change: change, column: column)
  }

  static let columnGap = 3

  /// Columns the table takes on screen.
  var width: Int {
    let w = widths()
    return w.title + w.column.reduce(0) { $0 + $1 + Self.columnGap }
  }

  /// One cell laid out in its column: the value right-aligned, the mark, the change right-aligned.
  static func pieces(_ cell: Cell, run: Int, widths: Widths, mark: String) -> (String, String, String) {
    let value =
      String(repeating: " ", count: max(0, widths.value[run] - DisplayWidth.of(cell.value))) + cell.value
    let marked = cell.isBest ? " " + mark : "  "
    guard widths.change[run] > 0 else { return (value, marked, "") }
    let change =
      " " + String(repeating: " ", count: max(0, widths.change[run] - DisplayWidth.of(cell.change)))
      + cell.change
    return (value, marked, change)
  }
}

/// The comparison as plain text, for a pipe or `--no-tui`: the runs, the delta table, the notes
/// and the axis, with ASCII marks so it reads the same in any terminal, file or CI log.
public enum CompareText {
  public static func render(_ comparison: RunComparison) -> String {
    var lines: [String] = []
    let runs = comparison.runs
    lines.append("rampart compare: \(runs.count) runs, \(CompareView.axisText(comparison.axis))")
    let nameWidth = min(24, runs.map { DisplayWidth.of($0.name) }.max() ?? 0)
    for run in runs {
      let name = pad(DisplayWidth.truncate(run.name, to: nameWidth), nameWidth)
      lines.append(
        "  \(run.letter)  \(name)  \(pad(run.run.outcome.word, 10))  "
          + "started \(UTCText.format(run.run.meta.startedAt))  \(ClockText.format(run.figures.durationS))  "
          + run.run.meta.plan)
    }
    lines.append("")
    let table = CompareTable(comparison)
    let widths = table.widths()
    let gap = String(repeating: " ", count: CompareTable.columnGap)
    var header = pad("", widths.title)
    for (i, title) in table.headers.enumerated() {
      header += gap + pad(DisplayWidth.truncate(title, to: widths.column[i]), widths.column[i])
    }
    lines.append(trimTrailing(header))
    for row in table.rows {
      var line = pad(DisplayWidth.truncate(row.title, to: widths.title), widths.title)
      for (i, cell) in row.cells.enumerated() {
        let (value, mark, change) = CompareTable.pieces(cell, run: i, widths: widths, mark: "*")
        line += gap + pad(value + mark + change, widths.column[i])
      }
      lines.append(trimTrailing(line))
    }
    lines.append("* better value; +/-% change against A")
    if !comparison.notes.isEmpty {
      lines.append("")
      lines.append("notes:")
      for note in comparison.notes { lines.append("  ! " + note) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
  }

  static func trimTrailing(_ text: String) -> String {
    var text = text
    while text.hasSuffix(" ") { text.removeLast() }
    return text
  }
}
