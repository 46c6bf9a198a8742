import Foundation
import Metrics
import Vocabulary

/// What the x axis of a comparison is: time since each run started, or active vusers.
public enum CompareAxis: String, Sendable, Codable, CaseIterable {
  case time, vusers
}

/// One run in a comparison, with its letter.
public struct ComparedRun: Sendable {
  /// "A", "B", "C", "D" in the order given.
  public var letter: String
  public var run: LoadedRun
  public var figures: RunFigures
  public var curve: [CapacityPoint]

  public var name: String { run.meta.name }
}

/// One line of the delta table: a figure of every run, which is better, and by how much each
/// differs from run A.
public struct DeltaRow: Sendable, Equatable, Codable {
  /// Which way is better; `neither` for a figure read side by side without a verdict (a watched
  /// source's CPU: twice the cores on twice the backends is neither a gain nor a loss).
  public enum Better: String, Sendable, Codable { case higher, lower, neither }

  public var key: String
  public var title: String
  public var unit: String
  public var better: Better
  public var values: [Double?]
  /// Index of the better value; nil with fewer than two values or when they are all within
  /// `DeltaRow.tieTolerance` of each other.
  public var best: Int?
  /// (value - A) / A in percent; nil for A itself and where A is 0 or missing.
  public var deltaPercent: [Double?]

  /// Differences below this share count as a tie, so noise earns no mark.
  public static let tieTolerance = 0.005

  enum CodingKeys: String, CodingKey {
    case key, title, unit, better, values, best, deltaPercent = "delta_pct"
  }

  init(key: String, title: String, unit: String, better: Better, values: [Double?]) {
    self.key = key
    self.title = title
    self.unit = unit
    self.better = better
    self.values = values
    let present = values.enumerated().compactMap { i, v in v.map { (i, $0) } }
    if present.count >= 2, better != .neither {
      let pick = better == .higher ? present.max { $0.1 < $1.1 }! : present.min { $0.1 < $1.1 }!
      let spread = abs(present.map(\.1).max()! - present.map(\.1).min()!)
      let scale = max(abs(pick.1), 1e-9)
      best = spread / scale > Self.tieTolerance ? pick.0 : nil
    }
    let base = values.first ?? nil
    deltaPercent = values.enumerated().map { i, v in
      guard i > 0, let v, let base, abs(base) > 1e-12 else { return nil }
      return (v - base) / base * 100
    }
  }
}

/// Two to four runs side by side: their series on one axis, the delta table and the notes a
/// reader needs before trusting it (a killed run, a journal cut short by a full disk, different
/// plans, different tags).
public struct RunComparison: Sendable {
  public var runs: [ComparedRun]
  public var axis: CompareAxis
  /// The highest vuser level every run held, where "at the same vusers" rows are read.
  public var commonVusers: Int?
  public var rows: [DeltaRow]
  public var notes: [String]

  public static let letters = ["A", "B", "C", "D"]

  public init(_ loaded: [LoadedRun], axis: CompareAxis) throws(CompareError) {
    guard (2...Self.letters.count).contains(loaded.count) else { throw .runCount(loaded.count) }
    let runs = zip(Self.letters, loaded).map { letter, run in
      ComparedRun(
        letter: letter, run: run, figures: RunFigures(run), curve: CapacityCurve.points(run.samples))
    }
    self.runs = runs
    self.axis = axis
    let reach = runs.map { $0.curve.last?.vusers }
    // Open-model runs' curves lie on the offered rate, closed ones' on vusers: no common level
    // between the two kinds.
    let models = Set(runs.map(\.figures.model))
    commonVusers =
      reach.contains(where: { $0 == nil }) || models.count > 1
      ? nil : reach.compactMap { $0 }.min().map { Int($0.rounded()) }
    rows = Self.rows(runs, at: commonVusers)
    notes = Self.notes(runs, axis: axis)
  }

