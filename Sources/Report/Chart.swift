import Foundation
import Plot
import RunStore
import Vocabulary

/// One chart of the report as values: series, markers (tags, the knee), shaded spans (pauses),
/// bands shaded by verdict (`ChartBands.swift`) and reference levels. `render()` turns it into a
/// `<figure>` holding one inline `<svg>` with axes, gridlines, tick labels and axis titles with
/// units, and an HTML legend below it.
struct Chart {
  enum XAxis { case time, vusers }

  struct Point: Equatable {
    var x: Double
    var y: Double
  }

  struct Series {
    var name: String
    var color: String
    /// SVG dash pattern ("9 5"); nil draws a solid line.
    var dash: String?
    /// A point whose y is not finite is a gap (a watched source not read that second): the line
    /// stops there and starts again after it, never drawn down to zero.
    var points: [Point]
    /// Draw a dot on every point (capacity curves, whose points are ramp steps).
    var dots = false
  }

  struct Marker {
    enum Kind: String { case tag, knee }
    var kind: Kind
    var x: Double
    var label: String
    var color: String?
    /// A point to mark on the plot (the knee's throughput, say).
    var dot: Point?
  }

  struct Span {
    var from: Double
    var to: Double
    var label: String
    var color: String?
  }

  /// A horizontal reference line (the knee's vusers on the vusers chart).
  struct Level {
    var y: Double
    var label: String
    var color: String?
  }

  var id: String
  var title: String
  /// The y axis title, with its unit.
  var yTitle: String
  var xAxis: XAxis
  var xMax: Double
  var series: [Series]
  /// Series are areas stacked in order (their points share x positions).
  var stacked = false
  var markers: [Marker] = []
  var spans: [Span] = []
  /// Intervals shaded by verdict (a capacity search's held steps), under everything else.
  var bands: [Band] = []
  var levels: [Level] = []
  /// Written across an empty plot ("no errors").
  var emptyText: String?
  /// A sentence under the legend (the summary's saturation note under the Target CPU chart).
  var note: String?

  // Geometry in SVG user units; the SVG scales to the page width. The space above the plot grows
  // with the rows its marker labels need.
  static let width = 1000.0
  static let left = 74.0
  static let right = 26.0
  static let bottom = 50.0
  static let plotHeight = 180.0
  static let labelRow = 16.0
  static var plotWidth: Double { width - left - right }

  /// Dash patterns for runs A to D, so overlays never rely on colour alone.
  static let runDashes: [String?] = [nil, "9 5", "2 4", "12 4 2 4"]

