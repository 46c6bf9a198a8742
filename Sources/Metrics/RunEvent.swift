import Foundation

/// Something that happened during a run at a point in time: a control action, a state change.
/// Stored in `events.jsonl`, drawn as markers on the charts.
public struct RunEvent: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable {
    case start, pause, resume, stop
    case setVusers = "set_vusers"
    /// Open model: the offered rate was changed live; `value` is the new rate (requests/s).
    case setRate = "set_rate"
    case rampStep = "ramp_step"
    case rampInterval = "ramp_interval"
    case hold, release
    case nextStage = "next_stage"
    case planEnd = "plan_end"
    case fileLimit = "file_limit"
    case tag
    /// The detected knee: `value` is its vusers, `label` its throughput and latency.
    case knee
    /// Errors found in the target's logs in one second: `label` is the class, `value` the count.
    case logErrors = "log_errors"
    /// A threshold went from passing to failing: `label` is its expression, `value` the observed
    /// figure (in the metric's unit, as in the summary's `thresholds`).
    case threshold
    /// The run directory stopped taking lines (the disk filled up, or another write error):
    /// `label` is why ("disk full", or the system's error text). The load goes on.
    case journalStopped = "journal_stopped"
    /// `rampart find`: a step was judged; `value` is its rate, `label` its phase, verdict and
    /// each SLO's reading ("hold pass: p99<300ms 41ms, errors<1% 0.00%").
    case searchStep = "search_step"
    /// `rampart find`: the answer; `value` the capacity (requests/s, absent when none passed),
    /// `label` the one-line headline.
    case capacity
    /// A watched source of the target could not be read (`label`: "uvicorn: process exited"); the
    /// lane has a gap until `watchBack`.
    case watchLost = "watch_lost"
    /// A lost watched source is read again (`label`: its name).
    case watchBack = "watch_back"
  }

  /// Seconds since the run started (monotonic clock).
  public var elapsed: Double
  public var time: Date
  public var kind: Kind
  public var value: Double?
  public var label: String?

  public init(elapsed: Double, time: Date = Date(), kind: Kind, value: Double? = nil, label: String? = nil) {
    self.elapsed = elapsed
    self.time = time
    self.kind = kind
    self.value = value
    self.label = label
  }
}
