import Metrics
import TerminalUI
import Theme
import Vocabulary

/// How a judged step of a capacity search reads on the TPS chart's marker row: its verdict's
/// glyph, role and legend word, and the bar over the rest of its measured window. Glyph and word
/// differ for every verdict, so the band never reads by colour alone; both symbol sets have them.
enum SearchBandGlyph {
  static func of(_ verdict: SearchStep.Verdict, _ symbols: SymbolSet) -> (glyph: Character, role: ThemeRole) {
    let unicode = symbols == .unicode
    switch verdict {
    case .pass: return (unicode ? "✓" : "o", .good)
    case .fail: return (unicode ? "✗" : "x", .bad)
    case .clientLimited: return (Character(ClientLimitedGlyph.of(symbols)), .warning)
    }
  }

  static func name(_ verdict: SearchStep.Verdict) -> String {
    switch verdict {
    case .pass: "pass"
    case .fail: "fail"
    case .clientLimited: "client-limited"
    }
  }

  /// The bar after the glyph: heavy for a held step, light for an exploratory one.
  static func bar(held: Bool, _ symbols: SymbolSet) -> Character {
    switch (held, symbols) {
    case (true, .unicode): "━"
    case (true, .ascii): "="
    case (false, .unicode): "─"
    case (false, .ascii): "-"
    }
  }
}

/// The judged steps of a `rampart find` run on the TPS chart (`ChartsView`).
extension ChartsView {
  /// Each judged step marked on the marker row over its measured window (`windowStartS..<endS`,
  /// the warm-up left out): the verdict's glyph, then a bar in the verdict's role, with the rate
  /// after the glyph where the window has room (`✓190/s━━`, `✗200━`). Exploratory steps come
  /// first and lighter (dim, a thin bar, no rate), so a held step sharing a column wins it; later
  /// steps win over earlier ones. Event markers keep their cells.
  func drawSearchBand(
    _ steps: [SearchStep], row: Int, plotX: Int, plotWidth: Int, xRange: ClosedRange<Double>,
    in grid: inout Grid
  ) {
    guard plotWidth > 0, row >= 0, row < grid.height else { return }
    let taken = Set((plotX..<plotX + plotWidth).filter { grid[$0, row].symbol != " " })
    let span = max(xRange.upperBound - xRange.lowerBound, 1e-9)
    func column(_ x: Double) -> Int {
      plotX + max(0, min(plotWidth - 1, Int((x - xRange.lowerBound) / span * Double(plotWidth))))
    }
    // Decided cell by cell first, then drawn once: a cell's style is patched, never replaced.
    var band: [Int: (Character, Style)] = [:]
    let ordered = steps.filter { $0.phase == .explore } + steps.filter { $0.phase == .hold }
    for step in ordered {
      let from = max(Double(step.windowStartS), xRange.lowerBound)
      // The window ends before `endS`: its last second is `endS - 1`.
      let to = min(Double(step.endS), xRange.upperBound)
      guard from < to else { continue }
      let (first, last) = (column(from), column(to.nextDown))
      guard let start = (first...last).first(where: { !taken.contains($0) }) else { continue }
      let held = step.phase == .hold
      let (glyph, role) = SearchBandGlyph.of(step.verdict, model.symbols)
      let style = held ? model.style(role) : model.style(role).adding(.dim)
      var text = [glyph]
      if held, let label = rateLabel(step.rate, room: last - start),
        (start + 1...start + label.count).allSatisfy({ !taken.contains($0) })
      {
        text += label
      }
      let bar = SearchBandGlyph.bar(held: held, model.symbols)
      for x in start...last where !taken.contains(x) {
        let i = x - start
        band[x] = (i < text.count ? text[i] : bar, i == 0 ? style.adding(.bold) : style)
      }
    }
    for (x, cell) in band { _ = grid.put(cell.0, x: x, y: row, style: cell.1) }
  }

  /// The step's rate after its glyph: with its unit where it fits in `room` cells, else the bare
  /// number; nil when neither does.
  private func rateLabel(_ rate: Double, room: Int) -> [Character]? {
    for text in [RateText.live(rate), RateText.formatLive(rate)] where text.count <= room {
      return Array(text)
    }
    return nil
  }

  /// The band's legend entries, one per verdict among the judged steps, in a fixed order.
  func searchBandLegend(_ steps: [SearchStep]) -> [(glyph: Character, role: ThemeRole, name: String)] {
    let verdicts: [SearchStep.Verdict] = [.pass, .fail, .clientLimited]
    return verdicts.filter { verdict in steps.contains { $0.verdict == verdict } }.map { verdict in
      let (glyph, role) = SearchBandGlyph.of(verdict, model.symbols)
      return (glyph, role, SearchBandGlyph.name(verdict))
    }
  }
}
