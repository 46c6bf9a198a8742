import Metrics
import TerminalUI

/// What a key asks for. The loop applies these to the view state and the engine.
public enum DashboardCommand: Sendable, Equatable {
  /// Graceful stop: in-flight requests finish, then the summary.
  case stopRun
  /// Leave the dashboard (after the run is over).
  case exit
  case togglePause
  case zoomIn, zoomOut, scrollBack, scrollForward, followLive
  case toggleHelp
  case cycleTheme
  case toggleSidePanel
  /// Repaint everything (Ctrl-L, resize).
  case redraw
  /// Tell the user something in the key bar.
  case notice(String)
}

/// Keys to commands, as a pure function of the key, the view state and the engine phase, so every
/// key in every state is testable without a terminal.
public enum KeyMap {
  public static func commands(for key: Key, state: DashboardState, phase: EngineStatus.Phase)
    -> [DashboardCommand]
  {
    if key == .resize || key == .control("l") { return [.redraw] }
    if state.showHelp {
      // The overlay is modal: any key closes it, and only closes it.
      return [.toggleHelp]
    }
    let finished = phase == .done
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

  /// The key bar's entries for a phase, most useful first (the bar drops what does not fit).
  public static func keyBar(phase: EngineStatus.Phase, symbols: SymbolSet) -> [(key: String, action: String)]
  {
    var entries: [(String, String)] = []
    switch phase {
    case .done: entries.append(("q", "exit"))
    case .stopping: break
    case .paused: entries += [("q", "stop"), ("p", "resume")]
    case .running, .starting: entries += [("q", "stop"), ("p", "pause")]
    }
    let arrows = symbols == .unicode ? "←/→" : "<-/->"
    entries += [
      ("z/Z", "zoom"), (arrows, "scroll"), ("0", "live"), ("T", "theme"), ("l", "logs"), ("?", "help"),
    ]
    return entries
  }

  /// Every key, for the help overlay.
  public static func help(_ symbols: SymbolSet) -> [HelpOverlay.Section] {
    let unicode = symbols == .unicode
    return [
      .init(
        title: "Run",
        keys: [
          ("q  Esc", "stop the run gracefully; after the end: exit"),
          ("Ctrl-C", "same as q; twice quits at once"),
          ("p  Space", "pause / resume the load"),
        ]),
      .init(
        title: "View",
        keys: [
          ("z  Z", "zoom in / out on time"),
          (unicode ? "←  →" : "<-  ->", "scroll back / forward in time"),
          ("0", "follow the live edge"),
          ("T", "next colour theme"),
          ("l", "show / hide the side panel"),
          ("Ctrl-L", "repaint the screen"),
          ("?  F1", "this help"),
        ]),
      .init(
        title: "Markers",
        keys: [
          (unicode ? "▲" : "^", "tag"),
          (unicode ? "‖" : "|", "pause (span shaded)"),
          (unicode ? "◆" : "*", "ramp or vuser change"),
          (unicode ? "■" : "#", "stop or end of plan"),
        ]),
    ]
  }
}