  static func rows(_ runs: [ComparedRun], at vusers: Int?) -> [DeltaRow] {
    func row(
      _ key: String, _ title: String, _ unit: String, _ better: DeltaRow.Better,
      _ value: (ComparedRun) -> Double?
    )
      -> DeltaRow
    {
      DeltaRow(key: key, title: title, unit: unit, better: better, values: runs.map(value))
    }
    func atVusers(_ metric: @escaping (CapacityPoint) -> Double) -> (ComparedRun) -> Double? {
      { run in vusers.flatMap { CapacityCurve.value(at: Double($0), in: run.curve, metric) } }
    }
    let onRate = runs.allSatisfy { $0.figures.model == .open }
    let at =
      onRate
      ? vusers.map { " at \($0)/s offered" } ?? " at the same rate"
      : vusers.map { " at \($0) vusers" } ?? " at the same vusers"
    // `rampart find` runs: the search's answer first, the question the comparison is for.
    let capacityRows =
      runs.contains(where: { $0.figures.capacity != nil })
      ? [
        row("capacity_rps", "Capacity (within SLO)", "/s", .higher) { $0.figures.capacity?.capacityRps },
        row("failed_rps", "Lowest failing rate", "/s", .higher) { $0.figures.capacity?.failedRps },
        row("vusers_at_capacity", "Vusers at capacity", "vusers", .higher) {
          $0.figures.capacity?.vusersAtCapacity.map(Double.init)
        },
      ] : []
    var rows =
      capacityRows + [
        row("tps_peak", "Peak TPS", "/s", .higher) { $0.figures.tpsPeak },
        row("tps", "Mean TPS", "/s", .higher) { $0.figures.tps },
        row("tps_at_vusers", "TPS" + at, "/s", .higher, atVusers(\.tps)),
        row("mtt_at_vusers", "MTT" + at, "ms", .lower, atVusers(\.mttMs)),
        row("p99_at_vusers", "p99" + at, "ms", .lower, atVusers(\.p99Ms)),
        row("mtt", "MTT (whole run)", "ms", .lower) { $0.figures.mttMs },
        row("p99", "p99 (whole run)", "ms", .lower) { $0.figures.p99Ms },
        row("error_pct", "Error rate", "%", .lower) { $0.figures.errorRate * 100 },
        row("knee_vusers", "Knee vusers", "vusers", .higher) { $0.figures.knee.map { Double($0.vusers) } },
        row("knee_tps", "Knee TPS", "/s", .higher) { $0.figures.knee?.tps },
      ]
    if runs.contains(where: { $0.figures.model == .open }) {
      // Open-model runs: the other latency view, what the client held back, the knee's rate.
      rows += [
        row("p99_uncorrected", "p99 from the send (uncorrected)", "ms", .lower) {
          $0.figures.uncorrected?.p99Ms
        },
        row("late", "Late arrivals", "", .lower) { $0.figures.late.map(Double.init) },
        row("dropped", "Dropped arrivals", "", .lower) { $0.figures.dropped.map(Double.init) },
        row("knee_rate", "Knee offered rate", "/s", .higher) { $0.figures.knee?.rate },
      ]
    }
    rows += targetRows(runs)
    let classes = Set(runs.flatMap { ($0.figures.logErrors ?? [:]).keys }).sorted()
    for name in classes {
      rows.append(
        row("log_errors.\(name)", "Log \(name)", "", .lower) { run in
          run.figures.logErrors.map { Double($0[name] ?? 0) }
        })
    }
    return rows
  }

