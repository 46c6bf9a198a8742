import RunStore
import TerminalUI
import Theme

/// The compare screen in the frame loop: a still screen, drawn again only after a key, which
/// applies what `CompareKeyMap` says. Runs on the one thread that owns the terminal.
public final class CompareLoop: FrameScreen {
  private let backend: any TerminalBackend
  private let runs: [LoadedRun]
  private var comparisons: [CompareAxis: RunComparison]
  private let themes: [Theme]
  private var themeIndex = 0
  private let symbols: SymbolSet
  private let dots: ChartDots
  private let exitFlag: ExitFlag
  private let pollMilliseconds: Int
  public private(set) var state: CompareState

  /// `comparison` is shown first, on its axis; the other axis is built from the same runs when
  /// `v` asks for it.
  public init(
    backend: any TerminalBackend, comparison: RunComparison, themes: [Theme], symbols: SymbolSet,
    dots: ChartDots, exitFlag: ExitFlag = ExitFlag(), pollMilliseconds: Int = 250
  ) {
    precondition(!themes.isEmpty, "at least one theme")
    self.backend = backend
    runs = comparison.runs.map(\.run)
    comparisons = [comparison.axis: comparison]
    self.themes = themes
    self.symbols = symbols
    self.dots = dots
    self.exitFlag = exitFlag
    self.pollMilliseconds = pollMilliseconds
    state = CompareState(axis: comparison.axis)
  }

  public var theme: Theme { themes[themeIndex] }

  /// Runs until q or Esc, or until `exitFlag` is set (a signal); leaves the terminal as it is.
  public func run() {
    FrameLoop.run(self, on: backend, waitMilliseconds: pollMilliseconds)
  }

  public func continues() -> Bool { !state.exitRequested && !exitFlag.isSet }

  public var isLive: Bool { false }

  public func render(width: Int, height: Int) -> Grid {
    CompareView.render(model(), width: width, height: height)
  }

  public func handle(_ key: Key) {
    state.notice = nil
    for command in CompareKeyMap.commands(for: key, state: state) { apply(command) }
  }

  public func model() -> CompareModel {
    CompareModel(
      comparison: comparison(for: state.axis), state: state, theme: theme, symbols: symbols, dots: dots)
  }

  /// The comparison on `axis`, built once from the same runs (only the notes depend on it).
  private func comparison(for axis: CompareAxis) -> RunComparison {
    if let cached = comparisons[axis] { return cached }
    // The runs already made one comparison, so their count is valid for every axis.
    guard let built = try? RunComparison(runs, axis: axis) else { return comparisons.values.first! }
    comparisons[axis] = built
    return built
  }

  func apply(_ command: CompareCommand) {
    switch command {
    case .cycleTheme:
      themeIndex = (themeIndex + 1) % themes.count
      backend.invalidate()
      state.notice = "theme \(theme.name)"
    case .redraw:
      backend.invalidate()
    default:
      state.apply(command, runCount: runs.count)
    }
  }
}
