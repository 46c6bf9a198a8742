import ArgumentParser
import DemoTarget
import Foundation
import LoadEngine
import Metrics

struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Start the demo target on loopback and ramp load across its known capacity, in the dashboard.",
    discussion: """
      The target has B backends of 4 workers with a 20 ms service time: capacity B x 200 req/s. The
      ramp (one vuser every 2 s, 80 ms think time, 100 ms request timeout) reaches that capacity
      about halfway through 90 s with one backend: TPS stops growing, latency climbs, then timeouts
      and 503s appear and the target's log fills with BrokenPipeError tracebacks.
      """)

  @OptionGroup var model: TargetOptions

  @Option(
    name: .customLong("control"),
    help: "Open a control socket (Unix socket, mode 0600) at PATH for `rampart ctl PATH COMMAND`.")
  var controlPath: String?

  @Flag(help: "A 20-second version of the ramp (for tests and a quick look).")
  var short = false

  @Option(help: "Directory that keeps the runs (the target's log goes there too).")
  var out: String = "rampart-runs"

  @OptionGroup(title: "Server logs (the demo target's own log is always followed)") var logs: LogOptions

  @OptionGroup(title: "Dashboard") var display: DisplayOptions

  @Flag(name: .customLong("no-tui"), help: "Headless: progress lines and a summary instead of the dashboard.")
  var noTUI = false

  @Flag(help: "Print the summary as one JSON object on stdout.")
  var json = false

  func run() async throws {
    var targetConfig = try model.makeConfig(defaultQueue: 16)
    let logPath = (out as NSString).appendingPathComponent("demo-target.log")
    let logSetup = try logs.makeSetup(extraFiles: [logPath])
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    targetConfig.logPath = logPath
    let target: DemoTarget
    do {
      target = try await DemoTarget(config: targetConfig)
    } catch {
      throw ValidationError("cannot start the demo target: \(error)")
    }
    let plan = DemoPlan(short: short)
    guard let url = try? HTTPTarget(parsing: target.url) else {
      throw ValidationError("the demo target's address \(target.url) is not a valid URL")
    }
    var config = EngineConfig(target: url, request: try RequestTemplate(), plan: plan.load)
    config.duration = plan.duration
    config.think = plan.think
    config.requestTimeout = plan.timeout
    config.gracePeriod = 1
    let capacity = targetConfig.capacityText
    let knownCapacity = targetConfig.capacity
    let counters = target.counters
    // Little's law for a closed loop: the knee sits where vusers = capacity x (service + think).
    let expectedKnee = knownCapacity * (targetConfig.service + plan.think)
    if !json {
      printError("rampart demo: target \(target.url) capacity \(capacity); log \(logPath)")
    }
    do {
      try await LoadRunner(
        config: config,
        name: "demo-\(targetConfig.backends)-backend" + (targetConfig.backends == 1 ? "" : "s"),
        out: out, display: display, noTUI: noTUI, json: json, quiet: false, logs: logSetup,
        controlPath: controlPath,
        note: "log " + logPath,
        epilogue: { summary, metrics in
          Self.epilogue(
            summary: summary, metrics: metrics, capacity: capacity, known: knownCapacity, counters: counters,
            expectedKnee: expectedKnee)
        }
      ).execute()
    } catch {
      await target.shutdown()
      throw error
    }
    await target.shutdown()
  }

  /// The known capacity next to what was measured, so the knee can be checked against the truth:
  /// the best second of successful responses (503s answer fast and would flatter the peak).
  static func epilogue(
    summary: RunSummary, metrics: MetricsSnapshot, capacity: String, known: Double, counters: TargetCounters,
    expectedKnee: Double
  ) -> String {
    let kneeLine =
      summary.knee.map { knee in
        "demo: knee             \(knee.vusers) vusers, \(knee.label) (Little's law: "
          + "\(Int(expectedKnee.rounded())) vusers = capacity x (service + think))"
      } ?? "demo: knee             not found (the ramp did not reach far enough past capacity)"
    let okPeak = metrics.samples.filter(\.isWhole).map { Double($0.ok) }.max() ?? 0
    let share = known > 0 ? Int((okPeak / known * 100).rounded()) : 0
    return [
      "demo: known capacity   \(capacity)",
      "demo: measured peak    \(Int(okPeak)) ok responses/s (\(share)% of capacity); "
        + "\(Int(summary.tpsPeak.rounded())) req/s counting errors",
      kneeLine,
      "demo: the target       refused \(counters.overloaded) requests with its queue full and logged "
        + "\(counters.brokenPipes) tracebacks for clients that left before their response",
    ].joined(separator: "\n")
  }
}

/// The demo's ramp: one vuser every 2 s up to 45 over 90 s (one every 0.4 s over 20 s when short),
/// with 80 ms think time. A closed loop saturates at capacity x (service + think) vusers: 20 with
/// one backend, which the ramp reaches at about 40 s.
struct DemoPlan {
  let load: LoadPlan
  let duration: Double
  let think = 0.080
  let timeout = 0.100

  init(short: Bool) {
    if short {
      load = .steps(start: 1, step: 1, every: 0.4, max: 45)
      duration = 20
    } else {
      load = .steps(start: 1, step: 1, every: 2, max: 45)
      duration = 90
    }
  }
}
