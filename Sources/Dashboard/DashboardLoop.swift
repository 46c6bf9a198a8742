import LogValues
import Metrics
import TerminalUI
import Theme
import Vocabulary

/// The live run in the frame loop: a fresh frame every pass (at most one frame's wait for a key),
/// keys applied as the key map says. Runs on the one thread that owns the terminal; everything it
/// reads from the engine is a value copied under a lock.
public final class DashboardLoop: FrameScreen {
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
  private let logFeed: (any LogFeed)?
  public private(set) var state = DashboardState()
  private var announcedEnd = false
  private var lastFrameElapsed: Double?
  /// The engine's status read at the start of this pass: the frame shows it.
  private var frameStatus: EngineStatus?

  public init(
    backend: any TerminalBackend, metrics: any MetricsSource, engine: any EngineStatusSource,
    control: any EngineControl, info: RunInfo, themes: [Theme], themeIndex: Int = 0, symbols: SymbolSet,
    dots: ChartDots, exitOnEnd: Bool, exitFlag: ExitFlag, frameMilliseconds: Int = 200,
    logFeed: (any LogFeed)? = nil
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
    self.logFeed = logFeed
    state.hasLogPanel = logFeed != nil
  }

  public var theme: Theme { themes[themeIndex] }

  /// Runs until the user leaves after the end, or the run ends after a stop request (q, a
  /// signal), or the run ends by itself when `exitOnEnd` is set.
  public func run() {
    FrameLoop.run(self, on: backend, waitMilliseconds: frameMilliseconds)
  }

  public func continues() -> Bool {
    let status = engine.status()
    if status.phase == .done {
      if state.exitRequested || exitOnEnd || state.stopRequested || exitFlag.isSet { return false }
      if !announcedEnd {
        announcedEnd = true
        state.post("run complete: q exits and prints the summary", now: status.elapsed, seconds: 3600)
      }
    } else if state.exitRequested {
      return false
    }
    noticeGap(status)
    frameStatus = status
    return true
  }

  public var isLive: Bool { true }

  public func render(width: Int, height: Int) -> Grid {
    DashboardView.render(model(frameStatus ?? engine.status()), width: width, height: height)
  }

