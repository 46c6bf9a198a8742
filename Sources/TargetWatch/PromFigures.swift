/// The two figures a scrape gives: a cumulative CPU-seconds counter and resident memory.
///
/// Two families are understood. node_exporter describes the machine: CPU is the sum of
/// `node_cpu_seconds_total` over every CPU and every mode but `idle` and `iowait` (time waiting
/// for a disk is not time computing), memory is `node_memory_MemTotal_bytes -
/// node_memory_MemAvailable_bytes`. Any instrumented process (the official client libraries'
/// default collectors) describes itself: `process_cpu_seconds_total` and
/// `process_resident_memory_bytes`.
///
/// node_* wins when both are present: node_exporter also exports process_* series, but of its own
/// small process, and a user who points rampart at node_exporter means the machine.
struct PromFigures: Sendable, Equatable {
  enum Family: String, Sendable {
    case node, process
  }

  var family: Family
  /// CPU seconds consumed so far (a counter); nil when the family's CPU series is missing.
  var cpuSeconds: Double?
  var rssBytes: Double?

  /// CPU modes of `node_cpu_seconds_total` that are not work.
  static let idleModes: Set<String> = ["idle", "iowait"]

  /// The figures of one exposition; nil when it has neither family's series.
  init?(_ exposition: PromExposition) {
    var nodeCPU: Double?
    var memTotal: Double?
    var memAvailable: Double?
    var processCPU: Double?
    var processRSS: Double?
    // NaN stands for "no value" in the format: such a sample is left out.
    for sample in exposition.samples where !sample.value.isNaN {
      switch sample.name {
      case "node_cpu_seconds_total":
        let busy = !Self.idleModes.contains(sample.labels["mode"] ?? "")
        nodeCPU = (nodeCPU ?? 0) + (busy ? sample.value : 0)
      case "node_memory_MemTotal_bytes": memTotal = sample.value
      case "node_memory_MemAvailable_bytes": memAvailable = sample.value
      case "process_cpu_seconds_total": processCPU = (processCPU ?? 0) + sample.value
      case "process_resident_memory_bytes": processRSS = (processRSS ?? 0) + sample.value
      default: continue
      }
    }
    if nodeCPU != nil || memAvailable != nil {
      family = .node
      cpuSeconds = nodeCPU
      rssBytes = memTotal.flatMap { total in memAvailable.map { total - $0 } }
    } else if processCPU != nil || processRSS != nil {
      family = .process
      cpuSeconds = processCPU
      rssBytes = processRSS
    } else {
      return nil
    }
  }
}