  func render() -> BodyNode {
    let yTicks = Ticks.nice(max: Self.yDomainMax(self))
    let yTop = yTicks.last ?? 1
    let xTicks = xAxis == .time ? Ticks.time(max: xMax) : Ticks.nice(max: xMax)
    let xTop = max(xAxis == .time ? xMax : (xTicks.last ?? xMax), 1e-9)
    func px(_ x: Double) -> Double { Self.left + min(max(x / xTop, 0), 1) * Self.plotWidth }

    // Marker labels first: how many rows they take sets the top margin.
    var rows = LabelRows()
    let sortedMarkers = markers.sorted { $0.x < $1.x }
    let placed = sortedMarkers.map { rows.place(label: $0.label, at: px($0.x)) }
    let top = Self.labelRow * Double(max(rows.used, 1)) + 14
    let bottomY = top + Self.plotHeight
    let height = bottomY + Self.bottom
    func py(_ y: Double) -> Double { top + (1 - min(max(y / yTop, 0), 1)) * Self.plotHeight }
    let step = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
    let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1

    var grid: [BodyNode] = []
    var axes: [BodyNode] = []
    for y in yTicks {
      let at = py(y)
      grid.append(Self.line(Self.left, at, Self.width - Self.right, at, class: "grid"))
      axes.append(
        Self.text(
          NiceScale.tickLabel(y, step: step, style: .report), x: Self.left - 8, y: at + 4, class: "tick",
          anchor: "end")
      )
    }
    for x in xTicks {
      let at = px(x)
      grid.append(Self.line(at, top, at, bottomY, class: "grid grid-x"))
      let label = xAxis == .time ? ClockText.format(x) : NiceScale.tickLabel(x, step: xStep, style: .report)
      axes.append(Self.text(label, x: at, y: bottomY + 18, class: "tick", anchor: "middle"))
    }
    axes.append(Self.line(Self.left, top, Self.left, bottomY, class: "axis"))
    axes.append(Self.line(Self.left, bottomY, Self.width - Self.right, bottomY, class: "axis"))

    var spanNodes: [BodyNode] = []
    for span in spans {
      let x1 = px(span.from)
      let x2 = max(px(span.to), x1 + 2)
      let attributes = [
        ("class", "span pause"), ("x", Self.n(x1)), ("y", Self.n(top)), ("width", Self.n(x2 - x1)),
        ("height", Self.n(Self.plotHeight)), ("fill", span.color ?? "currentColor"),
      ]
      spanNodes.append(Self.element("rect", attributes, [Markup.element("title", text: span.label)]))
      if x2 - x1 >= Double(span.label.count) * 6.5 + 6 {
        spanNodes.append(Self.text(span.label, x: x1 + 4, y: top + 13, class: "span-label", anchor: "start"))
      }
    }

    var seriesNodes: [BodyNode] = []
    if stacked {
      // Counts per second: drawn as steps, each second flat over its width.
      var base = [Double](repeating: 0, count: series.first?.points.count ?? 0)
      for s in series where !s.points.isEmpty {
        let upper = zip(s.points, base).map { Point(x: $0.x, y: $0.y + $1) }
        if upper.contains(where: { $0.y > 0 }) {
          let lower = zip(s.points, base).map { Point(x: $0.0.x, y: $0.1) }
          let outline = Self.steps(upper, xMax: xTop) + Self.steps(lower, xMax: xTop).reversed()
          let d =
            "M" + outline.map { "\(Self.n(px($0.x))) \(Self.n(py($0.y)))" }.joined(separator: " L") + " Z"
          seriesNodes.append(
            Self.element(
              "path", [("class", "area"), ("d", d), ("fill", s.color)],
              [Markup.element("title", text: s.name)]))
        }
        base = upper.map(\.y)
      }
    } else {
      for s in series where s.points.contains(where: { $0.y.isFinite }) {
        let runs = Self.segments(s.points)
        let d = runs.map { run in
          "M" + run.map { "\(Self.n(px($0.x))) \(Self.n(py($0.y)))" }.joined(separator: " L")
            // A point alone between two gaps is a dot: a zero-length stroke with round caps.
            + (run.count == 1 ? " h0" : "")
        }.joined(separator: " ")
        var attributes = [("class", "line"), ("d", d), ("stroke", s.color)]
        if let dash = s.dash { attributes.append(("stroke-dasharray", dash)) }
        seriesNodes.append(Self.element("path", attributes, [Markup.element("title", text: s.name)]))
        if s.dots {
          for p in s.points where p.y.isFinite {
            seriesNodes.append(
              Self.element(
                "circle",
                [
                  ("class", "dot"), ("cx", Self.n(px(p.x))), ("cy", Self.n(py(p.y))), ("r", "3.5"),
                  ("fill", s.color),
                ]))
          }
        }
      }
    }
    if let emptyText, !series.contains(where: { $0.points.contains { $0.y > 0 } }) {
      seriesNodes.append(
        Self.text(
          emptyText, x: Self.left + Self.plotWidth / 2, y: top + Self.plotHeight / 2, class: "empty",
          anchor: "middle"))
    }

    var levelNodes: [BodyNode] = []
    for level in levels {
      let at = py(level.y)
      let color = level.color ?? "currentColor"
      levelNodes.append(
        Self.element(
          "line",
          [
            ("class", "level"), ("x1", Self.n(Self.left)), ("y1", Self.n(at)),
            ("x2", Self.n(Self.width - Self.right)), ("y2", Self.n(at)), ("stroke", color),
          ]))
      levelNodes.append(
        Self.element(
          "text",
          [
            ("class", "level-label"), ("x", Self.n(Self.width - Self.right - 4)), ("y", Self.n(at - 5)),
            ("text-anchor", "end"), ("fill", color),
          ], [Markup.text(level.label)]))
    }

    var markerNodes: [BodyNode] = []
    for (marker, place) in zip(sortedMarkers, placed) {
      let at = px(marker.x)
      let color = marker.color ?? "currentColor"
      let labelY = Self.labelRow * Double(place.row + 1)
      markerNodes.append(
        Self.element(
          "line",
          [
            ("class", "marker \(marker.kind.rawValue)"), ("x1", Self.n(at)), ("y1", Self.n(labelY + 3)),
            ("x2", Self.n(at)), ("y2", Self.n(bottomY)), ("stroke", color),
          ], [Markup.element("title", text: marker.label)]))
      if let dot = marker.dot {
        let cx = px(dot.x)
        let cy = py(dot.y)
        let d =
          "M\(Self.n(cx)) \(Self.n(cy - 7)) L\(Self.n(cx + 7)) \(Self.n(cy)) L\(Self.n(cx)) \(Self.n(cy + 7))"
          + " L\(Self.n(cx - 7)) \(Self.n(cy)) Z"
        markerNodes.append(Self.element("path", [("class", "knee-dot"), ("d", d), ("fill", color)]))
      }
      markerNodes.append(
        Self.element(
          "text",
          [
            ("class", "marker-label \(marker.kind.rawValue)"), ("x", Self.n(place.x)), ("y", Self.n(labelY)),
            ("text-anchor", place.anchor), ("fill", color),
          ], [Markup.text(marker.label)]))
    }

    let xTitle = xAxis == .time ? "elapsed time (m:ss)" : "active virtual users (vusers)"
    let titles: [BodyNode] = [
      Self.text(
        xTitle, x: Self.left + Self.plotWidth / 2, y: height - 8, class: "axis-title x", anchor: "middle"),
      Self.element(
        "text",
        [
          ("class", "axis-title y"), ("x", "0"), ("y", "0"), ("text-anchor", "middle"),
          ("transform", "translate(18 \(Self.n(top + Self.plotHeight / 2))) rotate(-90)"),
        ], [Markup.text(yTitle)]),
    ]

    let svg = Self.element(
      "svg",
      [
        ("class", "plot"), ("viewBox", "0 0 \(Self.n(Self.width)) \(Self.n(height))"),
        ("preserveAspectRatio", "xMidYMid meet"), ("role", "img"), ("aria-labelledby", "\(id)-title"),
      ],
      [
        Self.element("title", [("id", "\(id)-title")], [Markup.text("\(title) — \(yTitle)")]),
        Self.element("g", [("class", "grid-lines")], grid),
        bands.isEmpty ? .empty : Self.element("g", [("class", "bands")], bandNodes(px: px, top: top)),
        Self.element("g", [("class", "spans")], spanNodes),
        Self.element("g", [("class", "series")], seriesNodes),
        Self.element("g", [("class", "levels")], levelNodes),
        Self.element("g", [("class", "markers")], markerNodes),
        Self.element("g", [("class", "axes")], axes + titles),
      ])
    var children = [Markup.element("figcaption", text: title), svg, legend()]
    if let note { children.append(Markup.element("p", ["class": "chart-note"], text: note)) }
    return Markup.element("figure", ["class": "chart", "id": id], children)
  }