  static func notes(_ runs: [ComparedRun], axis: CompareAxis) -> [String] {
    var notes: [String] = []
    for run in runs {
      let who = "\(run.letter) (\(run.name))"
      switch run.run.outcome {
      case .complete: break
      case .incomplete:
        notes.append("\(who) is incomplete: \(run.run.incompleteText)")
      default:
        notes.append(
          "\(who) was \(run.run.outcome.rawValue.replacingOccurrences(of: "_", with: " ")) at "
            + ClockText.format(run.figures.durationS))
      }
      if run.run.summary != nil, let stop = run.run.journalStop {
        notes.append("\(who): \(stop.withSummaryText)")
      }
      if run.run.discardedLines > 0 {
        notes.append("\(who): \(run.run.discardedLines) unreadable journal line(s) skipped")
      }
    }
    notes += capacityNotes(runs)
    if Set(runs.map(\.run.meta.plan)).count > 1 {
      let plans = runs.map { "\($0.letter) \($0.run.meta.plan)" }.joined(separator: "; ")
      notes.append(
        axis == .time
          ? "plans differ (\(plans)): by time the curves need not line up; --by vusers compares capacity"
          : "plans differ (\(plans)): compared by vusers")
    }
    if Set(runs.map(\.run.meta.target)).count > 1 {
      notes.append("targets: " + runs.map { "\($0.letter) \($0.run.meta.target)" }.joined(separator: "; "))
    }
    let tagSets = runs.map { $0.figures.tags.map(\.label) }
    if Set(tagSets).count > 1 {
      let listed = runs.map { run in
        let tags = run.figures.tags.map { "'\($0.label)' \(ClockText.format($0.elapsedS))" }
        return "\(run.letter) " + (tags.isEmpty ? "none" : tags.joined(separator: ", "))
      }
      notes.append("tags differ: " + listed.joined(separator: "; "))
    }
    return notes
  }
}

extension RunComparison {
  /// Per watched source (by name, across the runs): peak and mean CPU in cores and peak memory,
  /// with no verdict, so one backend against two reads `1.00 core  1.99 cores  +100%`. A run
  /// that did not watch the source has `-`.
  static func targetRows(_ runs: [ComparedRun]) -> [DeltaRow] {
    let sources = Set(runs.flatMap { ($0.figures.watch ?? [:]).keys }).sorted()
    return sources.flatMap { name in
      func row(_ key: String, _ title: String, _ unit: String, _ value: (TargetSummary) -> Double?)
        -> DeltaRow
      {
        DeltaRow(
          key: "watch.\(name).\(key)", title: "\(name) \(title)", unit: unit, better: .neither,
          values: runs.map { $0.figures.watch?[name].flatMap(value) })
      }
      return [
        row("cpu_cores_peak", "CPU peak", "cores", \.cpuCoresPeak),
        row("cpu_cores_mean", "CPU mean", "cores", \.cpuCoresMean),
        row("rss_bytes_peak", "memory peak", "B", \.rssBytesPeak),
      ]
    }
  }

  /// What a reader must know before trusting the capacity row: a bound that is not a boundary,
  /// a search that was cut short, SLOs that differ between the runs.
  static func capacityNotes(_ runs: [ComparedRun]) -> [String] {
    let searched = runs.filter { $0.figures.capacity != nil }
    guard !searched.isEmpty else { return [] }
    var notes: [String] = []
    for run in runs {
      let who = "\(run.letter) (\(run.name))"
      guard let capacity = run.figures.capacity else {
        notes.append("\(who) has no capacity search: its capacity row is empty")
        continue
      }
      if capacity.verdict != .found { notes.append("\(who): \(capacity.headline)") }
    }
    let sloSets = Set(searched.map { $0.figures.capacity?.slos ?? [] })
    if sloSets.count > 1 {
      let listed = searched.map { run in
        "\(run.letter) " + (run.figures.capacity?.slos ?? []).joined(separator: ", ")
      }
      notes.append("SLOs differ: " + listed.joined(separator: "; "))
    }
    return notes
  }
}

public enum CompareError: Error, Equatable, Sendable, CustomStringConvertible {
  case runCount(Int)

  public var description: String {
    switch self {
    case .runCount(let n): "compare takes 2 to 4 runs, got \(n)"
    }
  }
}
