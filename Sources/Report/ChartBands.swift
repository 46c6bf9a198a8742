/// Shaded intervals of the x axis that carry a verdict: a capacity search's held steps over their
/// measured windows. Drawn under the series like pauses, but coloured by role (palette) and marked
/// in text too (✓ ✗ ~), so a reader who cannot tell the colours apart reads the same.
extension Chart {
  struct Band {
    enum Role: String {
      case pass, fail, neutral

      var color: String {
        switch self {
        case .pass: ReportPalette.pass
        case .fail: ReportPalette.fail
        case .neutral: ReportPalette.neutral
        }
      }

      var mark: String {
        switch self {
        case .pass: "✓"
        case .fail: "✗"
        case .neutral: "⊘"
        }
      }
    }

    var from: Double
    var to: Double
    var role: Role
    /// Written inside the band when it fits ("190/s").
    var label: String
    /// The band's tooltip: everything the label leaves out.
    var title: String
    /// The legend's words for this role ("held step passed").
    var meaning: String
  }

  /// The bands as SVG, each a full-height rect (with its x interval as `data-from`/`data-to`, for
  /// tests and scripts) and its label at the foot of the plot, where a throughput line near its
  /// peak leaves room; upright when the band is too narrow for the label lying down.
  func bandNodes(px: (Double) -> Double, top: Double) -> [BodyNode] {
    var nodes: [BodyNode] = []
    let foot = top + Self.plotHeight - 6
    for band in bands {
      let x1 = px(band.from)
      let width = max(px(band.to) - x1, 2)
      nodes.append(
        Self.element(
          "rect",
          [
            ("class", "band \(band.role.rawValue)"), ("x", Self.n(x1)), ("y", Self.n(top)),
            ("width", Self.n(width)), ("height", Self.n(Self.plotHeight)), ("fill", band.role.color),
            ("data-from", Self.n(band.from)), ("data-to", Self.n(band.to)),
          ], [Markup.element("title", text: band.title)]))
      let label = band.role.mark + " " + band.label
      let length = Double(label.count) * 6.2 + 8
      if width >= length {
        nodes.append(Self.text(label, x: x1 + width / 2, y: foot, class: "band-label", anchor: "middle"))
      } else if width >= 13 {
        nodes.append(
          Self.element(
            "text",
            [
              ("class", "band-label"), ("x", "0"), ("y", "0"), ("text-anchor", "start"),
              ("transform", "translate(\(Self.n(x1 + width / 2 + 4)) \(Self.n(foot))) rotate(-90)"),
            ], [Markup.text(label)]))
      }
    }
    return nodes
  }

  /// One legend key per role drawn, in the role's colour.
  func bandKeys() -> [BodyNode] {
    var seen: Set<String> = []
    return bands.compactMap { band -> BodyNode? in
      guard seen.insert(band.role.rawValue).inserted else { return nil }
      return Markup.element(
        "li", ["class": "key"],
        [
          Markup.element(
            "span",
            ["class": "swatch key-band \(band.role.rawValue)", "style": "background:\(band.role.color)"]),
          Markup.text("shaded \(band.role.mark): \(band.meaning)"),
        ])
    }
  }
}
