import Metrics
import Synchronization
import TerminalUI
import Theme

/// Set from any thread (a signal handler's queue) to make the dashboard leave once the engine
/// has finished stopping.
public final class ExitFlag: Sendable {
  private let value = Atomic<Bool>(false)
  public init() {}
  public func set() { value.store(true, ordering: .relaxed) }
  public var isSet: Bool { value.load(ordering: .relaxed) }
}

/// The frame loop: waits for a key at most one frame, applies what the key map says, and
/// presents a fresh frame. Runs on the one thread that owns the terminal; everything it reads
/// from the engine is a value copied under a lock.
public final class DashboardLoop {
  private let backend: any TerminalBackend
  private let metrics: any MetricsSource
  private let engine: any EngineStatusSource
  private let control: any EngineControl
  private let info: RunInfo
  private let themes: [Theme]
  private var themeIndex: Int
  private let symbols: SymbolSet
  private let dots: ChartDots
  private let exitOnEnd: Bool
  private let exitFlag: ExitFlag
  private let frameMilliseconds: Int
  private let sidePanel: SidePanel?
  public private(set) var state = DashboardState()
  private var announcedEnd = false
  private var lastFrameElapsed: Double?

  public init(
    backend: any TerminalBackend, metrics: any MetricsSource, engine: any EngineStatusSource,
    control: any EngineControl, info: RunInfo, themes: [Theme], themeIndex: Int = 0, symbols: SymbolSet,
    dots: ChartDots, exitOnEnd: Bool, exitFlag: ExitFlag, frameMilliseconds: Int = 200,
    sidePanel: SidePanel? = nil
  ) {
    precondition(!themes.isEmpty, "at least one theme")
    self.backend = backend
    self.metrics = metrics
    self.engine = engine
    self.control = control
    self.info = info
    self.themes = themes
    self.themeIndex = min(max(0, themeIndex), themes.count - 1)
    self.symbols = symbols
    self.dots = dots
    self.exitOnEnd = exitOnEnd
    self.exitFlag = exitFlag
    self.frameMilliseconds = frameMilliseconds
    self.sidePanel = sidePanel
  }

  public var theme: Theme { themes[themeIndex] }

  /// Runs until the user leaves after the end, or the run ends after a stop request (q, a
  /// signal), or the run ends by itself when `exitOnEnd` is set.
  public func run() {
    while true {
      let status = engine.status()
      if status.phase == .done {
        if state.exitRequested || exitOnEnd || state.stopRequested || exitFlag.isSet { return }
        if !announcedEnd {
          announcedEnd = true
          state.post("run complete: q exits and prints the summary", now: status.elapsed, seconds: 3600)
        }
      } else if state.exitRequested {
        return
      }
      noticeGap(status)
      present(status)
      guard let key = backend.readKey(timeoutMilliseconds: frameMilliseconds) else { continue }
      let phase = engine.status().phase
      for command in KeyMap.commands(for: key, state: state, phase: phase) {
        apply(command, status: engine.status())
      }
    }
  }

  /// Frames come every 200 ms; a gap of seconds means the whole process was stopped (Ctrl-Z,
  /// SIGSTOP), engine included, so the charts show a hole. Say so instead of leaving it a riddle.
  private func noticeGap(_ status: EngineStatus) {
    defer { lastFrameElapsed = status.elapsed }
    guard let last = lastFrameElapsed, status.phase != .done else { return }
    let gap = status.elapsed - last
    if gap >= 2 {
      state.post(
        "process was stopped for \(Format.clock(gap)): no requests were sent meanwhile", now: status.elapsed,
        seconds: 10)
    }
  }

  public func model(_ status: EngineStatus) -> DashboardModel {
    DashboardModel(
      info: info, status: status, metrics: metrics.snapshot(), state: state, theme: theme, symbols: symbols,
      dots: dots, sidePanel: sidePanel)
  }

  private func present(_ status: EngineStatus) {
    let size = backend.size
    backend.present(DashboardView.render(model(status), width: size.width, height: size.height))
  }

  func apply(_ command: DashboardCommand, status: EngineStatus) {
    let now = status.elapsed
    let planned = info.plannedDuration
    switch command {
    case .stopRun:
      state.stopRequested = true
      control.stop()
      state.post("stopping: in-flight requests get the grace period", now: now)
    case .exit:
      state.exitRequested = true
    case .togglePause:
      if status.phase == .paused {
        control.resume()
      } else {
        control.pause()
      }
    case .zoomIn: state.viewport.zoomIn(elapsed: now, plannedDuration: planned)
    case .zoomOut: state.viewport.zoomOut(elapsed: now, plannedDuration: planned)
    case .scrollBack: state.viewport.scrollBack(elapsed: now)
    case .scrollForward: state.viewport.scrollForward(elapsed: now)
    case .followLive: state.viewport.follow()
    case .toggleHelp: state.showHelp.toggle()
    case .cycleTheme:
      themeIndex = (themeIndex + 1) % themes.count
      backend.invalidate()
      state.post("theme \(theme.name)", now: now)
    case .toggleSidePanel:
      if sidePanel == nil {
        state.post("no side panel content: no log sources", now: now)
      } else {
        state.showSidePanel.toggle()
      }
    case .redraw: backend.invalidate()
    case .notice(let text): state.post(text, now: now)
    }
  }
}
