import Synchronization

/// A consistent copy of everything recorded so far, for the screen and the summary.
public struct MetricsSnapshot: Sendable {
  public var samples: [SecondSample]
  public var totals: RunTotals
  public var events: [RunEvent]
}

/// The run's memory: one compact row per second, cumulative totals and the event list. Written by
/// the engine once a second, read by the screen and the summary; safe from any thread.
public final class MetricsStore: Sendable {
  private struct State {
    var samples: [SecondSample] = []
    var totals = RunTotals()
    var events: [RunEvent] = []
  }
  private let state = Mutex(State())

  public init() {}

  /// Closes one second: merges it into the totals and returns its row.
  @discardableResult
  public func ingest(_ bucket: SecondBucket, gauges: EngineGauges, duration: Double) -> SecondSample {
    let sample = SecondSample(bucket: bucket, gauges: gauges, duration: duration)
    state.withLock {
      $0.totals.add(bucket)
      $0.samples.append(sample)
    }
    return sample
  }

  public func record(_ event: RunEvent) {
    state.withLock { $0.events.append(event) }
  }

  public func snapshot() -> MetricsSnapshot {
    state.withLock { MetricsSnapshot(samples: $0.samples, totals: $0.totals, events: $0.events) }
  }
}
