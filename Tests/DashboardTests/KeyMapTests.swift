import Metrics
import RunFixtures
import TerminalUI
import Testing

@testable import Dashboard

/// Every bound key (and an unbound one) in every engine phase, in both load models, with and
/// without the help overlay.
@Suite(.timeLimit(.minutes(5))) struct KeyMapTests {
  static let phases: [EngineStatus.Phase] = [.starting, .running, .paused, .stopping, .done]
  static let keys: [Key] =
    [
      .character("q"), .character("Q"), .escape, .character("p"), .character(" "), .character("z"),
      .character("Z"), .left, .right, .character("0"), .character("?"), .function(1), .character("T"),
      .character("l"), .control("l"), .resize, .character("x"), .up, .enter, .character("k"),
    ] + "+=-_[],<.>hnVt".map { Key.character($0) }

  /// What a control key asks for while the plan runs, by load model: the open model steers the
  /// rate and refuses the vuser keys with a notice.
  static func control(_ key: Character, _ load: LoadModelKind) -> DashboardCommand {
    let refused = DashboardCommand.notice("open model: +/- set the rate, not vusers")
    let open = load == .open
    switch key {
    case "+", "=": return open ? .changeRate(1) : .changeVusers(1)
    case "-", "_": return open ? .changeRate(-1) : .changeVusers(-1)
    case "[": return open ? .changeRateStep(-1) : .changeRampStep(-1)
    case "]": return open ? .changeRateStep(1) : .changeRampStep(1)
    case ",", "<": return open ? refused : .changeRampInterval(-1)
    case ".", ">": return open ? refused : .changeRampInterval(1)
    case "h": return open ? refused : .toggleHold
    case "n": return open ? refused : .nextStage
    case "V": return open ? refused : .openPrompt(.vusers)
    case "t": return .openPrompt(.tag)
    default: return .notice("no such control key \(key)")
    }
  }

  /// The expected commands, written out as a table rather than derived, so the test can fail.
  static func expected(
    _ key: Key, _ phase: EngineStatus.Phase, help: Bool, stopping: Bool, load: LoadModelKind
  ) -> [DashboardCommand] {
    if key == .resize || key == .control("l") { return [.redraw] }
    if help { return [.toggleHelp] }
    if case .character(let c) = key, "+=-_[],<.>hnVt".contains(c) {
      switch phase {
      case .running, .paused: return [control(c, load)]
      case .starting: return [.notice("the run has not started yet")]
      case .stopping, .done: return [.notice("the run is over: nothing to change")]
      }
    }
    let stopNotice = DashboardCommand.notice(
      "stopping: waiting for in-flight requests (Ctrl-C again quits now)")
    switch key {
    case .character("q"), .character("Q"), .escape:
      if phase == .done { return [.exit] }
      return phase == .stopping || stopping ? [stopNotice] : [.stopRun]
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
    case .character("k"): return [.jumpToKnee]
    default: return []
    }
  }

  @Test(arguments: phases, [LoadModelKind.closed, .open])
  func everyKeyInEveryState(phase: EngineStatus.Phase, load: LoadModelKind) {
    for help in [false, true] {
      for stopping in [false, true] {
        var state = DashboardState()
        state.showHelp = help
        state.stopRequested = stopping
        for key in Self.keys {
          let got = KeyMap.commands(for: key, state: state, phase: phase, load: load)
          #expect(
            got == Self.expected(key, phase, help: help, stopping: stopping, load: load),
            "key \(key) phase \(phase) load \(load) help \(help) stopping \(stopping)")
        }
      }
    }
  }

  @Test("in a find run the rate and vuser keys say why they do nothing; p, q and t act as ever")
  func findOwnsTheRate() {
    let notice = [DashboardCommand.notice(KeyMap.rateKeyInSearch)]
    for key in ["+", "-", "[", "]", "h", "n", "V", ",", "."].map(Key.character) {
      #expect(
        KeyMap.commands(for: key, state: DashboardState(), phase: .running, load: .open, searching: true)
          == notice,
        "\(key)")
    }
    let search = { (key: Key) in
      KeyMap.commands(for: key, state: DashboardState(), phase: .running, load: .open, searching: true)
    }
    #expect(search(.character("p")) == [.togglePause])
    #expect(search(.character("q")) == [.stopRun])
    #expect(search(.character("t")) == [.openPrompt(.tag)])
    // Once the run is over the keys say that, as in any run.
    #expect(
      KeyMap.commands(
        for: .character("+"), state: DashboardState(), phase: .done, load: .open, searching: true)
        == [.notice("the run is over: nothing to change")])
    let bar = KeyMap.keyBar(phase: .running, symbols: .unicode, rateStep: 10, searching: true)
    #expect(!bar.contains { $0.key == "+/-" } && bar.contains { $0.key == "t" }, "\(bar)")
  }

  @Test func keyBarOffersWhatThePhaseAllows() {
    #expect(KeyMap.keyBar(phase: .running, symbols: .unicode).prefix(2).map(\.action) == ["stop", "pause"])
    #expect(KeyMap.keyBar(phase: .paused, symbols: .unicode).prefix(2).map(\.action) == ["stop", "resume"])
    #expect(KeyMap.keyBar(phase: .done, symbols: .unicode).first?.action == "exit")
    #expect(!KeyMap.keyBar(phase: .stopping, symbols: .unicode).contains { $0.action == "stop" })
    let ascii = KeyMap.keyBar(phase: .running, symbols: .ascii).map { $0.key + $0.action }.joined()
    let allASCII = ascii.unicodeScalars.allSatisfy { $0.isASCII }
    #expect(allASCII)
  }

  @Test func openModelKeyBarShowsTheRateStep() {
    func action(_ phase: EngineStatus.Phase, _ symbols: SymbolSet, _ step: Double?) -> String? {
      KeyMap.keyBar(phase: phase, symbols: symbols, rateStep: step).first { $0.key == "+/-" }?.action
    }
    #expect(action(.running, .unicode, 200) == "rate ±200/s")
    #expect(action(.paused, .ascii, 5000) == "rate +-5000/s")
    #expect(action(.running, .unicode, nil) == "vusers")
    #expect(action(.done, .unicode, 200) == nil)
  }

  @Test func openModelHelpNamesTheStepAndTheVuserKeys() {
    let open = KeyMap.help(.unicode, rateStep: 500).flatMap(\.keys)
    #expect(open.contains { $0.key == "+  -" && $0.action == "rate up / down one step, now 500/s" })
    #expect(open.contains { $0.key == "[  ]" && $0.action == "smaller / larger rate step" })
    #expect(open.contains { $0.key == "V h n , ." && $0.action == "vuser keys: closed model only" })
    #expect(open.contains { $0.action == "rate change" })
    #expect(!KeyMap.help(.unicode).flatMap(\.keys).contains { $0.action.contains("rate") })
  }

  @Test func helpListsEveryBoundKey() {
    let listed = KeyMap.help(.unicode).flatMap(\.keys).map(\.key).joined(separator: " ")
    for key in ["q", "Esc", "Ctrl-C", "p", "Space", "z", "Z", "←", "→", "0", "T", "l", "Ctrl-L", "?", "F1"] {
      #expect(listed.contains(key), "\(key) missing from help")
    }
  }
}

