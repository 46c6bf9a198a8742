import Metrics
import TerminalUI
import Vocabulary

/// What a key asks for. The loop applies these to the view state and the engine.
public enum DashboardCommand: Sendable, Equatable {
  /// Graceful stop: in-flight requests finish, then the summary.
  case stopRun
  /// Leave the dashboard (after the run is over).
  case exit
  case togglePause
  /// Live control: target vusers by ramp steps (+1 / -1), the ramp step and interval one rung
  /// up or down their ladders, hold or release the ramp, the next stage, the knee on screen.
  case changeVusers(Int)
  case changeRampStep(Int)
  case changeRampInterval(Int)
  case toggleHold
  /// Open model: the rate by steps (+1 / -1), the step one rung up or down its ladder.
  case changeRate(Int)
  case changeRateStep(Int)
  case nextStage
  case jumpToKnee
  case zoomIn, zoomOut, scrollBack, scrollForward, followLive
  case toggleHelp
  case cycleTheme
  case toggleSidePanel
  /// Log panel: focus (Tab), width (`<`/`>` while focused, in columns), scrolling in entries
  /// (negative = back in time), End/Home, errors only, open or close the selected block.
  case toggleLogFocus
  case resizeLogPanel(Int)
  case scrollLog(Int)
  case scrollLogPage(Int)
  case followLog
  case oldestLog
  case toggleLogErrorsOnly
  case toggleLogBlock
  /// The one-line prompt: open it, type, delete, apply, cancel.
  case openPrompt(Prompt.Purpose)
  case promptInput(Character)
  case promptBackspace
  case promptSubmit
  case promptCancel
  /// Repaint everything (Ctrl-L, resize).
  case redraw
  /// Tell the user something in the key bar.
  case notice(String)
}

/// Keys to commands, as a pure function of the key, the view state, the engine phase and the load
/// model, so every key in every state is testable without a terminal.
public enum KeyMap {
  /// What the vuser keys (`V`, `h`, `n`, `,` `.`) say in an open-model run, where arrivals, not
  /// vusers, set the load.
  static let vuserKeyInOpenModel = "open model: +/- set the rate, not vusers"
  /// What the rate keys say in a `rampart find` run, whose search sets the rate.
  static let rateKeyInSearch =
    "find sets the rate itself: p pauses the search, q stops it with its best answer"

  public static func commands(
    for key: Key, state: DashboardState, phase: EngineStatus.Phase, load: LoadModelKind = .closed,
    searching: Bool = false
  ) -> [DashboardCommand] {
    if key == .resize || key == .control("l") { return [.redraw] }
    if state.showHelp {
      // The overlay is modal: any key closes it, and only closes it.
      return [.toggleHelp]
    }
    if state.prompt != nil {
      // The prompt is modal too: keys type into it until Enter or Esc.
      switch key {
      case .enter: return [.promptSubmit]
      case .escape: return [.promptCancel]
      case .backspace, .delete, .control("h"): return [.promptBackspace]
      case .character(let c): return [.promptInput(c)]
      default: return []
      }
    }
    if state.hasLogPanel, let commands = logPanelCommands(for: key, state: state) { return commands }
    let finished = phase == .done
    let open = load == .open
    // A vuser key in an open-model run says why it does nothing rather than reaching the engine.
    func vusers(_ command: DashboardCommand) -> DashboardCommand {
      searching ? .notice(rateKeyInSearch) : open ? .notice(vuserKeyInOpenModel) : command
    }
    // A rate key in a search would move the rate under the step being measured.
    func rate(_ command: DashboardCommand) -> DashboardCommand {
      searching ? .notice(rateKeyInSearch) : command
    }
    switch key {
    case .character("q"), .character("Q"), .escape:
      if finished { return [.exit] }
      if phase == .stopping || state.stopRequested {
        return [.notice("stopping: waiting for in-flight requests (Ctrl-C again quits now)")]
      }
      return [.stopRun]
    case .character("p"), .character(" "):
      switch phase {
      case .running, .paused: return [.togglePause]
      case .starting: return [.notice("the run has not started yet")]
      case .stopping, .done: return [.notice("the run is over: nothing to pause")]
      }
    case .character("+"), .character("="):
      return controlling(phase, rate(open ? .changeRate(1) : .changeVusers(1)))
    case .character("-"), .character("_"):
      return controlling(phase, rate(open ? .changeRate(-1) : .changeVusers(-1)))
    case .character("["): return controlling(phase, rate(open ? .changeRateStep(-1) : .changeRampStep(-1)))
    case .character("]"): return controlling(phase, rate(open ? .changeRateStep(1) : .changeRampStep(1)))
    case .character(","), .character("<"): return controlling(phase, vusers(.changeRampInterval(-1)))
    case .character("."), .character(">"): return controlling(phase, vusers(.changeRampInterval(1)))
    case .character("h"): return controlling(phase, vusers(.toggleHold))
    case .character("n"): return controlling(phase, vusers(.nextStage))
    case .character("V"): return controlling(phase, vusers(.openPrompt(.vusers)))
    case .character("t"): return controlling(phase, .openPrompt(.tag))
    case .character("k"): return [.jumpToKnee]
    case .character("z"): return [.zoomIn]
    case .character("Z"): return [.zoomOut]
    case .left: return [.scrollBack]
    case .right: return [.scrollForward]
    case .character("0"): return [.followLive]
    case .character("?"), .function(1): return [.toggleHelp]
    case .character("T"): return [.cycleTheme]
    case .character("l"): return [.toggleSidePanel]
    default: return []
    }
  }

