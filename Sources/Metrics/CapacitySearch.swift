import Vocabulary

/// The search behind `rampart find`: the highest arrival rate a service sustains within its SLOs.
/// Pure: it reads one closed second at a time and answers what the run should do next (measure,
/// change the rate, finish). No load tool we know of does this (k6-operator#120, Locust #986,
/// oha #607 ask for it), so it is written here.
///
/// First a fast exploratory ramp (short steps, the rate doubled from `--min-rate`) until an SLO
/// breaks, rampart cannot offer more, or `--max-rate` passes. Then steps held at chosen rates,
/// each with its warm-up left out and its window long enough for the SLO's percentile, bisect the
/// interval between the highest rate that passed and the lowest that failed until it is within
/// `precision`. Only a held step may set the answer's capacity; a failure at any step bounds it.
public struct CapacitySearch: Sendable {
  public struct Settings: Sendable, Equatable {
    public var slos: [Threshold]
    public var minRate: Double
    public var maxRate: Double
    /// Seconds of a held step, its warm-up included.
    public var stepTime: Double
    /// (failed - passed) / failed at which the search stops.
    public var precision: Double
    /// Seconds the whole search may take (paused seconds do not count).
    public var budget: Double
    /// Seconds of an exploratory step, warm-up included.
    public var exploreTime: Double
    /// The factor between exploratory rates.
    public var growth: Double

    public init(
      slos: [Threshold], minRate: Double = 1, maxRate: Double = 100_000, stepTime: Double = 10,
      precision: Double = 0.05, budget: Double = 300, exploreTime: Double = 3, growth: Double = 2
    ) {
      self.slos = slos
      self.minRate = minRate
      self.maxRate = maxRate
      self.stepTime = stepTime
      self.precision = precision
      self.budget = budget
      self.exploreTime = exploreTime
      self.growth = growth
    }

    /// Whole seconds of warm-up in a held step: a fifth of it, at least one.
    public var holdWarmup: Int { max(1, Int((stepTime / 5).rounded())) }
    /// The measured seconds of a held step before any extension for samples.
    public var holdWindow: Int { max(1, Int(stepTime.rounded()) - holdWarmup) }
    /// An exploratory step: one second of warm-up, the rest measured.
    public var exploreWindow: Int { max(1, Int(exploreTime.rounded()) - 1) }

    /// Completed requests a window wants for every SLO to mean something: ten beyond the
    /// percentile (1,000 for p99, 200 for p95, 20 for p50); for an error rate, ten errors at the
    /// limit (1,000 for errors<1%); ten for a mean or a maximum; none for counts.
    public var samplesNeeded: Int {
      slos.map { slo -> Int in
        switch slo.metric {
        case .p50: 20
        case .p90: 100
        case .p95: 200
        case .p99: 1000
        case .mtt, .max: 10
        case .errorRate: slo.limit > 0 ? min(100_000, Int((10 / slo.limit).rounded(.up))) : 1000
        case .tps, .errorCount, .errorKind, .logErrors, .logErrorClass: 0
        }
      }.max() ?? 0
    }

    /// The first problem with these settings, as one line; nil when they are valid.
    public var problem: String? {
      if slos.isEmpty { return "find needs at least one --slo, such as 'p99<300ms' or 'errors<1%'" }
      if let tps = slos.first(where: { $0.metric == .tps }) {
        return "--slo '\(tps.expression)': throughput is what find searches for; give latency or error SLOs"
      }
      if !(minRate > 0) { return "--min-rate must be more than 0 requests per second" }
      if !(maxRate > minRate) {
        return
          "--max-rate (\(RateText.live(maxRate))) must be above --min-rate (\(RateText.live(minRate)))"
      }
      if !(stepTime >= 2) { return "--step-time must be at least 2s (one second of warm-up, one measured)" }
      if !(precision > 0 && precision < 1) { return "--precision must be between 0% and 100%, such as 5%" }
      if !(budget >= 2 * stepTime) {
        return
          "--budget (\(DurationText.format(budget))) must hold at least two steps of --step-time (\(DurationText.format(stepTime)))"
      }
      return nil
    }
  }

  /// What the run should do after a second.
  public enum Action: Sendable, Equatable {
    /// Nothing: the step goes on.
    case none
    /// The warm-up is over: measure from the next second on (`MetricsStore.startWindow()`).
    case startWindow
    /// The step was judged (`steps.last`); offer this rate from now on.
    case setRate(Double)
    /// The search is over.
    case finish(CapacityResult)
  }

