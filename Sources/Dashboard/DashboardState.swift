/// What the user changed on the screen: overlays, the time window, the theme. Engine state lives
/// in the engine; this is only the view.
public struct DashboardState: Sendable, Equatable {
  public var showHelp = false
  public var showSidePanel = true
  /// Log sources are followed, so the panel, its keys and the log-errors lane exist.
  public var hasLogPanel = false
  public var logPanel = LogPanelState()
  /// A one-line text entry in the key bar; while open, keys type into it.
  public var prompt: Prompt?
  public var viewport = Viewport()
  /// Open model: the step `+` and `-` move the rate by, once the user has moved the rate or the
  /// step; nil until then (the step follows the rate: `RateStep.automatic`).
  public var rateStep: Double?
  /// A short notice in the key bar, until `noticeUntil` (elapsed seconds).
  public var notice: String?
  public var noticeUntil = 0.0
  /// The user asked to stop the run (`q`); the screen stays until the engine has finished.
  public var stopRequested = false
  /// Leave the dashboard loop.
  public var exitRequested = false

  public init() {}

  public mutating func post(_ text: String, now: Double, seconds: Double = 3) {
    notice = text
    noticeUntil = now + seconds
  }

  public func visibleNotice(now: Double) -> String? {
    guard let notice, now < noticeUntil else { return nil }
    return notice
  }
}
