import Foundation

/// Which load model a run used.
public enum LoadModelKind: String, Codable, Sendable {
  case closed, open
}

/// How a run ended.
public enum RunOutcome: String, Codable, Sendable {
  /// The plan ran to its end (duration, stages or request count reached).
  case complete
  /// Stopped early by the user (Ctrl-C, SIGTERM, `stop`): data up to the stop is valid.
  case abortedByUser = "aborted_by_user"
  /// Stopped early because a threshold was failing with `--abort-on-fail`: data up to the stop is
  /// valid.
  case abortedByThreshold = "aborted_by_threshold"
  /// No summary was written: the process was killed. Only the loader reports this.
  case incomplete
}

/// The end-of-run figures. The snake_case keys are a stable interface: `--json` prints this object
/// and scripts (and the benchmark adapter) read `requests`, `tps`, `mtt_ms`, `p99_ms` and others.
public struct RunSummary: Codable, Sendable, Equatable {
  public var outcome: RunOutcome
  public var target: String
  public var startedAt: Date
  public var endedAt: Date
  public var durationS: Double
  /// Requests that ended: successes plus errors of every kind.
  public var requests: Int
  /// Requests scheduled: `requests + inflight_at_stop`.
  public var scheduled: Int
  public var ok: Int
  public var errors: Int
  public var inflightAtStop: Int
  public var errorRate: Double
  public var tps: Double
  public var tpsPeak: Double
  public var mttMs: Double
  public var minMs: Double
  public var p50Ms: Double
  public var p90Ms: Double
  public var p95Ms: Double
  public var p99Ms: Double
  public var maxMs: Double
  public var errorsByKind: [String: Int]
  /// Protocol violations by reason: those of `protocol` errors, plus `unexpected_data` counted for
  /// connections whose responses were booked normally (so it may exceed `errors_by_kind.protocol`).
  public var protocolErrors: [String: Int]
  public var statusCodes: [String: Int]
  public var bytesIn: Int
  public var bytesOut: Int
  public var connectionsOpened: Int
  public var staleRetries: Int
  public var vusersPeak: Int
  public var runDir: String
  /// Error events in the target's logs by class; nil when no log source was followed.
  public var logErrors: [String: Int]?
  /// Where added vusers stopped adding throughput, from the whole run; nil when none was found.
  public var knee: Knee?
  /// The knee question answered for scripts (`found`, `saturated_from_start`, `not_reached`,
  /// `too_short`) and for people (`knee_note`); nil in a capacity search.
  /// The target's watched sources over the run (peak and mean CPU and memory); nil when nothing
  /// was watched.
  public var watch: [String: TargetSummary]?
  /// The watched sources whose CPU sat flat from the knee on (from the first second when the run
  /// was saturated from the start); nil when nothing was watched or there is no knee to look at.
  public var saturation: [SaturationNote]?
  public var kneeVerdict: KneeJudgement.Verdict?
  public var kneeNote: String?
  /// The moments the user tagged (`t`, `tag LABEL`), in order.
  /// Optional so summaries written before these keys existed still load.
  public var tags: [Tag]?
  /// Time spent paused, and how many pauses.
  public var pausedS: Double?
  public var pauses: Int?
  /// Each threshold checked over the whole run; nil when none was given.
  public var thresholds: [ThresholdResult]?
  /// Every threshold passed and none stopped the run; nil when none was given.
  public var thresholdsOk: Bool?
  /// When and why journalling stopped mid-run (the disk filled up); nil when it never did. The
  /// summary's figures still cover the whole run: only the series on disk ends early.
  public var journalStopped: JournalStop?
  /// "closed" (vusers loop: send, wait, think) or "open" (requests arrive at a rate); nil only in
  /// summaries written before the open model existed, which were all closed.
  public var model: LoadModelKind?
  /// Open model only: the mean rate offered over the run, arrivals sent more than 1 ms after they
  /// were due, arrivals dropped at the full backlog, seconds in which the client held arrivals
  /// back, and the latency from the actual send (the top-level percentiles run from the intended
  /// start).
  public var offeredRps: Double?
  public var late: Int?
  public var dropped: Int?
  /// Open model: arrivals that waited because the pool was held where more vusers stopped adding
  /// completions, and those of `dropped` dropped at the full backlog meanwhile (the target was
  /// the limit; neither counts as client-limited).
  public var heldBack: Int?
  public var droppedHeld: Int?
  public var generatorLimitedS: Double?
  public var uncorrected: LatencyFigures?
  /// `rampart find` only: the search's answer with every step, and its three figures lifted to
  /// the top level for scripts.
  public var capacity: CapacityResult? {
    didSet {
      // A search's rates go up and down; the knee detector reads a ramp, so its "knee" would be
      // an artefact of the order of the steps. The capacity is the answer instead.
      if capacity != nil {
        knee = nil
        kneeVerdict = nil
        kneeNote = nil
        saturation = nil
      }
      capacityRps = capacity?.capacityRps
      failedRps = capacity?.failedRps
      limitingSLO = capacity?.limitingSLO
    }
  }
  public private(set) var capacityRps: Double?
  public private(set) var failedRps: Double?
  public private(set) var limitingSLO: String?