  private struct Current {
    var phase: SearchStep.Phase
    var rate: Double
    var startS: Int?
    var seconds = 0
    var windowStartS: Int?
    var windowSeconds = 0
    var samples = 0
    var limitedSeconds = 0
    var dropped = 0
    var offered = 0
  }

  public let settings: Settings
  public private(set) var steps: [SearchStep] = []
  /// The rate being offered.
  public var rate: Double { current.rate }
  /// The phase of the step under way.
  public var phase: SearchStep.Phase { current.phase }
  /// A lower rate is offered while a failed step's queue drains.
  public var isCooling: Bool { cooling != nil }
  /// While cooling: the rate held once the queue has drained; nil otherwise.
  public var rateAfterCooling: Double? { cooling?.next }
  /// Completed requests measured so far in the step under way, and how many it wants.
  public var windowSamples: Int { current.samples }
  public var samplesNeeded: Int { current.phase == .hold ? settings.samplesNeeded : 0 }
  /// The interval the answer lies in so far: the highest rate a held step passed and the lowest at
  /// which an SLO failed (or rampart could not offer the rate).
  public var passed: Double? { capacityStep?.rate }
  public var failed: Double? {
    min(hi ?? .infinity, ceiling ?? .infinity).isFinite ? min(hi ?? .infinity, ceiling ?? .infinity) : nil
  }
  /// Seconds the search has run (paused seconds left out).
  public private(set) var usedSeconds = 0

  private var current: Current
  /// After a step that failed, the target may hold a queue that would spill into the next step:
  /// a lower rate is offered until the median latency is back near its floor, then `next`.
  private var cooling: (next: Double, seconds: Int)?
  /// The lowest median latency of any second so far: the target unloaded.
  private var floorP50Ms = Double.infinity
  /// Rates that passed an exploratory step, rising.
  private var explorePasses: [Double] = []
  private var exploring = true
  /// The highest passing rate and whether a held step passed it; the lowest failing rate; the
  /// lowest rate rampart could not offer.
  private var lo: Double?
  private var loHeld = false
  private var hi: Double?
  private var ceiling: Double?
  private var failedAtMinRate = false
  /// The held step that passed at the highest rate below every failure since: the capacity.
  private var capacityStep: SearchStep? {
    steps.filter { $0.phase == .hold && $0.verdict == .pass && $0.rate < (failed ?? .infinity) }
      .max { $0.rate < $1.rate }
  }

  public init(_ settings: Settings) {
    self.settings = settings
    current = Current(phase: .explore, rate: Self.round(settings.minRate))
  }

  /// The rate to offer from the start.
  public var firstRate: Double { Self.round(settings.minRate) }

  /// One closed second of the run. `measure` reads the figures of the seconds since the last
  /// `.startWindow`; it is called only when a step is judged.
  public mutating func observe(_ second: SecondSample, measure: () -> ThresholdFigures) -> Action {
    // Seconds that close after the answer (the run's grace period) change nothing.
    guard finished == nil else { return .none }
    let action = advance(second, measure: measure)
    if case .finish(let result) = action { finished = result }
    return action
  }

  /// The answer once the search has ended; nil while it goes on.
  public private(set) var finished: CapacityResult?

  private mutating func advance(_ second: SecondSample, measure: () -> ThresholdFigures) -> Action {
    guard second.isWhole else { return .none }
    if second.paused {
      // Whatever the target did while nothing arrived says nothing about this rate: warm up again.
      current = Current(phase: current.phase, rate: current.rate)
      return .none
    }
    usedSeconds += 1
    // The floor is read from clean seconds only: refusals answered at once (503s from a full
    // queue) would pull the median far below what a served request takes.
    if second.completed > 0 && second.p50Ms > 0 && second.errors * 100 <= second.completed {
      floorP50Ms = min(floorP50Ms, second.p50Ms)
    }
    if let cool = cooling {
      cooling = (cool.next, cool.seconds + 1)
      // Recovered: responses back near the fastest median seen, nothing owed, and (a target that
      // refuses or drops connections answers fast too) hardly any errors.
      let recovered =
        second.ok > 0 && second.p50Ms <= max(2 * floorP50Ms, floorP50Ms + 5) && !Self.owesArrivals(second)
        && second.errors * 100 <= second.completed
      if !(recovered || cool.seconds + 1 >= 2 * max(1, Int(settings.stepTime.rounded()))) {
        return timeCheck(measure)
      }
      cooling = nil
      current = Current(phase: .hold, rate: cool.next)
      return .setRate(cool.next)
    }
    if current.startS == nil { current.startS = second.t }
    current.seconds += 1
    guard let windowStart = current.windowStartS else {
      return warmedUp(second) ? startWindow(after: second) : timeCheck(measure)
    }
    current.windowSeconds += 1
    current.samples += second.completed
    if second.generatorLimited == true { current.limitedSeconds += 1 }
    // Dropped while the pool was held is the target's limit, not the pool's (`ArrivalTally`).
    current.dropped += (second.dropped ?? 0) - (second.droppedHeld ?? 0)
    current.offered += second.offered ?? second.started
    guard windowComplete() else { return timeCheck(measure) }
    return judge(measure(), windowStart: windowStart, end: second.t + 1)
  }

