import ArgumentParser
import LoadEngine
import Metrics
import Vocabulary

/// The flags of the open model (k6's arrival-rate executors, wrk2's `-R`): requests arrive at a
/// rate whatever the responses do, and their latency counts from when each was due.
struct RateOptions: ParsableArguments {
  // The numbers are parsed `.unconditional`ly, so `--rate -5` is refused as a negative rate rather
  // than as a missing value (`-5` would otherwise read as a flag).
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Open model: requests per second, constant (or the ceiling of --rate-step). Latency counts from each "
        + "request's intended start.", valueName: "PER_SECOND"))
  var rate: Double?

  @Option(
    name: .customLong("rate-start"), parsing: .unconditional,
    help: "Requests per second at the start of a rate ramp or of --rate-stage.")
  var rateStart: Double?

  @Option(
    name: .customLong("rate-step"), parsing: .unconditional,
    help: "Requests per second added at each step, up to --rate.")
  var rateStep: Double?

  @Option(name: .customLong("rate-every"), help: "Time between rate steps, e.g. 10s (default 10s).")
  var rateEvery: String?

  @Option(
    name: .customLong("rate-stage"),
    help:
      "k6-style ramping arrival rate DURATION:RATE, repeatable (e.g. 1m:500): linear to RATE over DURATION.")
  var rateStages: [String] = []

  @Option(
    name: .customLong("max-vusers"), parsing: .unconditional,
    help:
      "Open model: the most vusers (connections) arrivals may use (default: the peak rate x --timeout; the pool opens only what responses need)."
  )
  var maxVusers: Int?

  @Option(
    name: .customLong("max-backlog"), parsing: .unconditional,
    help:
      "Open model: arrivals that may wait for a free vuser; more are dropped and counted (default: 1 s of arrivals)."
  )
  var maxBacklog: Int?

  @Option(help: "Open model: how arrivals are spaced, even (wrk2) or poisson (default even).")
  var arrivals: String?

  /// Whether any flag asks for the open model.
  var asksForOpenModel: Bool {
    rate != nil || rateStart != nil || rateStep != nil || rateEvery != nil || !rateStages.isEmpty
  }

  /// Whether a flag only the open model takes is given.
  private var givesOpenModelSettings: Bool { maxVusers != nil || maxBacklog != nil || arrivals != nil }

  /// The open model from the flags, a plan file's `[rate]` / `[[rate_stages]]` under them; nil for
  /// the closed model. `closedFlags` names a closed-model flag that was given, if any: beside a
  /// plan's open model it makes the run closed, as any ramp flag replaces a plan's ramp. Any rate
  /// flag replaces the plan's rate plan; `--max-vusers`, `--max-backlog` and `--arrivals` replace
  /// the plan's settings one by one.
  func openModel(planned: PlannedOpenModel?, closedFlags: String?) throws(ConfigError) -> OpenModel? {
    let plan: RatePlan
    let planned = closedFlags == nil ? planned : nil
    if asksForOpenModel {
      if let closedFlags {
        throw ConfigError(
          "--rate and \(closedFlags) do not go together: the open model's vusers are a pool (--max-vusers)")
      }
      plan = try ratePlan()
    } else if let planned {
      plan = planned.plan
    } else {
      if givesOpenModelSettings {
        throw ConfigError("--max-vusers, --max-backlog and --arrivals are for the open model: add --rate")
      }
      return nil
    }
    if let maxVusers {
      guard (1...1_000_000).contains(maxVusers) else {
        throw ConfigError("--max-vusers must be between 1 and 1000000, got \(maxVusers)")
      }
    }
    if let maxBacklog {
      guard (0...100_000_000).contains(maxBacklog) else {
        throw ConfigError("--max-backlog must be between 0 and 100000000, got \(maxBacklog)")
      }
    }
    let spacing: OpenModel.Spacing
    switch arrivals?.lowercased() {
    case nil: spacing = planned?.spacing ?? .even
    case "even": spacing = .even
    case "poisson": spacing = .poisson
    case let other?: throw ConfigError("--arrivals must be even or poisson, got '\(other)'")
    }
    return OpenModel(
      plan: plan, maxVusers: maxVusers ?? planned?.maxVusers, maxBacklog: maxBacklog ?? planned?.maxBacklog,
      spacing: spacing)
  }

  private func ratePlan() throws(ConfigError) -> RatePlan {
    if !rateStages.isEmpty {
      guard rate == nil, rateStep == nil, rateEvery == nil else {
        throw ConfigError("--rate-stage cannot be combined with --rate, --rate-step or --rate-every")
      }
      let start = try Self.checked(rateStart ?? 0, flag: "--rate-start", allowZero: true)
      return .stages(
        start: start, try rateStages.map { text throws(ConfigError) in try Self.parseStage(text) })
    }
    guard let rate else {
      throw ConfigError(
        "--rate-start, --rate-step and --rate-every need --rate (the rate, or the ramp's ceiling)")
    }
    let top = try Self.checked(rate, flag: "--rate", allowZero: false)
    guard let rateStep else {
      guard rateStart == nil, rateEvery == nil else {
        throw ConfigError("--rate-start and --rate-every need --rate-step")
      }
      return .constant(top)
    }
    let step = try Self.checked(rateStep, flag: "--rate-step", allowZero: false)
    let start = try Self.checked(rateStart ?? step, flag: "--rate-start", allowZero: true)
    let every = try positiveDuration(rateEvery ?? "10s", flag: "--rate-every")
    return .steps(start: min(start, top), step: step, every: every, max: top)
  }

  /// A rate as a flag gives it: finite, not negative (or not 0), at most the engine's maximum.
  static func checked(_ rate: Double, flag: String, allowZero: Bool) throws(ConfigError) -> Double {
    guard rate.isFinite, allowZero ? rate >= 0 : rate > 0 else {
      throw ConfigError(
        "\(flag) must be \(allowZero ? "0 or more" : "more than 0") requests per second, got \(RateText.format(rate))"
      )
    }
    guard rate <= LoadEngine.maximumRate else {
      throw ConfigError(
        "\(flag) \(RateText.format(rate)) is beyond what one process can offer (at most \(Int(LoadEngine.maximumRate))/s)"
      )
    }
    return rate
  }

  static func parseStage(_ text: String) throws(ConfigError) -> RatePlan.Stage {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let target = Double(parts[1]), target.isFinite, target >= 0,
      let seconds = DurationText.parse(String(parts[0])), seconds > 0
    else {
      throw ConfigError("bad --rate-stage '\(text)': expected DURATION:RATE such as 1m:500")
    }
    guard target <= LoadEngine.maximumRate else {
      throw ConfigError("--rate-stage '\(text)': at most \(Int(LoadEngine.maximumRate)) requests per second")
    }
    return RatePlan.Stage(duration: seconds, target: target)
  }
}

/// A plan file's open model: its rate plan and the settings flags may replace.
struct PlannedOpenModel: Equatable {
  var plan: RatePlan
  var maxVusers: Int?
  var maxBacklog: Int?
  var spacing: OpenModel.Spacing?
}
