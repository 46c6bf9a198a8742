import EngineFakes
import LogValues
import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// The log panel and the log-errors lane as golden screens, and the panel's keys.
@Suite(.timeLimit(.minutes(5))) struct LogPanelScreenTests {
  static func model(
    sources: Int = 1, seconds: Int = 480, _ adjust: (inout DashboardState) -> Void = { _ in }
  ) -> DashboardModel {
    var state = DashboardState()
    state.hasLogPanel = true
    adjust(&state)
    return DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: seconds),
      metrics: RunFixture.snapshot(seconds: seconds, logs: true), state: state, theme: .builtInDefault,
      symbols: .unicode, dots: .braille, logs: LogFixture.snapshot(sources: sources))
  }

  @Test func followingWithTheLaneAtEverySize() {
    for (width, height) in [(80, 24), (120, 40), (160, 48)] {
      let grid = DashboardView.render(Self.model(), width: width, height: height)
      expectSnapshot(grid, named: "logs-following-\(width)x\(height)")
    }
    let lines = DashboardView.render(Self.model(), width: 160, height: 48).lines()
    #expect(lines.contains { $0.contains("Log errors/s") && $0.contains("BrokenPipeError") })
    #expect(lines.contains { $0.contains("following") })
    // A folded traceback reads as its last line.
    #expect(lines.contains { $0.contains("▸ BrokenPipeError: [Errno 32] Broken pipe +6") })
  }

  @Test func scrolledBackSaysSoAndStaysPut() {
    let model = Self.model { $0.logPanel.anchor = 1030 }
    let grid = DashboardView.render(model, width: 160, height: 48)
    expectSnapshot(grid, named: "logs-scrolled-160x48")
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("scrolled ↑29 · End"))
    #expect(!text.contains(":59,159"))  // the newest line is below the view
  }

  @Test func filteredByText() {
    let model = Self.model { $0.logPanel.filter = "503" }
    let grid = DashboardView.render(model, width: 160, height: 48)
    expectSnapshot(grid, named: "logs-filtered-160x48")
    let panel = grid.lines().map { String($0.suffix(56)) }
    #expect(panel.contains { $0.contains("/503/") })
    #expect(!panel.contains { $0.contains("200 OK") })
  }

  @Test func errorsOnlyAndAnExpandedTraceback() {
    let model = Self.model {
      $0.logPanel.errorsOnly = true
      $0.logPanel.expanded = [1054]
      $0.logPanel.focused = true
    }
    let grid = DashboardView.render(model, width: 160, height: 48)
    expectSnapshot(grid, named: "logs-errors-expanded-160x48")
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("▾ BrokenPipeError"))
    #expect(text.contains("Traceback (most recent call last):"))
    #expect(text.contains("errors only"))
  }

  @Test func severalSourcesArePrefixed() {
    let grid = DashboardView.render(Self.model(sources: 2), width: 160, height: 48)
    expectSnapshot(grid, named: "logs-two-sources-160x48")
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("uvicorn.log "))
    #expect(text.contains("error.log "))
    #expect(text.contains("2 sources"))
  }

  @Test func aSourceInTroubleIsNamedAtTheTop() {
    var model = Self.model()
    model.logs?.sources[0].problem = .waiting
    model.logs?.droppedForDisplay = 12_345
    let grid = DashboardView.render(model, width: 160, height: 48)
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("uvicorn.log: waiting for file"))
    #expect(text.contains("dropped 12.3k"))
  }

  @Test func thePromptReplacesTheKeyBar() {
    let model = Self.model { $0.prompt = Prompt(.logFilter, text: "Broken.*") }
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "logs-prompt-120x40")
    #expect(grid.lines().last?.contains("filter logs (text or regex):  Broken.*") == true)
  }

  @Test func withoutLogsThereIsNoLane() {
    var model = Self.model()
    model.logs = nil
    let text = DashboardView.render(model, width: 160, height: 48).lines().joined(separator: "\n")
    #expect(!text.contains("Log errors"))
  }
}