  /// The user stopped the run (or it ended): the best answer so far.
  public func stopped() -> CapacityResult {
    result(.stopped)
  }

  // MARK: - Steps

  private func warmedUp(_ second: SecondSample) -> Bool {
    let warmup = current.phase == .hold ? settings.holdWarmup : 1
    guard current.seconds >= warmup else { return false }
    // Arrivals still owed from a faster step before this one are sent late and would be counted
    // here: wait until they are gone, at most as long again.
    return !Self.owesArrivals(second) || current.seconds >= 2 * warmup
  }

  /// Whether arrivals from a faster step are still being sent late: more than 1% of the second's
  /// late (a few late sends in every second are the client's own jitter), or any dropped.
  static func owesArrivals(_ second: SecondSample) -> Bool {
    (second.late ?? 0) > max(1, (second.offered ?? 0) / 100) || (second.dropped ?? 0) > 0
  }

  private mutating func startWindow(after second: SecondSample) -> Action {
    current.windowStartS = second.t + 1
    return .startWindow
  }

  private func windowComplete() -> Bool {
    guard current.phase == .hold else { return current.windowSeconds >= settings.exploreWindow }
    guard current.windowSeconds >= settings.holdWindow else { return false }
    if current.samples >= settings.samplesNeeded { return true }
    // Longer for the percentile's samples, up to three times the window and within the budget.
    return current.windowSeconds >= 3 * settings.holdWindow || Double(usedSeconds) >= settings.budget
  }

  /// The budget ran out in the middle of a step: what was measured so far is judged if the
  /// window has started, else the search ends with the answer so far.
  private mutating func timeCheck(_ measure: () -> ThresholdFigures) -> Action {
    guard Double(usedSeconds) >= settings.budget else { return .none }
    if let windowStart = current.windowStartS, current.windowSeconds > 0 {
      let end = (current.startS ?? 0) + current.seconds
      let action = judge(measure(), windowStart: windowStart, end: end)
      if case .finish = action { return action }
    }
    return .finish(result(.budgetSpent))
  }

  private mutating func judge(_ figures: ThresholdFigures, windowStart: Int, end: Int) -> Action {
    let results =
      settings.slos.check(figures) + [Self.keepsUp(completed: figures.requests, offered: current.offered)]
    // Latency counts from each request's intended start, so a client that falls behind only
    // makes a step look worse: a step that met every SLO passed, whatever rampart's pace. When a
    // latency or throughput SLO failed while rampart's event loops lagged in more than a quarter
    // of the window, the failure may be rampart's own: the step says nothing about the target.
    // Errors are the target's answer whatever rampart's pace (a 503 is not made by a late send).
    // Dropped arrivals with every SLO met mean the pool of vusers, not the target, ran out.
    let loopsLimited = current.limitedSeconds * 4 > current.windowSeconds
    let failed = results.filter { !$0.ok }.map(\.expr)
    let errorsFailed = settings.slos.contains { $0.metric.countsErrors && failed.contains($0.expression) }
    let verdict: SearchStep.Verdict =
      errorsFailed
      ? .fail
      : !failed.isEmpty
        ? (loopsLimited ? .clientLimited : .fail) : current.dropped > 0 ? .clientLimited : .pass
    let step = SearchStep(
      phase: current.phase, rate: current.rate, startS: current.startS ?? windowStart,
      windowStartS: windowStart,
      endS: end, verdict: verdict, results: results, samples: figures.requests,
      samplesNeeded: samplesNeeded,
      achievedRps: figures.durationS > 0 ? Double(figures.requests) / figures.durationS : 0,
      mttMs: figures.mttMs)
    steps.append(step)
    learn(from: step)
    guard let next = nextRate() else { return .finish(result(finalVerdict())) }
    // A held step that cannot fit in what is left of the budget would end unjudged.
    let length = exploring ? settings.exploreTime : settings.stepTime
    if Double(usedSeconds) + length > settings.budget { return .finish(result(.budgetSpent)) }
    if step.verdict != .pass && !exploring {
      let cool = Self.round(max(settings.minRate, min(next, lo ?? settings.minRate) / 2))
      cooling = (next, 0)
      current = Current(phase: .hold, rate: cool)
      return .setRate(cool)
    }
    current = Current(phase: exploring ? .explore : .hold, rate: next)
    return .setRate(next)
  }

