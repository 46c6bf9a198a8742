import ArgumentParser
import Foundation
import LoadEngine
import Metrics
import PlanFile
import Vocabulary

/// `rampart find`: the highest arrival rate the target sustains within its SLOs, searched for in
/// one open-model run (see `CapacitySearch`), kept on disk like any run.
struct FindCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "find",
    abstract: "Search for the highest request rate the target sustains within its SLOs.",
    discussion: """
      A fast exploratory ramp (the rate doubled every few seconds from --min-rate) brackets the
      rate where an SLO breaks; steps held at chosen rates (warm-up left out, each long enough for
      the SLO's percentile) then narrow the interval until it is within --precision or --budget
      runs out. Latency counts from each request's intended start (the open model). The answer:
      the highest rate that passed every SLO, the lowest that failed, and which SLO broke.
      The load's shape is the search's: --vusers, --rate, stages and --duration do not apply; a
      plan file gives the target and requests (its ramp or rate plan is not used).
      """)

  @OptionGroup var load: LoadOptions

  @Option(
    name: .customLong("slo"),
    help: ArgumentHelp(
      "Service level objective METRIC OP VALUE, e.g. 'p99<300ms', 'errors<1%' (repeatable, at least one).",
      discussion: "Metrics as for --threshold, but not tps (the rate is what find searches for).",
      valueName: "expr"))
  var slos: [String] = []

  @Option(
    name: .customLong("min-rate"), parsing: .unconditional, help: "Lowest rate tried, requests/s (default 1)."
  )
  var minRate: Double = 1

  @Option(
    name: .customLong("max-rate"), parsing: .unconditional,
    help: "Highest rate tried, requests/s (default 100000); passing there is its own verdict.")
  var maxRate: Double = 100_000

  @Option(
    name: .customLong("step-time"),
    help:
      "Length of a held step, its first fifth a warm-up left out (default 10s); longer when the SLO's percentile needs more samples."
  )
  var stepTime = "10s"

  @Option(
    help: "Stop when the interval is this narrow: (failed - passed) / failed, e.g. 5% or 0.05 (default 5%).")
  var precision = "5%"

  @Option(help: "Time the whole search may take, paused time not counted (default 5m).")
  var budget = "5m"

  @OptionGroup(title: "Server logs") var logs: LogOptions

  @OptionGroup(title: "Target CPU and memory") var watch: WatchOptions

  @OptionGroup(title: "Dashboard") var display: DisplayOptions

  @OptionGroup var session: SessionOptions

  func run() async throws {
    if let flag = loadShapeFlag {
      throw ValidationError(
        "\(flag) sets the load's shape; find chooses the rate itself (--min-rate, --max-rate)")
    }
    let plan = try session.loadPlan(load.url)
    let redact: @Sendable (String) -> String = { text in plan?.secrets.redact(text) ?? text }
    let logSetup = try logs.makeSetup(plan: plan)
    let settings = try makeSettings(hasLogs: logSetup != nil)
    let search = SearchDriver(settings)
    var config: EngineConfig
    do {
      config = try makeConfig(plan: plan, search: search)
    } catch {
      throw ValidationError(redact(error.message))
    }
    var runner = session.makeRunner(
      config: config, plan: plan, display: display, logs: logSetup, redact: redact)
    runner.search = search
    runner.watch = watch.makeSetup(plan: plan)
    try await runner.execute()
  }

  /// The search's settings from the flags; a bad one is one error line (exit 2).
  func makeSettings(hasLogs: Bool) throws -> CapacitySearch.Settings {
    let parsed = try slos.map { text in
      try ThresholdOptions.parse(text, hasLogs: hasLogs) { problem in
        switch problem {
        case .syntax(let error): ValidationError("--slo '\(error.expression)': \(error.reason)")
        case .needsLogs(let expression):
          ValidationError("--slo '\(expression)' needs a log source (--log FILE or --log-cmd COMMAND)")
        }
      }
    }
    let settings: CapacitySearch.Settings
    do throws(ConfigError) {
      for (rate, flag) in [(minRate, "--min-rate"), (maxRate, "--max-rate")] {
        _ = try RateOptions.checked(rate, flag: flag, allowZero: false)
      }
      settings = CapacitySearch.Settings(
        slos: parsed, minRate: minRate, maxRate: maxRate,
        stepTime: try positiveDuration(stepTime, flag: "--step-time"),
        precision: try Self.fraction(precision),
        budget: try positiveDuration(budget, flag: "--budget"))
    } catch {
      throw ValidationError(error.message)
    }
    if let problem = settings.problem { throw ValidationError(problem) }
    return settings
  }

  /// The target and requests from the flags (or the plan), the open model at the search's first
  /// rate, its pool, backlog and loops sized for --max-rate.
  private func makeConfig(plan: PlanDocument?, search: SearchDriver) throws(ConfigError) -> EngineConfig {
    var shape = load
    // The open model's own settings are the search's: read below, not as a request for --rate.
    (shape.rateOptions.maxVusers, shape.rateOptions.maxBacklog, shape.rateOptions.arrivals) = (nil, nil, nil)
    var config = try shape.makeConfig(plan: plan)
    let planned = plan.flatMap(LoadOptions.plannedOpenModel)
    let first = search.firstRate
    var open = try load.rateOptions.openModel(
      planned: PlannedOpenModel(
        plan: .constant(first), maxVusers: planned?.maxVusers, maxBacklog: planned?.maxBacklog,
        spacing: planned?.spacing),
      closedFlags: nil)
    open?.ceiling = search.settings.maxRate
    if load.rateOptions.maxBacklog == nil && planned?.maxBacklog == nil {
      open?.maxBacklog = OpenModel.defaultMaxBacklog(peakRate: search.settings.maxRate)
    }
    config.open = open
    config.think = 0
    config.maxRequests = nil
    // The search ends the plan itself; the budget (and a few seconds for the last step's
    // judgement) is the engine's own backstop.
    config.duration = search.settings.budget + 5
    let slos = search.settings.slos.map(\.expression).joined(separator: ", ")
    config.describedAs =
      "find \(slos): \(RateText.live(search.settings.minRate)) to "
      + "\(RateText.live(search.settings.maxRate)), budget \(DurationText.format(search.settings.budget))"
    return config
  }

  /// The first flag that shapes the load, which the search does itself.
  private var loadShapeFlag: String? {
    let r = load.rateOptions
    let given: [(Bool, String)] = [
      (load.vusers != nil, "--vusers"),
      (load.processes != nil || load.threads != nil, "--processes/--threads"),
      (load.rampStart != nil || load.rampStep != nil || load.rampEvery != nil, "--ramp-*"),
      (!load.stages.isEmpty, "--stage"), (r.rate != nil, "--rate"),
      (r.rateStart != nil || r.rateStep != nil || r.rateEvery != nil, "--rate-*"),
      (!r.rateStages.isEmpty, "--rate-stage"), (load.duration != nil, "--duration (find has --budget)"),
      (load.requests != nil, "--requests"), (load.think != nil, "--think"),
    ]
    return given.first { $0.0 }?.1
  }

  /// "5%" or "0.05".
  static func fraction(_ text: String) throws(ConfigError) -> Double {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let value =
      trimmed.hasSuffix("%") ? Double(trimmed.dropLast()).map { $0 / 100 } : Double(trimmed)
    guard let value, value > 0, value < 1 else {
      throw ConfigError(
        "bad --precision '\(text)': expected a share such as 5% or 0.05 (more than 0, less than 100%)")
    }
    return value
  }
}