  public struct Tag: Codable, Sendable, Equatable {
    public var elapsedS: Double
    public var label: String
    public init(elapsedS: Double, label: String) {
      self.elapsedS = elapsedS
      self.label = label
    }
    enum CodingKeys: String, CodingKey {
      case elapsedS = "elapsed_s", label
    }
  }

  enum CodingKeys: String, CodingKey {
    case outcome, target, startedAt = "started_at", endedAt = "ended_at", durationS = "duration_s"
    case requests, scheduled, ok, errors, inflightAtStop = "inflight_at_stop"
    case errorRate = "error_rate", tps, tpsPeak = "tps_peak", mttMs = "mtt_ms", minMs = "min_ms"
    case p50Ms = "p50_ms", p90Ms = "p90_ms", p95Ms = "p95_ms", p99Ms = "p99_ms", maxMs = "max_ms"
    case errorsByKind = "errors_by_kind", protocolErrors = "protocol_errors"
    case statusCodes = "status_codes", bytesIn = "bytes_in", bytesOut = "bytes_out"
    case connectionsOpened = "connections_opened", staleRetries = "stale_retries"
    case vusersPeak = "vusers_peak", runDir = "run_dir", logErrors = "log_errors", knee, tags
    case kneeVerdict = "knee_verdict", kneeNote = "knee_note", watch, saturation
    case pausedS = "paused_s", pauses
    case thresholds, thresholdsOk = "thresholds_ok", journalStopped = "journal_stopped"
    case model, offeredRps = "offered_rps", late, dropped
    case heldBack = "held_back", droppedHeld = "dropped_held"
    case generatorLimitedS = "generator_limited_s"
    case uncorrected, capacity, capacityRps = "capacity_rps", failedRps = "failed_rps"
    case limitingSLO = "limiting_slo"
  }
}

