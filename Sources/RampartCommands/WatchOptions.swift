import ArgumentParser
import PlanFile
import TargetWatch

/// The flags that name the target's processes, cgroups and metrics endpoints to watch: their CPU
/// and memory once a second beside the load (the "Target" lane, `watch` in the series).
struct WatchOptions: ParsableArguments {
  @Option(
    name: .customLong("watch-process"),
    help: "Watch local processes whose command line contains PATTERN, each with its children (repeatable).")
  var processes: [String] = []

  @Option(name: .customLong("watch-pid"), help: "Watch a process and its children (repeatable).")
  var pids: [Int32] = []

  @Option(
    name: .customLong("watch-cgroup"),
    help: "Watch a cgroup directory, v2 or v1, e.g. /sys/fs/cgroup/system.slice/app.service (repeatable).")
  var cgroups: [String] = []

  @Option(
    name: .customLong("watch-prom"),
    help: "Watch a Prometheus endpoint: node_exporter or a service's process_* metrics (http://, repeatable)."
  )
  var endpoints: [String] = []

  @Flag(
    name: .customLong("watch-wait"),
    help: "Let a --watch-process pattern match nothing yet: processes that start later are picked up.")
  var waitForMatch = false

  /// What to watch, or nil when nothing is named. A plan file's `[watch]` comes first; the
  /// flags add to it, and `--watch-wait` or the plan's `wait = true` lets patterns wait.
  func makeSetup(plan: PlanDocument? = nil) -> WatchSetup? {
    let processes = (plan?.watchProcesses ?? []) + self.processes
    let cgroups = (plan?.watchCgroups ?? []) + self.cgroups
    let endpoints = (plan?.watchEndpoints ?? []) + self.endpoints
    let sources: [WatchSourceSpec] =
      processes.map { .process(pattern: $0) } + pids.map { .pid($0) } + cgroups.map { .cgroup(path: $0) }
      + endpoints.map { .prometheus(url: $0) }
    let wait = waitForMatch || (plan?.watchWait ?? false)
    return sources.isEmpty ? nil : WatchSetup(sources: sources, waitForMatch: wait)
  }
}

/// The target's sources to watch, ready for a `WatchSampler`.
struct WatchSetup: Sendable {
  var sources: [WatchSourceSpec]
  var waitForMatch: Bool
}
