import Metrics

/// What one source said in one second: the run's own `TargetFigure` (Metrics), so a reading
/// goes into the rows as it is. CPU is nil on a source's first reading (a rate needs two) and on
/// the first after it was lost; memory where the source has none (a cgroup without a memory
/// controller).
public typealias WatchFigure = TargetFigure

/// The readings of one sampler tick: every source that could be read, by its name. A source
/// missing from `figures` could not be read that second.
public struct WatchReading: Sendable, Equatable {
  /// When the tick began, in seconds of the sampler's clock.
  public var time: Double
  public var figures: [String: WatchFigure]

  public init(time: Double, figures: [String: WatchFigure]) {
    self.time = time
    self.figures = figures
  }
}

/// A source stopped being readable, or became readable again. One event per change, never one
/// per second.
public struct WatchEvent: Sendable, Equatable, CustomStringConvertible {
  public enum Change: String, Sendable {
    /// The source could not be read: a process exited, a cgroup vanished, a scrape failed.
    case lost
    /// A lost source was read again.
    case back
  }

  /// The source's name, as in `WatchSampler.sourceNames`.
  public var source: String
  public var change: Change
  /// Why the source was lost ("pid 4242 exited", "scrape timed out after 1 s"); for `back`, what
  /// was read again.
  public var reason: String
  /// When, in seconds of the sampler's clock.
  public var time: Double

  public init(source: String, change: Change, reason: String, time: Double) {
    self.source = source
    self.change = change
    self.reason = reason
    self.time = time
  }

  /// One line: `app.service lost: cpu.stat unreadable`.
  public var description: String { "\(source) \(change.rawValue): \(reason)" }
}
