import Foundation
import Metrics
import TerminalUI
import Theme

extension ErrorKind {
  /// The theme role that colours this kind; kinds with the same cause share a role, and the
  /// legend names every kind, so colour is never the only clue.
  var role: ThemeRole {
    switch self {
    case .dns, .connectRefused, .connectTimeout, .connectReset, .tls, .emfile, .addrNotAvailable:
      .errorConnect
    case .timeout: .errorTimeout
    case .write, .readReset, .readEOF: .errorReset
    case .protocol, .tooManyRedirects: .errorProtocol
    case .http4xx: .error4xx
    case .http5xx: .error5xx
    }
  }
}

extension EngineStatus.Phase {
  var role: ThemeRole {
    switch self {
    case .starting, .running: .running
    case .paused: .paused
    case .stopping: .stopping
    case .done: .done
    }
  }

  /// A glyph beside the state's name, so state reads without colour.
  func glyph(_ symbols: SymbolSet) -> String {
    switch (self, symbols) {
    case (.starting, .unicode): "…"
    case (.starting, .ascii): ".."
    case (.running, .unicode): "▶"
    case (.running, .ascii): ">"
    case (.paused, .unicode): "‖"
    case (.paused, .ascii): "||"
    case (.stopping, .unicode): "◼"
    case (.stopping, .ascii): "#"
    case (.done, .unicode): "✔"
    case (.done, .ascii): "ok"
    }
  }
}

/// Marker glyphs on the charts for journalled events.
enum MarkerGlyph {
  /// The legend's word for a kind of marker.
  static func name(_ kind: RunEvent.Kind) -> String {
    switch kind {
    case .tag: "tag"
    case .pause: "pause"
    case .knee: "knee"
    case .threshold: "threshold"
    case .journalStopped: "journal stopped"
    case .stop, .planEnd: "end"
    case .setRate: "rate"
    default: "ramp"
    }
  }

  static func of(_ kind: RunEvent.Kind, _ symbols: SymbolSet) -> (Character, ThemeRole)? {
    let unicode = symbols == .unicode
    switch kind {
    case .tag: return (unicode ? "▲" : "^", .tag)
    case .knee: return (unicode ? "★" : "K", .knee)
    case .threshold: return (unicode ? "✗" : "x", .bad)
    case .pause: return (unicode ? "‖" : "|", .paused)
    case .setVusers, .setRate, .rampStep, .rampInterval, .hold, .release, .nextStage:
      return (unicode ? "◆" : "*", .rampChange)
    case .stop, .planEnd: return (unicode ? "■" : "#", .muted)
    case .journalStopped: return (JournalGlyph.stopped, .warning)
    case .start, .resume, .fileLimit, .logErrors, .searchStep, .capacity, .watchLost, .watchBack: return nil
    }
  }
}

/// Where journalling stopped, in the header and on the charts: the same in both symbol sets, so
/// it needs no font.
enum JournalGlyph {
  static let stopped: Character = "!"
}

/// Beside CLIENT-LIMITED in the header, so the state reads without colour.
enum ClientLimitedGlyph {
  static func of(_ symbols: SymbolSet) -> String { symbols == .unicode ? "⊘" : "!" }
}

/// Pass and fail beside each threshold and in the header, so the verdict reads without colour.
enum ThresholdGlyph {
  static func pass(_ symbols: SymbolSet) -> String { symbols == .unicode ? "✓" : "ok" }
  static func fail(_ symbols: SymbolSet) -> String { symbols == .unicode ? "✗" : "x" }
}

/// Colours for log error classes: assigned by name order so a class keeps its colour while
/// counts change; the legend and the stats panel name every class, so colour is never alone.
enum LogErrorPalette {
  static let roles: [ThemeRole] = [
    .logError, .logCritical, .logWarning, .errorTimeout, .errorReset, .errorProtocol,
  ]

  /// Classes seen so far by name, each with its role.
  static func classes(_ totals: [String: Int]) -> [(name: String, role: ThemeRole)] {
    totals.keys.sorted().enumerated().map { ($1, roles[$0 % roles.count]) }
  }
}

/// Colours for the target's watched sources: by position, the sources the user named first in
/// the order given, so a source keeps its colour on the lane and in the stats panel; the legend
/// and the panel name every source, so colour is never alone.
enum WatchPalette {
  static let roles: [ThemeRole] = [.watchA, .watchB, .watchC, .watchD]

  /// The sources named (`names`, in order) and any others the rows hold, each with its role.
  static func sources(names: [String], samples: [SecondSample]) -> [WatchedSource] {
    var all = names
    var seen = Set(names)
    for sample in samples {
      for name in (sample.watch ?? [:]).keys.sorted() where seen.insert(name).inserted { all.append(name) }
    }
    return all.enumerated().map {
      WatchedSource(name: $1, label: WatchedSource.label(of: $1), role: roles[$0 % roles.count])
    }
  }
}

/// A watched source as the screen shows it: `name` keys the rows' figures (the full pattern, as
/// the summary and series.jsonl spell it), `label` is what the legend and the panel print.
struct WatchedSource {
  var name: String
  var label: String
  var role: ThemeRole

  /// Labels this long or shorter are shown whole: they fit a legend beside the others, and a
  /// Target row of the stats panel at 120 columns with its figures (`0.25 47.7 MiB`) beside it.
  static let longestLabel = 16

  /// A longer name keeps its start and its end around an ellipsis, so two backends told apart
  /// only by their ports (`uvicorn app:app --port 8001`, `... 8002`) stay told apart.
  static func label(of name: String) -> String {
    guard name.count > longestLabel else { return name }
    let tail = (longestLabel - 1) / 2
    let head = longestLabel - 1 - tail
    func trimmed(_ text: Substring) -> String { text.trimmingCharacters(in: .whitespaces) }
    return trimmed(name.prefix(head)) + "…" + trimmed(name.suffix(tail))
  }
}
