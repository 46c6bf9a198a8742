import RunStore
import TerminalUI
import Theme

/// What the user changed on the compare screen: the x axis, which runs the charts hide, the help.
public struct CompareState: Sendable, Equatable {
  public var axis: CompareAxis
  /// Indexes (0 = A) of runs left off the charts; the header and the delta table keep them.
  public var hidden: Set<Int> = []
  public var showHelp = false
  /// By time, the latency chart shows p99 instead of the mean.
  public var showP99 = false
  /// A one-line answer to the last key, shown in the key bar until the next key.
  public var notice: String?
  public var exitRequested = false

  public init(axis: CompareAxis) {
    self.axis = axis
  }

  /// Applies one command. Commands that need more than the state (a new comparison for the other
  /// axis, the next theme, a repaint) are the loop's; here they only change what the state holds.
  public mutating func apply(_ command: CompareCommand, runCount: Int) {
    switch command {
    case .exit: exitRequested = true
    case .toggleAxis: axis = axis == .time ? .vusers : .time
    case .toggleRun(let index):
      guard index < runCount else {
        notice = "no run \(Self.letter(index)): comparing \(runCount) runs"
        return
      }
      if hidden.contains(index) {
        hidden.remove(index)
        notice = "run \(Self.letter(index)) shown"
      } else if hidden.count + 1 >= runCount {
        notice = "at least one run stays on the charts"
      } else {
        hidden.insert(index)
        notice = "run \(Self.letter(index)) hidden: \(index + 1) shows it again"
      }
    case .toggleHelp: showHelp.toggle()
    case .toggleP99:
      if axis == .vusers {
        notice = "by vusers, p99 has a chart of its own"
      } else {
        showP99.toggle()
      }
    case .cycleTheme, .redraw: break
    case .notice(let text): notice = text
    }
  }

  static func letter(_ index: Int) -> String {
    index < RunComparison.letters.count ? RunComparison.letters[index] : "#\(index + 1)"
  }
}

/// What a key asks for on the compare screen.
public enum CompareCommand: Sendable, Equatable {
  case exit
  /// Time <-> active vusers on the x axis.
  case toggleAxis
  /// Hide or show run `index` (0 = A) on the charts.
  case toggleRun(Int)
  case toggleHelp
  /// Mean <-> p99 on the latency chart (by time).
  case toggleP99
  case cycleTheme
  case redraw
  case notice(String)
}

/// Keys to commands, as a pure function of the key and the state (like `KeyMap`).
public enum CompareKeyMap {
  public static func commands(for key: Key, state: CompareState) -> [CompareCommand] {
    if key == .resize || key == .control("l") { return [.redraw] }
    // The help is modal: any key closes it, and only closes it.
    if state.showHelp { return [.toggleHelp] }
    switch key {
    case .character("q"), .character("Q"), .escape: return [.exit]
    case .character("v"), .character("V"): return [.toggleAxis]
    case .character("1"): return [.toggleRun(0)]
    case .character("2"): return [.toggleRun(1)]
    case .character("3"): return [.toggleRun(2)]
    case .character("4"): return [.toggleRun(3)]
    case .character("p"): return [.toggleP99]
    case .character("T"): return [.cycleTheme]
    case .character("?"), .function(1): return [.toggleHelp]
    default: return []
    }
  }

  /// The key bar, most useful first (the bar drops what does not fit).
  public static func keyBar(state: CompareState, runCount: Int) -> [(key: String, action: String)] {
    var entries: [(String, String)] = [
      ("q", "quit"), ("v", state.axis == .time ? "by vusers" : "by time"),
      ("1-\(runCount)", "hide/show run"),
    ]
    if state.axis == .time { entries.append(("p", state.showP99 ? "mean" : "p99")) }
    entries += [("T", "theme"), ("?", "help")]
    return entries
  }

  /// Every key, the markers and how to read the delta table, for the help overlay.
  public static func help(_ symbols: SymbolSet) -> [HelpOverlay.Section] {
    let unicode = symbols == .unicode
    return [
      .init(
        title: "Compare",
        keys: [
          ("q  Esc", "quit"),
          ("v", "x axis: time since start / active vusers"),
          ("1 2 3 4", "hide / show run A B C D on the charts"),
          ("p", "latency chart: mean / p99 (by time)"),
          ("T", "next colour theme"),
          ("Ctrl-L", "repaint the screen"),
          ("?  F1", "this help"),
        ]),
      .init(
        title: "Markers (the letter after one names its run)",
        keys: [
          (unicode ? "▲" : "^", "tag"),
          (unicode ? "★" : "K", "knee: where added vusers stopped adding TPS"),
        ]),
      .init(
        title: "Delta table",
        keys: [
          (CompareTable.bestMark(symbols), "the better value of the row"),
          ("+12%  -3.4%", "change against run A"),
          ("at N vusers", "read off each capacity curve at the same load"),
        ]),
    ]
  }
}

/// The theme role of each compared run's colour, A to D.
enum CompareRoles {
  static let roles: [ThemeRole] = [.compareA, .compareB, .compareC, .compareD]

  static func role(_ index: Int) -> ThemeRole { roles[index % roles.count] }
}