extension RunSummary {
  /// Builds the summary from the store's snapshot. Peak TPS only counts whole seconds, so a short
  /// final second cannot fake a peak.
  public init(
    snapshot: MetricsSnapshot, outcome: RunOutcome, target: String, startedAt: Date, endedAt: Date,
    duration: Double, inflightAtStop: Int, runDir: String
  ) {
    let t = snapshot.totals
    let whole = snapshot.samples.filter(\.isWhole)
    let peak = (whole.isEmpty ? snapshot.samples : whole).map(\.tps).max() ?? 0
    let completed = t.completed
    self.init(
      outcome: outcome, target: target, startedAt: startedAt, endedAt: endedAt, durationS: duration,
      requests: completed, scheduled: completed + inflightAtStop, ok: t.ok, errors: t.errorCount,
      inflightAtStop: inflightAtStop,
      errorRate: completed > 0 ? Double(t.errorCount) / Double(completed) : 0,
      tps: duration > 0 ? Double(completed) / duration : 0, tpsPeak: peak, mttMs: t.mttMs,
      minMs: t.histogram.totalCount > 0 ? Double(t.latencyMinMicros) / 1000 : 0,
      p50Ms: t.percentileMs(50), p90Ms: t.percentileMs(90), p95Ms: t.percentileMs(95),
      p99Ms: t.percentileMs(99), maxMs: Double(t.latencyMaxMicros) / 1000,
      errorsByKind: ErrorKind.countsByName(t.errors),
      protocolErrors: ProtocolViolation.countsByName(t.protocolViolations),
      statusCodes: Dictionary(uniqueKeysWithValues: t.statusCodes.map { (String($0), $1) }),
      bytesIn: t.bytesIn, bytesOut: t.bytesOut, connectionsOpened: t.connectionsOpened,
      staleRetries: t.staleRetries, vusersPeak: snapshot.samples.map(\.vusers).max() ?? 0,
      runDir: runDir,
      logErrors: snapshot.samples.contains { $0.logErrors != nil } || !t.logErrors.isEmpty
        ? t.logErrors : nil,
      knee: Self.finalKnee(snapshot)
    )
    watch = TargetSummary.of(snapshot.samples, sources: snapshot.watchedSources)
    let judgement = Self.finalJudgement(snapshot, knee: knee)
    kneeVerdict = judgement.verdict
    kneeNote = judgement.sentence
    if watch != nil { saturation = SaturationNote.atKnee(snapshot.samples, knee: knee, judgement: judgement) }
    tags = snapshot.events.filter { $0.kind == .tag }.map { Tag(elapsedS: $0.elapsed, label: $0.label ?? "") }
    let (paused, count) = Self.pausedTime(snapshot.events, until: duration)
    pausedS = paused
    pauses = count
    journalStopped = JournalStop.first(in: snapshot.events)
    model = t.arrivals == nil ? .closed : .open
    if let arrivals = t.arrivals {
      offeredRps = duration > 0 ? Double(arrivals.offered) / duration : 0
      late = arrivals.late
      dropped = arrivals.dropped
      heldBack = arrivals.heldBack
      droppedHeld = arrivals.droppedHeld
      generatorLimitedS = Double(t.generatorLimitedSeconds)
      uncorrected = arrivals.uncorrectedFigures
    }
  }

  /// Paused seconds (an open pause runs to the end) and the number of pauses.
  public static func pausedTime(_ events: [RunEvent], until end: Double) -> (Double, Int) {
    var total = 0.0
    var count = 0
    var since: Double?
    for event in events {
      switch event.kind {
      case .pause where since == nil:
        since = event.elapsed
        count += 1
      case .resume:
        if let start = since { total += event.elapsed - start }
        since = nil
      default: break
      }
    }
    if let start = since { total += max(0, end - start) }
    return (total, count)
  }
}

extension ProtocolViolation {
  public static func countsByName(_ counts: [Int]) -> [String: Int] {
    var out: [String: Int] = [:]
    for v in allCases where counts[v.index] > 0 { out[v.rawValue] = counts[v.index] }
    return out
  }
}

extension RunSummary {
  /// The knee from the whole run (the most data there is), keeping the second at which it was
  /// first claimed live; the live claim when the final data no longer supports one.
  static func finalKnee(_ snapshot: MetricsSnapshot) -> Knee? {
    guard var knee = KneeDetector().detect(snapshot.samples) else { return snapshot.knee }
    if let live = snapshot.knee { knee.second = live.second }
    return knee
  }

  /// The verdict on the whole run: `found` for the knee the summary shows, else the detector's
  /// reason on every second recorded.
  static func finalJudgement(_ snapshot: MetricsSnapshot, knee: Knee?) -> KneeJudgement {
    let isRate = snapshot.samples.contains { $0.targetRate != nil }
    if let knee {
      return KneeJudgement(verdict: .found, level: knee.rate ?? Double(knee.vusers), isRate: isRate)
    }
    return KneeDetector().judge(snapshot.samples)
  }
}
