import LogValues
import Metrics
import TerminalUI
import Theme

/// Everything one frame shows, as values: the screen is a pure function of this.
public struct DashboardModel: Sendable {
  public var info: RunInfo
  public var status: EngineStatus
  public var metrics: MetricsSnapshot
  public var state: DashboardState
  public var theme: Theme
  public var symbols: SymbolSet
  public var dots: ChartDots
  /// What the log panel shows; nil when no log source is followed.
  public var logs: LogSnapshot?

  public init(
    info: RunInfo, status: EngineStatus, metrics: MetricsSnapshot, state: DashboardState, theme: Theme,
    symbols: SymbolSet, dots: ChartDots, logs: LogSnapshot? = nil
  ) {
    self.info = info
    self.status = status
    self.metrics = metrics
    self.state = state
    self.theme = theme
    self.symbols = symbols
    self.dots = dots
    self.logs = logs
  }

  func style(_ role: ThemeRole) -> Style { theme.style(role) }

  /// The engine reports a rate only in the open model.
  var loadModel: LoadModelKind { status.rate == nil ? .closed : .open }

  /// Open model: the step `+` and `-` move the rate by now; nil in the closed model.
  var rateStep: Double? { status.rate.map { state.rateStep ?? RateStep.automatic(for: $0) } }
}
