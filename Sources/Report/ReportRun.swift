import Foundation
import Metrics
import RunStore
import Vocabulary

/// One run as the report draws it: its letter and colour, headline figures, and what the charts
/// mark (pauses, the moment the ramp reached the knee).
struct ReportRun {
  var letter: String
  var index: Int
  var run: LoadedRun
  var figures: RunFigures
  var curve: [CapacityPoint]
  var minMs: Double
  var bytesIn: Int
  var bytesOut: Int
  /// Paused intervals in elapsed seconds; a pause still open at the end runs to the end.
  var pauses: [ClosedRange<Double>]
  /// When the ramp first held the knee's vusers (where the knee is marked on time charts).
  var kneeTime: Double?
  var endS: Double

  var pausedS: Double { pauses.reduce(0) { $0 + $1.upperBound - $1.lowerBound } }
  var color: String { ReportPalette.run(index) }
  var dash: String? { Chart.runDashes[index % Chart.runDashes.count] }
  var name: String { run.meta.name }
  /// "A one-backend".
  var label: String { "\(letter) \(name)" }
  /// `rampart find` only: the search's answer (a search killed before its summary has none).
  var capacity: CapacityResult? { figures.capacity }
  var watchedSources: [String] { figures.watchedSources }
  var hasLogErrors: Bool {
    run.samples.contains { $0.logErrors != nil } || !(figures.logErrors ?? [:]).isEmpty
  }

  init(_ run: LoadedRun, index: Int, figures: RunFigures? = nil, curve: [CapacityPoint]? = nil) {
    self.run = run
    self.index = index
    letter = index < RunComparison.letters.count ? RunComparison.letters[index] : "\(index + 1)"
    self.figures = figures ?? RunFigures(run)
    self.curve = curve ?? CapacityCurve.points(run.samples)
    let measured = run.samples.filter { $0.completed > 0 }
    minMs = run.summary?.minMs ?? measured.map(\.minMs).min() ?? 0
    bytesIn = run.summary?.bytesIn ?? run.samples.reduce(0) { $0 + $1.bytesIn }
    bytesOut = run.summary?.bytesOut ?? run.samples.reduce(0) { $0 + $1.bytesOut }
    let end = max(self.figures.durationS, run.samples.last.map { Double($0.t) + $0.duration } ?? 0)
    endS = end
    pauses = Self.pauses(run.events, end: end)
    if let knee = self.figures.knee {
      kneeTime = run.samples.first { $0.vusers >= knee.vusers }.map { Double($0.t) } ?? Double(knee.second)
    }
  }

  static func pauses(_ events: [RunEvent], end: Double) -> [ClosedRange<Double>] {
    var out: [ClosedRange<Double>] = []
    var since: Double?
    for event in events.sorted(by: { $0.elapsed < $1.elapsed }) {
      switch event.kind {
      case .pause where since == nil: since = event.elapsed
      case .resume:
        if let start = since { out.append(start...max(start, event.elapsed)) }
        since = nil
      default: break
      }
    }
    if let start = since { out.append(start...max(start, end)) }
    return out
  }

  /// "knee 20 vusers · 199/s".
  var kneeText: String? {
    figures.knee.map { "knee \($0.vusers) vusers · \(RateText.perSecond($0.tps, style: .report))" }
  }

  /// The active vusers at an elapsed time (where a tag sits on a capacity curve).
  func vusers(at elapsed: Double) -> Int? {
    run.samples.last { Double($0.t) <= elapsed }?.vusers ?? run.samples.first?.vusers
  }
}
