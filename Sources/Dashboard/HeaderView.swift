import Metrics
import TerminalUI
import Theme
import Vocabulary

/// Two rows: the state badge, target and plan; then elapsed time, progress to the planned end and
/// the run directory.
struct HeaderView: Widget {
  let model: DashboardModel

  func render(in area: Rect, to grid: inout Grid) {
    guard area.height >= 2 else { return }
    let status = model.status
    var badge = " \(status.phase.glyph(model.symbols)) \(status.phase.label)"
    if status.phase == .paused { badge += " \(ClockText.format(status.pausedFor))" }
    if status.rampHeld && status.phase == .running { badge += " (held)" }
    badge += " "
    var x = area.x
    x += grid.write(
      badge, x: x, y: area.y, style: model.style(status.phase.role).adding(.reverse).adding(.bold))
    x += 1
    // A failing threshold is named beside the state (glyph and words, not colour alone).
    let failing = model.metrics.thresholds.filter { !$0.ok }.count
    if failing > 0 {
      let text =
        " \(ThresholdGlyph.fail(model.symbols)) \(failing) threshold\(failing == 1 ? "" : "s") failing "
      x += grid.write(text, x: x, y: area.y, style: model.style(.bad).adding(.reverse).adding(.bold))
      x += 1
    }
    // So is a journal that stopped: the load goes on, but the run directory no longer follows it.
    if let stop = JournalStop.first(in: model.metrics.events) {
      let text = " \(JournalGlyph.stopped) journal stopped: \(stop.reason) "
      x += grid.write(text, x: x, y: area.y, style: model.style(.warning).adding(.reverse).adding(.bold))
      x += 1
    }
    // So is a client that held arrivals back in the latest whole second: the figures then
    // describe rampart's limit, not the target's.
    let latestWhole = model.metrics.samples.last(where: \.isWhole)
    if latestWhole?.generatorLimited == true {
      let text = " \(ClientLimitedGlyph.of(model.symbols)) CLIENT-LIMITED "
      x += grid.write(text, x: x, y: area.y, style: model.style(.warning).adding(.reverse).adding(.bold))
      x += 1
    }
    let vusers = "vusers \(model.metrics.samples.last?.vusers ?? 0)/\(status.targetVusers)"
    if let rate = status.rate {
      renderOpenModelTitle(rate: rate, vusers: vusers, from: x, in: area, to: &grid)
    } else {
      renderTitle(vusers: vusers, from: x, in: area, to: &grid)
    }

    renderProgress(in: area, to: &grid)
  }

  /// "rampart → target   plan", then the vusers on the right when they fit.
  private func renderTitle(vusers: String, from start: Int, in area: Rect, to grid: inout Grid) {
    var x = start
    x += grid.write(
      "rampart", x: x, y: area.y, style: model.style(.title), maxWidth: area.maxX - x)
    x += grid.write(
      model.symbols == .unicode ? " → " : " -> ", x: x, y: area.y, style: model.style(.muted),
      maxWidth: area.maxX - x)
    x += grid.write(model.info.target, x: x, y: area.y, style: model.style(.header), maxWidth: area.maxX - x)
    x += grid.write(
      "   " + model.info.plan, x: x, y: area.y, style: model.style(.text), maxWidth: area.maxX - x)
    let vusersWidth = DisplayWidth.of(vusers)
    if x + 2 + vusersWidth <= area.maxX {
      grid.write(vusers, x: area.maxX - vusersWidth, y: area.y, style: model.style(.vusers))
    }
  }

  /// The open model: the rate on the right comes first, since `+` and `-` steer it; the target
  /// gives way to it, the vusers in use (against the pool's cap) show when the target fits beside
  /// them, and the plan takes what is left.
  private func renderOpenModelTitle(
    rate: Double, vusers: String, from start: Int, in area: Rect, to grid: inout Grid
  ) {
    let rateText = "rate \(RateText.live(rate))"
    let arrow = model.symbols == .unicode ? " → " : " -> "
    let titleWidth = DisplayWidth.of("rampart" + arrow + model.info.target)
    let withVusers = start + titleWidth + 2 + DisplayWidth.of(rateText + "  " + vusers) <= area.maxX
    let right =
      withVusers ? [(rateText, ThemeRole.offered), ("  ", .text), (vusers, .vusers)] : [(rateText, .offered)]
    let rightWidth = right.reduce(0) { $0 + DisplayWidth.of($1.0) }
    guard rightWidth <= area.maxX - start else { return }
    var rx = area.maxX - rightWidth
    for (text, role) in right { rx += grid.write(text, x: rx, y: area.y, style: model.style(role)) }
    let limit = area.maxX - rightWidth - 2
    var x = start
    x += grid.write("rampart", x: x, y: area.y, style: model.style(.title), maxWidth: limit - x)
    x += grid.write(arrow, x: x, y: area.y, style: model.style(.muted), maxWidth: limit - x)
    x += grid.write(
      DisplayWidth.truncate(model.info.target, to: max(0, limit - x)), x: x, y: area.y,
      style: model.style(.header), maxWidth: limit - x)
    // The plan whole or cut with an ellipsis, but not down to a stub.
    let room = limit - x - 3
    if room >= 8 {
      grid.write(
        "   " + DisplayWidth.truncate(model.info.plan, to: room), x: x, y: area.y, style: model.style(.text))
    }
  }

  /// Elapsed time, progress to the planned end and the run directory.
  private func renderProgress(in area: Rect, to grid: inout Grid) {
    let status = model.status
    let row = area.y + 1
    var clock = ClockText.format(status.planElapsed)
    if let planned = model.info.plannedDuration { clock += " / " + ClockText.format(planned) }
    let left = grid.write(clock + " ", x: area.x, y: row, style: model.style(.text))
    // The note (the demo target's log) goes first: a long run directory may be cut, it must not.
    let runLabel = (model.info.note.map { "  " + $0 } ?? "") + "  run " + model.info.runDirectory
    let runWidth = min(DisplayWidth.of(runLabel), max(0, area.width / 2 - 4))
    let gaugeWidth = area.width - left - runWidth
    if gaugeWidth >= 6 {
      let ratio: Double
      let label: String
      if let planned = model.info.plannedDuration, planned > 0 {
        ratio = status.phase == .done ? 1 : status.planElapsed / planned
        label = PercentText.format(min(1, ratio))
      } else {
        ratio = 0
        label = "until stopped"
      }
      grid.render(
        Gauge(
          ratio: ratio, label: label, filledStyle: model.style(.gaugeFilled),
          emptyStyle: model.style(.gaugeEmpty),
          labelStyle: model.style(.text), symbols: model.symbols),
        in: Rect(x: area.x + left, y: row, width: gaugeWidth, height: 1))
    }
    if runWidth > 6 {
      grid.write(
        DisplayWidth.truncate(runLabel, to: runWidth), x: area.maxX - runWidth, y: row,
        style: model.style(.muted))
    }
  }
}
