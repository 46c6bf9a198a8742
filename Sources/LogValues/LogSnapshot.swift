/// One entry of the panel as the hub recorded it.
public struct LogEntry: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// A line or folded block read while following.
    case live
    /// A line that was in the file before following began: context only, never counted.
    case history
    /// A notice about the source itself (rotated, truncated, waiting, command exited).
    case notice
  }

  /// Increases by one per entry over the whole run, so a scrolled view can stay anchored while
  /// new entries arrive.
  public var id: UInt64
  /// Index into `LogSnapshot.sources`.
  public var source: Int
  /// Run time, in seconds, when rampart read it: the same clock as the load's time axis.
  public var elapsed: Double
  public var kind: Kind
  public var event: LogEvent

  public init(id: UInt64, source: Int, elapsed: Double, kind: Kind, event: LogEvent) {
    self.id = id
    self.source = source
    self.elapsed = elapsed
    self.kind = kind
    self.event = event
  }
}

/// A source as the panel lists it.
public struct LogSourceState: Sendable, Equatable {
  public var name: String
  public var spec: LogSourceSpec
  /// The latest notice, if the source is in trouble now (waiting, refused, exited...).
  public var problem: SourceNotice?
  public var linesRead: Int

  public init(name: String, spec: LogSourceSpec, problem: SourceNotice? = nil, linesRead: Int = 0) {
    self.name = name
    self.spec = spec
    self.problem = problem
    self.linesRead = linesRead
  }
}

/// A copy of what the panel shows, taken under the hub's lock: the screen never touches the
/// followers.
public struct LogSnapshot: Sendable, Equatable {
  public var sources: [LogSourceState]
  /// The newest entries, oldest first, at most the hub's capacity.
  public var entries: [LogEntry]
  /// Lines that were read, classified and counted, but not kept for display because they came
  /// faster than anyone can read (the panel says how many).
  public var droppedForDisplay: Int
  /// Error events by class over the whole run.
  public var errorCounts: [String: Int]

  public init(
    sources: [LogSourceState], entries: [LogEntry] = [], droppedForDisplay: Int = 0,
    errorCounts: [String: Int] = [:]
  ) {
    self.sources = sources
    self.entries = entries
    self.droppedForDisplay = droppedForDisplay
    self.errorCounts = errorCounts
  }
}

/// Where the dashboard gets log panel content from.
public protocol LogFeed: Sendable {
  func logSnapshot() -> LogSnapshot
}