@Suite(.timeLimit(.minutes(5))) struct LogPanelKeyTests {
  func state(focused: Bool = false, shown: Bool = true, prompt: Prompt? = nil) -> DashboardState {
    var state = DashboardState()
    state.hasLogPanel = true
    state.showSidePanel = shown
    state.logPanel.focused = focused
    state.prompt = prompt
    return state
  }

  @Test func panelKeysWhenShown() {
    let s = state()
    let table: [(Key, [DashboardCommand])] = [
      (.tab, [.toggleLogFocus]), (.up, [.scrollLog(-1)]), (.down, [.scrollLog(1)]),
      (.pageUp, [.scrollLogPage(-1)]), (.pageDown, [.scrollLogPage(1)]), (.end, [.followLog]),
      (.home, [.oldestLog]), (.character("/"), [.openPrompt(.logFilter)]),
      (.character("e"), [.toggleLogErrorsOnly]), (.enter, [.toggleLogBlock]),
      // Not focused: < and > are the ramp interval keys, Esc still stops the run.
      (.character("<"), [.changeRampInterval(-1)]), (.character(">"), [.changeRampInterval(1)]),
      (.escape, [.stopRun]),
    ]
    for (key, expected) in table {
      #expect(KeyMap.commands(for: key, state: s, phase: .running) == expected, "\(key)")
    }
  }

  @Test func focusedPanelTakesWidthKeysAndEsc() {
    let s = state(focused: true)
    #expect(KeyMap.commands(for: .character("<"), state: s, phase: .running) == [.resizeLogPanel(4)])
    #expect(KeyMap.commands(for: .character(">"), state: s, phase: .running) == [.resizeLogPanel(-4)])
    #expect(KeyMap.commands(for: .escape, state: s, phase: .running) == [.toggleLogFocus])
    #expect(KeyMap.commands(for: .character("q"), state: s, phase: .running) == [.stopRun])
  }

  @Test func hiddenPanelIgnoresItsKeysButTabShowsIt() {
    let s = state(shown: false)
    #expect(KeyMap.commands(for: .up, state: s, phase: .running) == [])
    #expect(KeyMap.commands(for: .character("e"), state: s, phase: .running) == [])
    #expect(KeyMap.commands(for: .tab, state: s, phase: .running) == [.toggleSidePanel, .toggleLogFocus])
  }

  @Test func withoutLogSourcesNothingChanges() {
    var s = DashboardState()
    s.showSidePanel = true
    #expect(KeyMap.commands(for: .character("e"), state: s, phase: .running) == [])
    #expect(KeyMap.commands(for: .escape, state: s, phase: .running) == [.stopRun])
  }

  @Test func thePromptTakesEveryKey() {
    let s = state(prompt: Prompt(.logFilter, text: "x"))
    #expect(KeyMap.commands(for: .character("q"), state: s, phase: .running) == [.promptInput("q")])
    #expect(KeyMap.commands(for: .character("p"), state: s, phase: .running) == [.promptInput("p")])
    #expect(KeyMap.commands(for: .backspace, state: s, phase: .running) == [.promptBackspace])
    #expect(KeyMap.commands(for: .enter, state: s, phase: .running) == [.promptSubmit])
    #expect(KeyMap.commands(for: .escape, state: s, phase: .running) == [.promptCancel])
    #expect(KeyMap.commands(for: .up, state: s, phase: .running) == [])
    #expect(KeyMap.commands(for: .resize, state: s, phase: .running) == [.redraw])
  }

  @Test func keyBarNamesThePanelKeys() {
    var panel = LogPanelState()
    let following = KeyMap.keyBar(phase: .running, symbols: .unicode, logPanel: panel).map(\.key)
    #expect(following.contains("/") && following.contains("e") && following.contains("Tab"))
    #expect(!following.contains("End"))
    panel.anchor = 5
    panel.focused = true
    let scrolled = KeyMap.keyBar(phase: .running, symbols: .unicode, logPanel: panel).map(\.key)
    #expect(scrolled.prefix(3) == ["q", "p", "End"])
    #expect(scrolled.contains("</>"))
  }
}

/// A feed that returns a fixed snapshot, for the loop.
struct FixedLogFeed: LogFeed {
  let value: LogSnapshot
  func logSnapshot() -> LogSnapshot { value }
}

