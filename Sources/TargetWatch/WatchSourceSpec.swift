/// A source of the target's CPU and memory, as the user named it on the command line.
public enum WatchSourceSpec: Sendable, Hashable {
  /// `--watch-process PATTERN`: every local process whose command line contains `pattern`
  /// (rampart itself and the processes that started it excepted), each with its descendants,
  /// summed. Looked for again every second, so a restarted server is picked up.
  case process(pattern: String)
  /// `--watch-pid PID`: one process and its descendants.
  case pid(Int32)
  /// `--watch-cgroup PATH`: a cgroup directory, v2 (`cpu.stat`, `memory.current`) or v1
  /// (`cpuacct.usage`, `memory.usage_in_bytes`, the other controller's hierarchy found beside it).
  case cgroup(path: String)
  /// `--watch-prom URL`: a Prometheus text endpoint over plain HTTP (node_exporter, or any
  /// service exporting `process_cpu_seconds_total` and `process_resident_memory_bytes`).
  case prometheus(url: String)

  /// The name the source is shown under before names are made unique: the pattern, `pid 4242`,
  /// the cgroup's last path component, the endpoint's `host:port`.
  public var displayName: String {
    switch self {
    case .process(let pattern): return pattern
    case .pid(let pid): return "pid \(pid)"
    case .cgroup(let path):
      let components = path.split(separator: "/")
      return components.last.map(String.init) ?? path
    case .prometheus(let url):
      return (try? PromURL(url))?.hostAndPort ?? url
    }
  }

  /// One name per source, in order: a name already taken gets `#2`, `#3`, ... as log sources do.
  public static func uniqueNames(_ specs: [WatchSourceSpec]) -> [String] {
    var taken: Set<String> = []
    return specs.map { spec in
      let base = spec.displayName
      var name = base
      var number = 1
      while taken.contains(name) {
        number += 1
        name = "\(base)#\(number)"
      }
      taken.insert(name)
      return name
    }
  }
}