  private mutating func learn(from step: SearchStep) {
    switch (step.phase, step.verdict) {
    case (.explore, .pass):
      explorePasses.append(step.rate)
      lo = step.rate
      loHeld = false
      if step.rate >= settings.maxRate { exploring = false }
    case (.explore, .fail):
      hi = step.rate
      exploring = false
    case (.explore, .clientLimited):
      ceiling = step.rate
      exploring = false
    case (.hold, .pass):
      lo = step.rate
      loHeld = true
      if let failedAt = hi, step.rate >= failedAt {
        // The failure that bounded the search did not hold up: look higher again.
        hi = nil
        exploring = ceiling == nil && step.rate < settings.maxRate
      }
    case (.hold, .fail), (.hold, .clientLimited):
      if step.verdict == .fail {
        hi = min(hi ?? .infinity, step.rate)
      } else {
        ceiling = min(ceiling ?? .infinity, step.rate)
      }
      if step.rate <= settings.minRate && step.verdict == .fail { failedAtMinRate = true }
      if let passed = lo, step.rate <= passed {
        // The exploratory pass did not hold: fall back to a lower one.
        lo = explorePasses.last { $0 < step.rate }
        loHeld = false
      }
    }
  }

  /// The next rate to offer, nil when the search is over.
  private func nextRate() -> Double? {
    if exploring { return Self.round(min(current.rate * settings.growth, settings.maxRate)) }
    if failedAtMinRate { return nil }
    guard let upper = failed else {
      // Nothing failed up to --max-rate: hold it.
      return lo == settings.maxRate && loHeld ? nil : Self.round(settings.maxRate)
    }
    guard let lower = lo else { return Self.round(settings.minRate) }
    if (upper - lower) / upper <= settings.precision {
      return loHeld ? nil : lower
    }
    let middle = Self.round((lower + upper) / 2)
    // Rounding can land on a bound when the interval is a few requests wide.
    return middle > lower && middle < upper ? middle : (loHeld ? nil : lower)
  }

  private func finalVerdict() -> CapacityResult.Verdict {
    if failedAtMinRate { return .failsAtMinRate }
    if hi == nil && ceiling == nil { return .passesAtMaxRate }
    if let ceiling, ceiling <= (hi ?? .infinity) { return .clientLimited }
    return .found
  }

  private func result(_ verdict: CapacityResult.Verdict) -> CapacityResult {
    let capacityStep = capacityStep
    let capacity = capacityStep?.rate
    let failing = hi.flatMap { rate in steps.last { $0.verdict == .fail && $0.rate == rate } }
    let limiting = failing?.worstFailure(among: settings.slos)
    let failedRate = failing?.rate
    return CapacityResult(
      verdict: verdict, capacityRps: capacity, failedRps: failedRate, limitingSLO: limiting?.expr,
      limitingObserved: limiting?.observed,
      precision: capacity.flatMap { c in failedRate.map { ($0 - c) / $0 } },
      vusersAtCapacity: capacityStep.map { Int(($0.rate * $0.mttMs / 1000).rounded(.up)) },
      slos: settings.slos.map(\.expression), steps: steps)
  }

  /// Sustaining a rate means serving it: a target past its capacity answers within the SLOs for a
  /// while as its queue grows, but completes fewer requests than arrive. So every step is also
  /// held to `achieved>=98%` of what was offered in its window (less two requests, for the
  /// seconds' edges at low rates).
  static func keepsUp(completed: Int, offered: Int) -> ThresholdResult {
    let share = offered > 0 ? Double(completed) / Double(offered) : 1
    return ThresholdResult(
      expr: keepsUpExpression, metric: "achieved", ok: Double(completed) >= 0.98 * Double(offered) - 2,
      observed: share)
  }

  public static let keepsUpExpression = "achieved>=98%"

  /// Rates as people read them: whole requests per second from 10/s up, one decimal below.
  static func round(_ rate: Double) -> Double {
    rate >= 10 ? rate.rounded() : max(0.1, (rate * 10).rounded() / 10)
  }
}