@Suite(.timeLimit(.minutes(5))) struct ViewportTests {
  @Test func wholeRunByDefaultToThePlannedEnd() {
    let v = Viewport()
    #expect(v.range(elapsed: 42, plannedDuration: 600) == 0...600)
    #expect(v.range(elapsed: 700, plannedDuration: 600) == 0...700)
    #expect(v.range(elapsed: 5, plannedDuration: nil) == 0...30)
  }

  @Test func zoomScrollAndFollow() {
    var v = Viewport()
    v.zoomIn(elapsed: 400, plannedDuration: 600)
    #expect(v.range(elapsed: 400, plannedDuration: 600) == 100...400)
    v.scrollBack(elapsed: 400)
    #expect(v.range(elapsed: 400, plannedDuration: 600) == 25...325)
    #expect(!v.isFollowing)
    v.scrollBack(elapsed: 400)
    v.scrollBack(elapsed: 400)
    #expect(v.range(elapsed: 400, plannedDuration: 600) == 0...300)
    v.scrollForward(elapsed: 400)
    #expect(v.range(elapsed: 400, plannedDuration: 600) == 75...375)
    v.scrollForward(elapsed: 400)
    #expect(v.isFollowing)
    #expect(v.range(elapsed: 400, plannedDuration: 600) == 100...400)
    v.zoomOut(elapsed: 400, plannedDuration: 600)
    #expect(v.isWholeRun)
    for _ in 0..<20 { v.zoomIn(elapsed: 400, plannedDuration: 600) }
    #expect(v.span == Viewport.minimumSpan)
  }
}