@Suite(.timeLimit(.minutes(5))) struct LogPanelLoopTests {
  func run(_ keys: [Key], logs: LogSnapshot = LogFixture.snapshot()) -> (DashboardLoop, MemoryBackend) {
    let engine = FakeEngine(snapshot: RunFixture.snapshot(seconds: 60, logs: true))
    let backend = MemoryBackend(width: 160, height: 48, keys: keys + [.character("q")])
    let loop = DashboardLoop(
      backend: backend, metrics: engine, engine: engine, control: engine, info: RunFixture.info,
      themes: [.builtInDefault], symbols: .unicode, dots: .braille, exitOnEnd: false, exitFlag: ExitFlag(),
      frameMilliseconds: 0, logFeed: FixedLogFeed(value: logs))
    loop.run()
    return (loop, backend)
  }

  @Test func scrollingUpStopsFollowingAndEndResumes() {
    let (up, _) = run([.up, .up, .up])
    #expect(up.state.logPanel.anchor == 1056)
    let (back, _) = run([.up, .up, .down, .down])
    #expect(back.state.logPanel.anchor == nil)
    let (end, _) = run([.pageUp, .end])
    #expect(end.state.logPanel.isFollowing)
    let (home, _) = run([.home])
    #expect(home.state.logPanel.anchor == 1000)
    // Paging back past the oldest stops at the oldest instead of wrapping.
    let (far, _) = run([.pageUp, .pageUp, .pageUp, .pageUp])
    #expect(far.state.logPanel.anchor == 1000)
  }

  @Test func typingAFilterAppliesItOnEnter() {
    let (loop, backend) = run([.character("/"), .character("5"), .character("0"), .character("3"), .enter])
    #expect(loop.state.logPanel.filter == "503")
    #expect(loop.state.prompt == nil)
    // The q after Enter reached the key map, not the prompt: the run stopped.
    #expect(backend.lastFrame?.lines().contains { $0.contains("STOPPING") } == true)
    let (cancelled, _) = run([.character("/"), .character("x"), .escape])
    #expect(cancelled.state.logPanel.filter == nil)
    let (edited, _) = run([.character("/"), .character("a"), .character("b"), .backspace, .enter])
    #expect(edited.state.logPanel.filter == "a")
  }

  @Test func enterOpensTheNewestTracebackOnScreen() {
    let (loop, _) = run([.enter])
    #expect(loop.state.logPanel.expanded == [1054])
    let (closed, _) = run([.enter, .enter])
    #expect(closed.state.logPanel.expanded.isEmpty)
  }

  @Test func focusAndWidth() {
    let (loop, _) = run([.tab, .character("<"), .character("<")])
    #expect(loop.state.logPanel.focused)
    #expect(loop.state.logPanel.width == 160 * 35 / 100 + 8)
    let (narrow, _) = run([.tab] + Array(repeating: Key.character(">"), count: 30))
    #expect(narrow.state.logPanel.width == LogPanelState.minimumWidth)
    let (unfocused, _) = run([.tab, .escape])
    #expect(!unfocused.state.logPanel.focused)
  }

  @Test func errorsOnlyToggles() {
    let (loop, _) = run([.character("e")])
    #expect(loop.state.logPanel.errorsOnly)
  }
}

@Suite(.timeLimit(.minutes(5))) struct LogFilterTests {
  func entry(_ text: String, errorClass: String? = nil, lines: [String]? = nil) -> LogEntry {
    LogEntry(
      id: 1, source: 0, elapsed: 0, kind: .live,
      event: LogEvent(headline: text, lines: lines, errorClass: errorClass))
  }

  func filter(_ text: String?, errorsOnly: Bool = false) -> LogFilter {
    var state = LogPanelState()
    state.filter = text
    state.errorsOnly = errorsOnly
    return LogFilter(state)
  }

  @Test func plainTextIgnoresASCIICase() {
    #expect(filter("broken").matches(entry("BrokenPipeError: [Errno 32]")))
    #expect(filter("ERRNO 32").matches(entry("BrokenPipeError: [Errno 32]")))
    #expect(!filter("reset").matches(entry("BrokenPipeError: [Errno 32]")))
    #expect(filter("é").matches(entry("café")))
    #expect(!filter("longer than the line").matches(entry("short")))
    // A dot is plain text: a path still finds itself.
    #expect(filter("app.py").matches(entry("File \"/srv/app.py\", line 3")))
    #expect(!filter("app.py").matches(entry("File \"/srv/appXpy\", line 3")))
  }

  @Test func regexSyntaxMakesARegex() {
    #expect(filter("Broken.*pipe").matches(entry("BrokenPipeError: [Errno 32] Broken pipe")))
    #expect(filter("^INFO").matches(entry("INFO ok")))
    #expect(!filter("^INFO").matches(entry("x INFO ok")))
    // Not a valid regex: matched as the text it is.
    #expect(filter("(unclosed").matches(entry("an (unclosed bracket")))
  }

  @Test func blocksMatchOnAnyLineAndErrorsOnlyNeedsAClass() {
    let block = entry(
      "BrokenPipeError", errorClass: "BrokenPipeError", lines: ["Traceback", "  File x", "BrokenPipeError"])
    #expect(filter("File x").matches(block))
    #expect(filter(nil, errorsOnly: true).matches(block))
    #expect(!filter(nil, errorsOnly: true).matches(entry("INFO fine")))
    #expect(!filter(nil).isActive)
    #expect(filter(nil, errorsOnly: true).isActive)
  }
}
