/// What the header says about the run that does not change while it runs.
public struct RunInfo: Sendable, Equatable {
  public var target: String
  /// The plan as the user would say it: "ramp 100 -> 1000 step 100/5s".
  public var plan: String
  public var runDirectory: String
  /// Seconds the run is planned to last; nil when it runs until stopped.
  public var plannedDuration: Double?
  /// Open-file limit, which caps connections.
  public var fileLimit: Int
  /// One more thing the header shows after the run directory (the demo target's log file).
  public var note: String?
  /// `rampart find`: the search sets the rate, so the rate keys say so instead of acting.
  public var searching = false

  public init(
    target: String, plan: String, runDirectory: String, plannedDuration: Double?, fileLimit: Int,
    note: String? = nil
  ) {
    self.target = target
    self.plan = plan
    self.runDirectory = runDirectory
    self.plannedDuration = plannedDuration
    self.fileLimit = fileLimit
    self.note = note
  }
}