  /// A control key acts only while the plan runs (or is paused); otherwise it says why not.
  private static func controlling(_ phase: EngineStatus.Phase, _ command: DashboardCommand)
    -> [DashboardCommand]
  {
    switch phase {
    case .running, .paused: return [command]
    case .starting: return [.notice("the run has not started yet")]
    case .stopping, .done: return [.notice("the run is over: nothing to change")]
    }
  }

  /// Keys of the log panel, or nil when the key means something else. Scrolling, filtering and
  /// folding work whenever the panel is on screen; its width changes only while it has focus,
  /// because `<` and `>` also steer the ramp; Esc leaves the focus before it stops anything.
  private static func logPanelCommands(for key: Key, state: DashboardState) -> [DashboardCommand]? {
    let panel = state.logPanel
    if key == .tab { return state.showSidePanel ? [.toggleLogFocus] : [.toggleSidePanel, .toggleLogFocus] }
    guard state.showSidePanel else { return nil }
    switch key {
    case .escape where panel.focused: return [.toggleLogFocus]
    case .character("<") where panel.focused: return [.resizeLogPanel(LogPanelState.widthStep)]
    case .character(">") where panel.focused: return [.resizeLogPanel(-LogPanelState.widthStep)]
    case .up: return [.scrollLog(-1)]
    case .down: return [.scrollLog(1)]
    case .pageUp: return [.scrollLogPage(-1)]
    case .pageDown: return [.scrollLogPage(1)]
    case .end: return [.followLog]
    case .home: return [.oldestLog]
    case .character("/"): return [.openPrompt(.logFilter)]
    case .character("e"): return [.toggleLogErrorsOnly]
    case .enter: return [.toggleLogBlock]
    default: return nil
    }
  }

