import CompareScreen
import Dashboard
import Foundation
import LoadEngine
import LogValues
import Metrics
import NcursesBackend
import RunStore
import TerminalUI
import Theme

/// The dashboard for one run: the terminal, the themes downgraded to its colours, and the frame
/// loop on a thread of its own (ncurses wants one owner; the engine keeps the async pool).
final class DashboardSession: @unchecked Sendable {
  // @unchecked: the terminal is used by the opening thread, then only by the UI thread, then
  // closed after that thread has finished; never by two at once.
  private let terminal: NcursesTerminal
  private let themes: [Theme]
  private let symbols: SymbolSet
  private let dots: ChartDots
  private let exitOnEnd: Bool
  let exitFlag = ExitFlag()

  private init(
    terminal: NcursesTerminal, themes: [Theme], symbols: SymbolSet, dots: ChartDots, exitOnEnd: Bool
  ) {
    self.terminal = terminal
    self.themes = themes
    self.symbols = symbols
    self.dots = dots
    self.exitOnEnd = exitOnEnd
  }

  /// The themes to cycle through, the chosen one first. Throws the theme's one-line error.
  static func loadThemes(named name: String) throws(ThemeError) -> [Theme] {
    let catalog = try ThemeCatalog.standard()
    let chosen = try catalog.theme(named: name)
    let others = catalog.themes.filter { $0.name != chosen.name }
    return [chosen] + others
  }

  /// Opens the terminal; on failure returns the one-line reason to fall back to plain lines.
  static func open(display: DisplayOptions, themes: [Theme]) -> Result<DashboardSession, TerminalOpenError> {
    let terminal: NcursesTerminal
    do {
      terminal = try NcursesTerminal.open()
    } catch {
      return .failure(error)
    }
    let environment = ProcessInfo.processInfo.environment
    let depth = ColorDepth.detect(colorCount: terminal.colorCount, noColor: environment["NO_COLOR"])
    var symbols = ScreenMode.symbols(ascii: display.ascii, environment: environment)
    if !terminal.isUTF8 { symbols = .ascii }
    let dots = display.chart ?? (symbols == .ascii ? .ascii : .braille)
    installCrashHandler()
    return .success(
      DashboardSession(
        terminal: terminal, themes: themes.map { $0.downgraded(to: depth) }, symbols: symbols, dots: dots,
        exitOnEnd: display.exitOnEnd))
  }

  /// Runs the dashboard until the user leaves (or the run ends after a stop), then gives the
  /// terminal back. The engine keeps running on its own while this waits.
  func run(engine: LoadEngine, store: MetricsStore, info: RunInfo, logs: (any LogFeed)?) async {
    let backend = CrashDrillBackend.wrap(terminal, environment: ProcessInfo.processInfo.environment)
    let loop = DashboardLoop(
      backend: backend, metrics: store, engine: engine, control: engine, info: info, themes: themes,
      symbols: symbols, dots: dots, exitOnEnd: exitOnEnd, exitFlag: exitFlag, logFeed: logs)
    let box = UncheckedBox(loop)
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      let thread = Thread {
        box.value.run()
        done.resume()
      }
      thread.name = "rampart-ui"
      thread.start()
    }
    close()
  }

  func close() {
    terminal.close()
  }
}

/// Hands a non-Sendable value to exactly one other thread.
private final class UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

extension DashboardSession {
  /// A second Ctrl-C ends the process at once: put the terminal back first, from whatever thread.
  /// Not tidy (the UI thread may be mid-frame) but the process is about to exit.
  func restoreForExit() {
    NcursesTerminal.restoreForExit()
  }
}

extension DashboardSession {
  /// `rampart compare`'s screen on this terminal, on the calling thread (there is no engine to
  /// share it with), until q or a signal sets `exitFlag`; then the terminal is given back.
  func runCompare(_ comparison: RunComparison) {
    let loop = CompareLoop(
      backend: terminal, comparison: comparison, themes: themes, symbols: symbols, dots: dots,
      exitFlag: exitFlag)
    loop.run()
    close()
  }
}
