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
  /// The side panel's title and content (the log panel); nil when there is nothing to show.
  public var sidePanel: SidePanel?

  public init(
    info: RunInfo, status: EngineStatus, metrics: MetricsSnapshot, state: DashboardState, theme: Theme,
    symbols: SymbolSet, dots: ChartDots, sidePanel: SidePanel? = nil
  ) {
    self.info = info
    self.status = status
    self.metrics = metrics
    self.state = state
    self.theme = theme
    self.symbols = symbols
    self.dots = dots
    self.sidePanel = sidePanel
  }

  func style(_ role: ThemeRole) -> Style { theme.style(role) }
}

/// Content for the panel on the right (server logs, a later addition): a title and a widget.
public struct SidePanel: Sendable {
  public var title: String
  public var content: @Sendable (Rect, inout Grid) -> Void

  public init(title: String, content: @escaping @Sendable (Rect, inout Grid) -> Void) {
    self.title = title
    self.content = content
  }
}
