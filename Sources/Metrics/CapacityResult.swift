import Vocabulary

/// One step of a capacity search (`rampart find`): a rate held for a while, its warm-up left out,
/// judged against every SLO over the seconds measured. Kept in the summary and the report.
public struct SearchStep: Codable, Sendable, Equatable {
  public enum Phase: String, Codable, Sendable {
    /// The fast ramp that brackets the boundary: short steps, rate doubled each time.
    case explore
    /// A step held long enough for the SLO's percentile to mean something.
    case hold
  }

  public enum Verdict: String, Codable, Sendable {
    case pass, fail
    /// Every SLO held, but rampart could not offer the whole rate (arrivals waited for a vuser
    /// past their time, were dropped, or the client's loops lagged): the step says nothing about
    /// the target.
    case clientLimited = "client_limited"
  }

  public var phase: Phase
  /// The offered rate, requests/s.
  public var rate: Double
  /// Run seconds (`t` of the rows) where the step began and where its measured window began and
  /// ended (end exclusive).
  public var startS: Int
  public var windowStartS: Int
  public var endS: Int
  public var verdict: Verdict
  /// Each SLO over the measured window, as thresholds are reported.
  public var results: [ThresholdResult]
  /// Completed requests in the window, and how many the SLOs' percentiles want.
  public var samples: Int
  public var samplesNeeded: Int
  /// Completions per second in the window.
  public var achievedRps: Double
  public var mttMs: Double

  public init(
    phase: Phase, rate: Double, startS: Int, windowStartS: Int, endS: Int, verdict: Verdict,
    results: [ThresholdResult], samples: Int, samplesNeeded: Int, achievedRps: Double, mttMs: Double
  ) {
    self.phase = phase
    self.rate = rate
    self.startS = startS
    self.windowStartS = windowStartS
    self.endS = endS
    self.verdict = verdict
    self.results = results
    self.samples = samples
    self.samplesNeeded = samplesNeeded
    self.achievedRps = achievedRps
    self.mttMs = mttMs
  }

  enum CodingKeys: String, CodingKey {
    case phase, rate, startS = "start_s", windowStartS = "window_start_s", endS = "end_s", verdict, results
    case samples, samplesNeeded = "samples_needed", achievedRps = "achieved_rps", mttMs = "mtt_ms"
  }

  /// The SLO that failed by the widest margin (observed over limit), nil when none failed.
  public func worstFailure(among slos: [Threshold]) -> ThresholdResult? {
    results.filter { !$0.ok }.max { margin($0, slos) < margin($1, slos) }
  }

  private func margin(_ result: ThresholdResult, _ slos: [Threshold]) -> Double {
    guard let slo = slos.first(where: { $0.expression == result.expr }), slo.limit > 0 else {
      return result.observed
    }
    let ratio = result.observed / slo.limit
    return [.less, .lessOrEqual].contains(slo.comparison) ? ratio : 1 / max(ratio, 1e-9)
  }
}

/// The answer of a capacity search: the highest rate that passed every SLO, the lowest that
/// failed, and what broke. `summary.json`'s `capacity` object; `--json` also lifts
/// `capacity_rps`, `failed_rps` and `limiting_slo` to the top level.
public struct CapacityResult: Codable, Sendable, Equatable {
  public enum Verdict: String, Codable, Sendable {
    /// The boundary lies between `capacityRps` and `failedRps`, narrowed to the precision asked.
    case found
    /// Every SLO held at `--max-rate`: the capacity is at least that.
    case passesAtMaxRate = "passes_at_max_rate"
    /// An SLO failed at `--min-rate`: no rate passed.
    case failsAtMinRate = "fails_at_min_rate"
    /// rampart could not offer more from this machine before an SLO broke: the capacity is at
    /// least `capacityRps`, and the target was not the limit.
    case clientLimited = "client_limited"
    /// The time budget ran out before the interval was as narrow as asked.
    case budgetSpent = "budget_spent"
    /// The user stopped the search: the best answer so far.
    case stopped
  }

  public var verdict: Verdict
  /// The highest rate that passed every SLO over a held step; nil when none did.
  public var capacityRps: Double?
  /// The lowest rate at which an SLO failed; nil when none did.
  public var failedRps: Double?
  /// The SLO that broke at `failedRps` (the widest margin when several did), and what it read.
  public var limitingSLO: String?
  public var limitingObserved: Double?
  /// (failed - capacity) / failed: how narrow the interval got.
  public var precision: Double?
  /// The closed-model view: the concurrency that rate means by Little's law (rate x mean response
  /// time at the step that passed).
  public var vusersAtCapacity: Int?
  public var slos: [String]
  public var steps: [SearchStep]

  public init(
    verdict: Verdict, capacityRps: Double?, failedRps: Double?, limitingSLO: String?,
    limitingObserved: Double?,
    precision: Double?, vusersAtCapacity: Int?, slos: [String], steps: [SearchStep]
  ) {
    self.verdict = verdict
    self.capacityRps = capacityRps
    self.failedRps = failedRps
    self.limitingSLO = limitingSLO
    self.limitingObserved = limitingObserved
    self.precision = precision
    self.vusersAtCapacity = vusersAtCapacity
    self.slos = slos
    self.steps = steps
  }

  enum CodingKeys: String, CodingKey {
    case verdict, capacityRps = "capacity_rps", failedRps = "failed_rps", limitingSLO = "limiting_slo"
    case limitingObserved = "limiting_observed", precision, vusersAtCapacity = "vusers_at_capacity", slos,
      steps
  }

  /// The limiting SLO's observed figure as people read it ("412ms", "3.20%").
  public var limitingObservedText: String? {
    guard let expr = limitingSLO, let value = limitingObserved,
      let result = steps.flatMap(\.results).first(where: { $0.expr == expr })
    else { return nil }
    return result.unit.text(value)
  }

  /// The closed-model view in words, as the summary and the report say it: "about 37 vusers at
  /// capacity (Little's law)"; nil when no rate passed.
  public var vusersAtCapacityText: String? {
    vusersAtCapacity.map { "about \($0) vusers at capacity (Little's law)" }
  }

  /// One line: "capacity 190/s (failed at 200/s: p99<300ms read 412ms; 5.0% apart)".
  public var headline: String {
    let capacity = capacityRps.map { RateText.live($0) }
    let broke = failedRps.map { rate in
      "failed at \(RateText.live(rate))"
        + (limitingSLO.map { ": \($0) read \(limitingObservedText ?? "?")" } ?? "")
    }
    switch verdict {
    case .found, .budgetSpent, .stopped:
      let note =
        verdict == .found ? "" : verdict == .budgetSpent ? ", budget spent" : ", stopped early"
      guard let capacity else {
        return "no rate passed yet" + (broke.map { " (\($0))" } ?? "") + note
      }
      let apart = precision.map { "; " + ThresholdUnit.fraction.text($0) + " apart" } ?? ""
      return "capacity \(capacity)" + (broke.map { " (\($0)\(apart))" } ?? "") + note
    case .passesAtMaxRate: return "capacity at least \(capacity ?? "?"): every SLO held at --max-rate"
    case .failsAtMinRate: return "no capacity: \(broke ?? "every SLO failed") at --min-rate"
    case .clientLimited:
      return "capacity at least \(capacity ?? "?"): rampart could not offer more from this machine"
    }
  }
}
