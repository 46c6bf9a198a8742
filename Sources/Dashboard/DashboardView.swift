import Metrics
import TerminalUI
import Theme
import Vocabulary

/// Composes the whole screen from a model: header, charts, stats panel, optional side panel, key
/// bar, and the help overlay on top. Pure: the same model and size give the same grid.
public enum DashboardView {
  public static let minimumWidth = 80
  public static let minimumHeight = 24

  public static func render(_ model: DashboardModel, width: Int, height: Int) -> Grid {
    var grid = Grid(width: width, height: height, fill: Cell(" ", style: model.style(.background)))
    guard width >= minimumWidth, height >= minimumHeight else {
      renderTooSmall(model, to: &grid)
      return grid
    }
    let (header, rest) = grid.area.splitTop(2)
    let (body, keys) = rest.splitBottom(1)
    grid.render(HeaderView(model: model), in: header)

    var main = body
    if model.state.showSidePanel, let logs = model.logs {
      let (left, right) = main.splitRight(model.state.logPanel.columns(screenWidth: width))
      main = left
      grid.render(LogPanelView(model: model, logs: logs), in: right)
    }
    let statsWidth = width >= 120 ? 32 : 28
    let (charts, stats) = main.splitRight(statsWidth)
    grid.render(ChartsView(model: model), in: charts.inset(horizontal: 0, vertical: 0))
    grid.render(StatsPanel(model: model), in: stats.inset(horizontal: 1, vertical: 0))

    let notice = model.state.visibleNotice(now: model.status.elapsed)
    if let prompt = model.state.prompt {
      grid.render(promptLine(prompt, model), in: keys)
    } else {
      grid.render(
        KeyBar(
          entries: KeyMap.keyBar(
            phase: model.status.phase, symbols: model.symbols,
            logPanel: model.logs != nil && model.state.showSidePanel ? model.state.logPanel : nil,
            rateStep: model.rateStep, searching: model.info.searching),
          keyStyle: model.style(.keyHint).adding(.reverse), actionStyle: model.style(.muted),
          status: notice.map { Span($0, style: model.style(.warning)) }),
        in: keys)
    }

    if model.state.showHelp {
      grid.render(
        HelpOverlay(
          title: "rampart keys",
          sections: KeyMap.help(
            model.symbols, rateStep: model.rateStep, search: model.metrics.search != nil),
          footer: "any key closes this help",
          borderStyle: model.style(.border), titleStyle: model.style(.title), keyStyle: model.style(.keyHint),
          textStyle: model.style(.text), symbols: model.symbols),
        in: grid.area)
    }
    return grid
  }

  /// The open prompt in place of the key bar: label, typed text and a cursor, and what the keys do.
  private static func promptLine(_ prompt: Prompt, _ model: DashboardModel) -> Paragraph {
    let cursor = model.symbols == .unicode ? "▏" : "_"
    return Paragraph([
      [
        Span(" \(prompt.label): ", style: model.style(.keyHint).adding(.reverse)),
        Span(" " + prompt.text, style: model.style(.text)),
        Span(cursor, style: model.style(.keyHint)),
        Span("   Enter apply · Esc cancel", style: model.style(.muted)),
      ]
    ])
  }

  private static func renderTooSmall(_ model: DashboardModel, to grid: inout Grid) {
    let screen = TooSmallScreen(
      minimumWidth: minimumWidth, minimumHeight: minimumHeight,
      status: "\(model.status.phase.label) \(ClockText.format(model.status.elapsed))  q stops",
      headline: model.style(.warning).adding(.bold), text: model.style(.text), symbols: model.symbols)
    grid.render(screen, in: grid.area)
  }
}
