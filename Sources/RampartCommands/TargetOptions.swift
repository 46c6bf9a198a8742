import ArgumentParser
import DemoTarget
import LoadEngine
import Metrics
import Vocabulary

/// The demo target's model as flags, shared by `rampart target` and `rampart demo`.
struct TargetOptions: ParsableArguments {
  @Option(help: "Independent backends behind a round-robin front (like nginx upstreams).")
  var backends: Int = 1

  @Option(help: "Concurrent worker slots per backend.")
  var workers: Int = 4

  @Option(help: "Service time per request, e.g. 20ms (waits; --cpu burns instead).")
  var service: String = "20ms"

  @Option(help: "Service time varies uniformly by up to this much either way, e.g. 5ms.")
  var jitter: String = "0"

  @Option(help: "Requests that may wait per backend when every worker is busy.")
  var queue: Int?

  @Flag(help: "Burn CPU for the service time instead of waiting.")
  var cpu = false

  @Option(help: "What a full queue does: 503 (answer Service Unavailable) or reset (drop the connection).")
  var overload: String = "503"

  /// The target's configuration, or one line saying what is wrong.
  func makeConfig(defaultQueue: Int) throws(ValidationError) -> TargetConfig {
    var config = TargetConfig()
    config.backends = backends
    config.workers = workers
    guard let service = DurationText.parse(self.service) else {
      throw ValidationError("--service: cannot read '\(self.service)' as a duration (e.g. 20ms)")
    }
    guard let jitter = DurationText.parse(self.jitter) else {
      throw ValidationError("--jitter: cannot read '\(self.jitter)' as a duration (e.g. 5ms)")
    }
    guard let overload = TargetConfig.Overload(rawValue: overload) else {
      throw ValidationError("--overload must be 503 or reset, got '\(overload)'")
    }
    config.service = service
    config.jitter = jitter
    config.queue = queue ?? defaultQueue
    config.burnCPU = cpu
    config.overload = overload
    if let problem = config.problem { throw ValidationError(problem) }
    return config
  }
}

extension TargetConfig {
  /// "200 req/s = 1 backend x 4 workers / 20 ms".
  var capacityText: String {
    let backends = self.backends == 1 ? "1 backend" : "\(self.backends) backends"
    let workers = self.workers == 1 ? "1 worker" : "\(self.workers) workers"
    return "\(Int(capacity.rounded())) req/s = \(backends) x \(workers) / \(DurationText.format(service))"
  }
}
