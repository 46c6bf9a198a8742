import ArgumentParser
import Foundation
import LoadEngine
import Metrics
import PlanFile
import Vocabulary

/// The flags of `rampart run` that describe the load, turned into an `EngineConfig` by
/// `makeConfig()`; every mistake becomes one `ConfigError` line.
struct LoadOptions: ParsableArguments {
  @Argument(
    help: "Target URL (http or https), or a plan file (.toml, .yaml, .yml) whose values flags override.")
  var url: String

  @Option(help: "Virtual users (the ramp's ceiling, or a constant load without --ramp-step).")
  var vusers: Int?

  @Option(help: "nGrinder vocabulary: processes x threads = vusers.")
  var processes: Int?

  @Option(help: "nGrinder vocabulary: threads per process.")
  var threads: Int?

  @Option(name: .customLong("ramp-start"), help: "Vusers at the start of a ramp (default: one step).")
  var rampStart: Int?

  @Option(name: .customLong("ramp-step"), help: "Vusers added at each ramp step.")
  var rampStep: Int?

  @Option(name: .customLong("ramp-every"), help: "Time between ramp steps, e.g. 5s.")
  var rampEvery: String?

  @Option(name: .customLong("stage"), help: "k6-style stage DURATION:TARGET, repeatable (e.g. 30s:100).")
  var stages: [String] = []

  @OptionGroup(title: "Open model (requests arrive at a rate)")
  var rateOptions: RateOptions

  @Option(help: "Run length (plan time; paused time does not count), e.g. 10m.")
  var duration: String?

  @Option(name: [.customShort("n"), .customLong("requests")], help: "Stop after this many requests.")
  var requests: Int?

  @Option(name: [.customShort("X"), .customLong("method")], help: "HTTP method (default GET).")
  var method: String?

  @Option(
    name: [.customShort("H"), .customLong("header")], help: "Request header 'Name: value', repeatable.")
  var headers: [String] = []

  @Option(
    name: [.customShort("d"), .customLong("body")], help: "Request body, or @FILE to read it from a file.")
  var body: String?

  @Option(help: "Think time between a response and the vuser's next request, e.g. 100ms.")
  var think: String?

  @Option(help: "Request timeout; a request running longer is aborted and counted as timeout (default 30s).")
  var timeout: String?

  @Option(name: .customLong("connect-timeout"), help: "TCP connect timeout (default 10s).")
  var connectTimeout: String?

  @Flag(name: [.customShort("k"), .customLong("insecure")], help: "Accept any TLS certificate.")
  var insecure = false

  @Option(
    name: .customLong("max-redirects"),
    help: "Same-origin redirects followed per request (0 = none; default 10).")
  var maxRedirects: Int?

  @Option(help: "Time in-flight requests get to finish after a stop (default 5s).")
  var grace: String?

  @Option(help: "Event loop threads (default: one for every 250 vusers, at most one per usable core).")
  var loops: Int?

  @Flag(
    name: .customLong("pin"), inversion: .prefixedNo,
    help: "Bind each event loop to a CPU of its own when there is one loop per usable CPU.")
  var pinLoops = true

  /// The engine's config from the flags alone, or from a plan file's values with the flags given
  /// on top of them.
  func makeConfig(plan document: PlanDocument? = nil) throws(ConfigError) -> EngineConfig {
    let target = try HTTPTarget(parsing: document == nil ? url : try planTarget(document!))
    let request = try RequestTemplate(
      method: method ?? "GET", headers: try parsedHeaders(), body: try bodyBytes() ?? [])
    var config = EngineConfig(target: target, request: request, plan: try plan(document))
    config.open = try rateOptions.openModel(
      planned: document.flatMap(Self.plannedOpenModel), closedFlags: closedModelFlag)
    if config.open != nil, think != nil {
      throw ConfigError(
        "--think is for the closed model's vusers; the open model paces requests by "
          + (rateOptions.asksForOpenModel ? "--rate" : "the plan's [rate] (--vusers runs it closed)"))
    }
    if let document { try applyRequests(of: document, to: &config) }
    config.duration =
      try duration.map { text throws(ConfigError) in
        try positiveDuration(text, flag: "--duration")
      } ?? document?.duration
    if let requests {
      guard requests >= 1 else { throw ConfigError("--requests must be at least 1, got \(requests)") }
      config.maxRequests = requests
    }
    if let think {
      config.think = try parseDuration(think, flag: "--think")
    } else if config.open == nil, let planned = document?.think {
      // A plan's think belongs to its vusers; --rate runs the plan open, without it.
      config.think = planned
    }
    config.requestTimeout =
      try timeout.map { text throws(ConfigError) in try positiveDuration(text, flag: "--timeout") }
      ?? document?.timeout ?? 30
    config.connectTimeout =
      try connectTimeout.map { text throws(ConfigError) in
        try positiveDuration(text, flag: "--connect-timeout")
      } ?? document?.connectTimeout ?? 10
    config.gracePeriod =
      try grace.map { text throws(ConfigError) in try parseDuration(text, flag: "--grace") }
      ?? document?.grace ?? 5
    config.insecure = insecure || (document?.insecure ?? false)
    let redirects = maxRedirects ?? document?.maxRedirects ?? 10
    guard redirects >= 0 else { throw ConfigError("--max-redirects must be 0 or more") }
    config.maxRedirects = redirects
    if let loops {
      guard (1...256).contains(loops) else { throw ConfigError("--loops must be between 1 and 256") }
      config.eventLoops = loops
    }
    config.pinLoops = pinLoops
    return config
  }