  /// The key bar's entries for a phase, most useful first (the bar drops what does not fit). An
  /// open-model run passes the step `+` and `-` move its rate by, so the user sees it before
  /// pressing them.
  public static func keyBar(
    phase: EngineStatus.Phase, symbols: SymbolSet, logPanel: LogPanelState? = nil, rateStep: Double? = nil,
    searching: Bool = false
  ) -> [(key: String, action: String)] {
    var entries: [(String, String)] = []
    switch phase {
    case .done: entries.append(("q", "exit"))
    case .stopping: break
    case .paused: entries += [("q", "stop"), ("p", "resume")]
    case .running, .starting: entries += [("q", "stop"), ("p", "pause")]
    }
    if searching && (phase == .running || phase == .paused) {
      entries.append(("t", "tag"))
    } else if phase == .running || phase == .paused {
      let plusMinus = symbols == .unicode ? "±" : "+-"
      entries += [
        ("+/-", rateStep.map { "rate \(plusMinus)\(RateText.setting($0))" } ?? "vusers"), ("t", "tag"),
      ]
    }
    let arrows = symbols == .unicode ? "←/→" : "<-/->"
    if let logPanel {
      if logPanel.focused { entries += [("</>", "width"), ("Esc", "unfocus")] }
      entries += [("/", "filter"), ("e", "errors"), ("Tab", "focus")]
      if !logPanel.isFollowing { entries.insert(("End", "follow"), at: min(2, entries.count)) }
    }
    entries += [
      ("z/Z", "zoom"), (arrows, "scroll"), ("0", "live"), ("T", "theme"), ("l", "logs"), ("?", "help"),
    ]
    return entries
  }

  /// Every key, for the help overlay; an open-model run passes its rate step (see `keyBar`), and
  /// a `rampart find` run says what stopping and pausing do to the search.
  public static func help(_ symbols: SymbolSet, rateStep: Double? = nil, search: Bool = false)
    -> [HelpOverlay.Section]
  {
    let unicode = symbols == .unicode
    let load: [(String, String)] =
      if let rateStep {
        [
          (
            "p  Space",
            search
              ? "pause / resume; paused time is not in the budget"
              : "pause / resume arrivals; none owed on resume"
          )
        ]
          + (search
            ? [("+ - [ ]", "rate keys: find sets the rate itself")]
            : [
              ("+  -", "rate up / down one step, now \(RateText.setting(rateStep))"),
              ("[  ]", "smaller / larger rate step"),
            ])
          + [

            ("V h n , .", "vuser keys: closed model only")
          ]
      } else {
        [
          ("p  Space", "pause / resume the load"),
          ("+  -", "target vusers up / down one ramp step"),
          ("[  ]", "smaller / larger ramp step"),
          (",  .  (< >)", "shorter / longer ramp interval"),
          ("h", "hold the ramp here / release it"),
          ("n", "skip to the next stage"),
          ("V", "type an exact vuser count"),
        ]
      }
    return [
      .init(
        title: "Run",
        keys: [
          (
            "q  Esc",
            search
              ? "stop the search, keeping its best answer; after the end: exit"
              : "stop the run gracefully; after the end: exit"
          ),
          ("Ctrl-C", "same as q; twice quits at once"),
        ] + load + [
          ("t", "tag this second (Enter keeps \"knee?\")"),
          ("k", "show the detected knee"),
        ]),
      .init(
        title: "View",
        keys: [
          ("z  Z", "zoom in / out on time"),
          (unicode ? "←  →" : "<-  ->", "scroll back / forward in time"),
          ("0", "follow the live edge"),
          ("T", "next colour theme"),
          ("l", "show / hide the log panel"),
          ("Ctrl-L", "repaint the screen"),
          ("?  F1", "this help"),
        ]),
      .init(
        title: "Log panel",
        keys: [
          ("Tab", "focus the panel (Esc leaves)"),
          ("<  >", "wider / narrower (focused)"),
          (unicode ? "↑ ↓ PgUp PgDn" : "Up Dn PgUp PgDn", "scroll back; stops following"),
          ("End  Home", "follow the newest / oldest"),
          ("/", "filter by text or regex"),
          ("e", "only error events"),
          ("Enter", "open / fold a traceback"),
        ]),
      .init(
        title: "Markers",
        keys: [
          (unicode ? "▲" : "^", "tag"),
          (unicode ? "‖" : "|", "pause (span shaded)"),
          search
            ? (unicode ? "✓ ✗ ⊘" : "o x !", "search step: pass, fail, client-limited")
            : (unicode ? "◆" : "*", rateStep == nil ? "ramp or vuser change" : "rate change"),
          (unicode ? "★" : "K", "knee (detected)"),
          (unicode ? "■" : "#", "stop or end of plan"),
        ]),
    ]
  }
}