  public func handle(_ key: Key) {
    let latest = engine.status()
    for command in KeyMap.commands(
      for: key, state: state, phase: latest.phase, load: latest.rate == nil ? .closed : .open,
      searching: info.searching)
    {
      apply(command, status: engine.status())
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
        "process was stopped for \(ClockText.format(gap)): no requests were sent meanwhile",
        now: status.elapsed,
        seconds: 10)
    }
  }

  public func model(_ status: EngineStatus) -> DashboardModel {
    DashboardModel(
      info: info, status: status, metrics: metrics.snapshot(), state: state, theme: theme, symbols: symbols,
      dots: dots, logs: logFeed?.logSnapshot())
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
    case .changeVusers, .changeRampStep, .changeRampInterval, .toggleHold, .nextStage:
      applyControl(command, status: status)
    case .changeRate, .changeRateStep:
      applyRate(command, status: status)
    case .jumpToKnee:
      guard let knee = metrics.snapshot().events.last(where: { $0.kind == .knee }) else {
        // The knee is looked for between steps of the load (vusers, or the offered rate).
        let why =
          status.rate == nil
          ? "it needs ramp steps on both sides of it" : "it needs rate steps on both sides of it"
        state.post("no knee detected yet: \(why)", now: now)
        return
      }
      state.viewport.center(on: knee.elapsed, elapsed: now, plannedDuration: planned)
      state.post("knee at \(ClockText.format(knee.elapsed)): \(knee.label ?? "")", now: now)
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
      if logFeed == nil {
        state.post("no log sources: add --log FILE or --log-cmd COMMAND", now: now)
      } else {
        state.showSidePanel.toggle()
        if !state.showSidePanel { state.logPanel.focused = false }
      }
    case .toggleLogFocus, .resizeLogPanel, .scrollLog, .scrollLogPage, .followLog, .oldestLog,
      .toggleLogErrorsOnly, .toggleLogBlock:
      applyLogPanel(command, now: now)
    case .openPrompt(let purpose): state.prompt = Prompt(purpose)
    case .promptInput(let character):
      if var prompt = state.prompt, prompt.text.count < Prompt.maximumLength {
        prompt.text.append(character)
        state.prompt = prompt
      }
    case .promptBackspace:
      if state.prompt?.text.isEmpty == false { state.prompt?.text.removeLast() }
    case .promptCancel: state.prompt = nil
    case .promptSubmit:
      guard let prompt = state.prompt else { return }
      state.prompt = nil
      switch prompt.purpose {
      case .vusers: submitVusers(prompt.text, now: now)
      case .tag:
        let label = prompt.text.trimmingCharacters(in: .whitespaces)
        control.tag(label.isEmpty ? Prompt.defaultTagLabel : label)
        state.post(
          "tagged \(ClockText.format(now)) \(label.isEmpty ? Prompt.defaultTagLabel : label)", now: now)
      case .logFilter:
        state.logPanel.filter = prompt.text.isEmpty ? nil : prompt.text
        state.logPanel.anchor = nil
        state.post(prompt.text.isEmpty ? "log filter cleared" : "log filter /\(prompt.text)/", now: now)
      }
    case .redraw: backend.invalidate()
    case .notice(let text): state.post(text, now: now)
    }
  }

  /// Log panel commands act on the snapshot on screen now, so "one up" means one visible entry.
  private func applyLogPanel(_ command: DashboardCommand, now: Double) {
    guard let feed = logFeed else { return }
    let logs = feed.logSnapshot()
    let pageRows = max(1, backend.size.height - 6)
    switch command {
    case .toggleLogFocus:
      state.logPanel.focused.toggle()
    case .resizeLogPanel(let delta):
      let width = backend.size.width
      let current = state.logPanel.columns(screenWidth: width)
      state.logPanel.width = current + delta
      state.logPanel.width = state.logPanel.columns(screenWidth: width)
    case .scrollLog(let delta):
      state.logPanel.anchor = LogPanelRows.scrolled(logs, state: state.logPanel, by: delta)
    case .scrollLogPage(let pages):
      state.logPanel.anchor = LogPanelRows.scrolled(logs, state: state.logPanel, by: pages * pageRows)
    case .followLog:
      state.logPanel.anchor = nil
    case .oldestLog:
      state.logPanel.anchor = LogPanelRows.oldest(logs, state: state.logPanel)
    case .toggleLogErrorsOnly:
      state.logPanel.errorsOnly.toggle()
      state.logPanel.anchor = nil
      state.post(
        state.logPanel.errorsOnly ? "log panel: error events only" : "log panel: all lines", now: now)
    case .toggleLogBlock:
      guard let id = LogPanelRows.blockToToggle(logs, state: state.logPanel, height: pageRows) else {
        state.post("no folded traceback on screen", now: now)
        return
      }
      if state.logPanel.expanded.contains(id) {
        state.logPanel.expanded.remove(id)
      } else {
        state.logPanel.expanded.insert(id)
      }
    default: break
    }
  }

  /// Ramp keys: each goes through `EngineControl`, which validates and journals; a refusal is
  /// shown and changes nothing.
  private func applyControl(_ command: DashboardCommand, status: EngineStatus) {
    let now = status.elapsed
    do throws(ControlError) {
      switch command {
      case .changeVusers(let steps):
        // A constant load (step 0) or a stage plan moves by a tenth of its level, at least one.
        let step = status.ramp.map(\.step).flatMap { $0 > 0 ? $0 : nil } ?? max(1, status.targetVusers / 10)
        let target = max(0, status.targetVusers + steps * step)
        guard target != status.targetVusers else {
          state.post("vusers are already 0", now: now)
          return
        }
        try control.setTargetVusers(target)
        state.post("target vusers \(status.targetVusers) → \(target)", now: now)
      case .changeRampStep(let rungs):
        guard let ramp = status.ramp else { throw ControlError("this plan has stages, not a ramp step") }
        let step = RampLadder.step(after: ramp.step, rungs: rungs)
        try control.setRampStep(step)
        state.post("ramp step \(ramp.step) → \(step) vusers", now: now)
      case .changeRampInterval(let rungs):
        guard let ramp = status.ramp else { throw ControlError("this plan has stages, not a ramp interval") }
        let every = RampLadder.interval(after: ramp.every, rungs: rungs)
        try control.setRampInterval(seconds: every)
        state.post("ramp every \(ClockText.format(ramp.every)) → \(ClockText.format(every))", now: now)
      case .toggleHold:
        control.setHold(!status.rampHeld)
        state.post(status.rampHeld ? "ramp released" : "ramp held at \(status.targetVusers) vusers", now: now)
      case .nextStage:
        try control.skipToNextStage()
        state.post("next stage", now: now)
      default: break
      }
    } catch {
      state.post(error.message, now: now, seconds: 5)
    }
  }

  /// Rate keys (open model). The step is pinned at its first use, so `+` then `-` returns to the
  /// same rate even while a ramp moves the rate underneath; the engine validates and journals.
  private func applyRate(_ command: DashboardCommand, status: EngineStatus) {
    let now = status.elapsed
    guard let rate = status.rate else {
      state.post("this run has vusers, not a rate", now: now, seconds: 5)
      return
    }
    let step = state.rateStep ?? RateStep.automatic(for: rate)
    state.rateStep = step
    switch command {
    case .changeRate(let steps):
      let target = RateStep.rate(from: rate, step: step, steps: steps)
      guard target > 0 else {
        state.post("at the lowest step (\(RateText.setting(step))): [ for smaller", now: now, seconds: 5)
        return
      }
      do throws(ControlError) {
        try control.setRate(target)
        state.post("rate \(RateText.formatLive(rate)) → \(RateText.setting(target))", now: now)
      } catch {
        state.post(error.message, now: now, seconds: 5)
      }
    case .changeRateStep(let rungs):
      let next = RateStep.step(after: step, rungs: rungs)
      state.rateStep = next
      state.post("rate step \(RateText.format(step)) → \(RateText.setting(next))", now: now)
    default: break
    }
  }

  /// `V`: only a whole, non-negative number within the open-file limit is accepted.
  private func submitVusers(_ text: String, now: Double) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber),
      let count = Int(trimmed)
    else {
      state.post("not a vuser count: '\(trimmed)' (a whole number, 0 or more)", now: now, seconds: 5)
      return
    }
    do throws(ControlError) {
      try control.setTargetVusers(count)
      state.post("target vusers → \(count)", now: now)
    } catch {
      state.post(error.message, now: now, seconds: 5)
    }
  }
}

/// The rungs `[` `]` and `,` `.` move along: steps a person would pick, not +1 at a time.
enum RampLadder {
  static let steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]
  static let intervals: [Double] = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300, 600]

  static func step(after current: Int, rungs: Int) -> Int {
    rung(of: steps, from: current, rungs: rungs)
  }

  static func interval(after current: Double, rungs: Int) -> Double {
    rung(of: intervals, from: current, rungs: rungs)
  }

  /// The value `rungs` places up (positive) or down from `current`, which need not be on the
  /// ladder: one up is the first rung above it, one down the first below.
  static func rung<T: Comparable>(of ladder: [T], from current: T, rungs: Int) -> T {
    if rungs > 0 {
      let above = ladder.filter { $0 > current }
      return above.isEmpty ? ladder.last! : above[min(rungs, above.count) - 1]
    }
    let below = ladder.filter { $0 < current }
    return below.isEmpty ? ladder.first! : below[max(0, below.count + rungs)]
  }
}