  /// The first closed-model flag given, for the message that refuses it beside --rate.
  private var closedModelFlag: String? {
    if vusers != nil { return "--vusers" }
    if processes != nil || threads != nil { return "--processes/--threads" }
    if !stages.isEmpty { return "--stage" }
    if rampStart != nil || rampStep != nil || rampEvery != nil { return "--ramp-*" }
    return nil
  }

  /// Whether any flag describes the ramp; then the flags replace the plan file's ramp or stages.
  private var flagsDescribeRamp: Bool {
    vusers != nil || processes != nil || threads != nil || rampStart != nil || rampStep != nil
      || rampEvery != nil || !stages.isEmpty
  }

  private func plan(_ document: PlanDocument?) throws(ConfigError) -> LoadPlan {
    if let document, !flagsDescribeRamp {
      if !document.stages.isEmpty {
        return .stages(document.stages.map { LoadPlan.Stage(duration: $0.duration, target: $0.target) })
      }
      if let ramp = document.ramp {
        let top = ramp.vusers ?? 10
        guard let step = ramp.step else { return .steps(start: top, step: 0, every: 1, max: top) }
        return .steps(start: min(ramp.start ?? step, top), step: step, every: ramp.every ?? 5, max: top)
      }
    }
    var ceiling = vusers
    if processes != nil || threads != nil {
      guard let processes, let threads else {
        throw ConfigError("--processes and --threads go together (vusers = processes x threads)")
      }
      guard processes >= 1, threads >= 1 else {
        throw ConfigError("--processes and --threads must be at least 1")
      }
      guard vusers == nil else {
        throw ConfigError("give either --vusers or --processes/--threads, not both")
      }
      let (product, overflow) = processes.multipliedReportingOverflow(by: threads)
      guard !overflow else { throw ConfigError("--processes x --threads is too large") }
      ceiling = product
    }
    if !stages.isEmpty {
      guard ceiling == nil, rampStep == nil, rampStart == nil, rampEvery == nil else {
        throw ConfigError("--stage cannot be combined with --vusers or --ramp-* flags")
      }
      return .stages(try stages.map { text throws(ConfigError) in try parseStage(text) })
    }
    let top = ceiling ?? 10
    guard top >= 1 else { throw ConfigError("--vusers must be at least 1, got \(top)") }
    guard top <= 1_000_000 else { throw ConfigError("--vusers \(top) is beyond what one process can hold") }
    guard let step = rampStep else {
      guard rampStart == nil, rampEvery == nil else {
        throw ConfigError("--ramp-start and --ramp-every need --ramp-step")
      }
      return .steps(start: top, step: 0, every: 1, max: top)
    }
    guard step >= 1 else { throw ConfigError("--ramp-step must be at least 1, got \(step)") }
    let start = rampStart ?? step
    guard start >= 0 else { throw ConfigError("--ramp-start must be 0 or more, got \(start)") }
    let every = try positiveDuration(rampEvery ?? "5s", flag: "--ramp-every")
    return .steps(start: min(start, top), step: step, every: every, max: top)
  }

  private func parseStage(_ text: String) throws(ConfigError) -> LoadPlan.Stage {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let target = Int(parts[1]), target >= 0,
      let seconds = DurationText.parse(String(parts[0])), seconds > 0
    else {
      throw ConfigError("bad --stage '\(text)': expected DURATION:TARGET such as 30s:100")
    }
    return LoadPlan.Stage(duration: seconds, target: target)
  }

  func parsedHeaders() throws(ConfigError) -> [(name: String, value: String)] {
    try headers.map { line throws(ConfigError) in
      guard let colon = line.firstIndex(of: ":") else {
        throw ConfigError("bad header '\(line)': expected 'Name: value'")
      }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
      return (name, value)
    }
  }

  func bodyBytes() throws(ConfigError) -> [UInt8]? {
    guard let body else { return nil }
    guard body.hasPrefix("@") else { return Array(body.utf8) }
    let path = String(body.dropFirst())
    guard let data = FileManager.default.contents(atPath: path) else {
      let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
      throw ConfigError("cannot read body file '\(path)': \(reason)")
    }
    return Array(data)
  }
}

/// Durations above this (about 11.5 days) are refused: nobody means them, and they would overflow
/// the nanosecond clocks.
let longestDuration = 1_000_000.0

func parseDuration(_ text: String, flag: String) throws(ConfigError) -> Double {
  guard let seconds = DurationText.parse(text) else {
    throw ConfigError("bad \(flag) '\(text)': expected a duration such as 500ms, 5s, 1m30s")
  }
  guard seconds <= longestDuration else {
    throw ConfigError("\(flag) '\(text)' is too long (at most \(Int(longestDuration)) s)")
  }
  return seconds
}

func positiveDuration(_ text: String, flag: String) throws(ConfigError) -> Double {
  let seconds = try parseDuration(text, flag: flag)
  guard seconds > 0 else { throw ConfigError("\(flag) must be greater than 0, got '\(text)'") }
  return seconds
}