  /// The runs of finite points between gaps, in order.
  static func segments(_ points: [Point]) -> [[Point]] {
    points.split { !$0.y.isFinite }.map(Array.init)
  }

  /// Points at the middle of their seconds as flat steps: each spans half-way to its neighbours.
  static func steps(_ points: [Point], xMax: Double) -> [Point] {
    guard points.count > 1 else {
      return points.flatMap { [Point(x: 0, y: $0.y), Point(x: xMax, y: $0.y)] }
    }
    var out: [Point] = []
    for (i, p) in points.enumerated() {
      let before = i > 0 ? (points[i - 1].x + p.x) / 2 : max(0, p.x - (points[1].x - p.x) / 2)
      let after =
        i < points.count - 1 ? (p.x + points[i + 1].x) / 2 : min(xMax, p.x + (p.x - points[i - 1].x) / 2)
      out.append(Point(x: before, y: p.y))
      out.append(Point(x: after, y: p.y))
    }
    return out
  }

  /// Names every series and every kind of mark, so nothing is read from colour alone.
  func legend() -> BodyNode {
    var items: [BodyNode] = []
    for s in series {
      let style = stacked ? "background:\(s.color)" : Self.swatchStyle(color: s.color, dash: s.dash)
      items.append(
        Markup.element(
          "li", [:],
          [
            Markup.element("span", ["class": stacked ? "swatch area" : "swatch line", "style": style]),
            Markup.text(s.name),
          ]))
    }
    if markers.contains(where: { $0.kind == .tag }) {
      items.append(Self.key("key-tag", "dashed line: tag"))
    }
    if markers.contains(where: { $0.kind == .knee }) {
      items.append(Self.key("key-knee", "solid line and diamond: knee"))
    }
    if !spans.isEmpty { items.append(Self.key("key-pause", "shaded: paused")) }
    items += bandKeys()
    if !levels.isEmpty { items.append(Self.key("key-level", "dotted line: knee vusers")) }
    return Markup.element("ul", ["class": "legend"], items)
  }

