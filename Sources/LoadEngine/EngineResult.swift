import Foundation
import Metrics

/// How a finished run ended, for the summary.
public struct EngineResult: Sendable {
  public var outcome: RunOutcome
  public var startedAt: Date
  public var endedAt: Date
  /// Seconds from start until the last vuser ended.
  public var duration: Double
  public var inflightAtStop: Int

  public init(outcome: RunOutcome, startedAt: Date, endedAt: Date, duration: Double, inflightAtStop: Int) {
    self.outcome = outcome
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.duration = duration
    self.inflightAtStop = inflightAtStop
  }
}