  static func key(_ kind: String, _ text: String) -> BodyNode {
    Markup.element(
      "li", ["class": "key"], [Markup.element("span", ["class": "swatch \(kind)"]), Markup.text(text)])
  }

  /// A legend swatch that repeats the series' dash pattern with a CSS gradient.
  static func swatchStyle(color: String, dash: String?) -> String {
    guard let dash else { return "background:\(color)" }
    let lengths = dash.split(separator: " ").compactMap { Double($0) }
    var stops: [String] = []
    var at = 0.0
    for (i, length) in lengths.enumerated() {
      let paint = i % 2 == 0 ? color : "transparent"
      stops.append("\(paint) \(n(at))px \(n(at + length))px")
      at += length
    }
    return "background:repeating-linear-gradient(90deg,\(stops.joined(separator: ",")))"
  }

  static func yDomainMax(_ chart: Chart) -> Double {
    var values: [Double] = []
    if chart.stacked {
      let count = chart.series.map(\.points.count).max() ?? 0
      for i in 0..<count {
        values.append(chart.series.reduce(0) { $0 + (i < $1.points.count ? $1.points[i].y : 0) })
      }
    } else {
      values += chart.series.flatMap { $0.points.map(\.y) }
    }
    values += chart.markers.compactMap { $0.dot?.y }
    values += chart.levels.map(\.y)
    return values.filter(\.isFinite).max() ?? 0
  }

  // MARK: SVG pieces

  static func element(_ name: String, _ attributes: [(String, String)], _ children: [BodyNode] = [])
    -> BodyNode
  {
    .element(named: name, nodes: attributes.map { Markup.attribute($0.0, $0.1) } + children)
  }

  static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, class name: String) -> BodyNode {
    element("line", [("class", name), ("x1", n(x1)), ("y1", n(y1)), ("x2", n(x2)), ("y2", n(y2))])
  }

  static func text(_ value: String, x: Double, y: Double, class name: String, anchor: String) -> BodyNode {
    element(
      "text", [("class", name), ("x", n(x)), ("y", n(y)), ("text-anchor", anchor)], [Markup.text(value)])
  }

  /// A coordinate: one decimal, no trailing ".0".
  static func n(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    return String(format: "%.1f", rounded)
  }
}
