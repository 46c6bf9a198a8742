/// The report's only stylesheet, inline. System fonts, light by default, dark when the reader's
/// system asks for it, and a print layout (no cut charts, no page break after a heading).
enum ReportStyle {
  static let css = """
    :root {
      color-scheme: light dark;
      --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --grid: #dfe4e9; --axis: #59636e;
      --rule: #d1d9e0; --head: #f6f8fa; --flag-bg: #fff8c5; --flag-border: #d4a72c;
      --bad: #b3261e; --best-bg: #dafbe1; --good: #1a7f37;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --grid: #2a3038; --axis: #9198a1;
        --rule: #3d444d; --head: #151b23; --flag-bg: #2e2a14; --flag-border: #9e6a03;
        --bad: #ff8182; --best-bg: #12361f; --good: #3fb950;
      }
    }
    * { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    body {
      margin: 0; background: var(--bg); color: var(--fg);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    }
    main.report { max-width: 1100px; margin: 0 auto; padding: 24px 28px 40px; }
    h1 { font-size: 28px; margin: 2px 0 6px; overflow-wrap: anywhere; }
    h2 { font-size: 20px; margin: 34px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
    h3 { font-size: 16px; margin: 20px 0 6px; overflow-wrap: anywhere; }
    .kicker {
      text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0;
    }
    .subtitle { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
    .flag, .notes {
      background: var(--flag-bg); border: 1px solid var(--flag-border); border-left-width: 6px;
      border-radius: 6px; padding: 10px 16px; margin: 18px 0;
    }
    .notes h2 { border: 0; margin: 2px 0 6px; padding: 0; font-size: 18px; }
    .notes.ok { background: transparent; border-color: var(--rule); }
    .notes ul { margin: 0; padding-left: 20px; }
    .notes li { margin: 3px 0; }
    .overview { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 0 40px; }
    .overview table { width: 100%; }
    /* Long row names (the open model's "Late arrivals (sent > 1 ms after due)") wrap rather than
       push the figures out of the narrow column. */
    .overview #totals tbody th { white-space: normal; }
    @media (max-width: 760px) { .overview { display: block; } }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
    th, td { padding: 5px 12px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
    thead th { background: var(--head); font-weight: 600; border-bottom: 2px solid var(--rule); }
    tbody th { font-weight: 600; white-space: nowrap; }
    table.figures td { text-align: right; white-space: nowrap; }
    table.figures thead th { text-align: right; }
    table.figures thead th:first-child, table.delta thead th:nth-child(2) { text-align: left; }
    table.figures td.better { text-align: left; color: var(--muted); }
    table#events-table td, table#events-table thead th { text-align: left; white-space: normal; }
    table.meta td.command, table.meta td.path {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
      overflow-wrap: anywhere;
    }
    td.bad, .bad { color: var(--bad); font-weight: 600; }
    td.best { background: var(--best-bg); font-weight: 600; }
    .mark { font-weight: 700; white-space: nowrap; }
    p.lead { font-size: 18px; font-weight: 600; margin: 6px 0 10px; overflow-wrap: anywhere; }
    p.lead.versus { font-size: 17px; }
    .capacity-run h3 { font-size: 18px; margin-top: 30px; }
    .capacity-run h3 + p.lead { font-size: 16px; margin-top: 2px; }
    table.figures td.text { text-align: left; white-space: normal; }
    table.capacity-facts td { white-space: normal; }
    /* A search's steps: eleven columns or more, so tighter than the other tables to fit the page. */
    table.steps { font-size: 14px; }
    table.steps th, table.steps td { padding: 5px 6px; }
    table.steps td.verdict, table.steps td.phase, table.steps thead th:nth-child(2) { text-align: left; }
    table.steps td.verdict .mark { display: block; }
    table.steps thead th:last-child { text-align: left; }
    table.steps td.pass { color: var(--good); }
    table.steps td.short { color: var(--muted); }
    table.steps tr.held { background: var(--head); }
    table.steps tr.held th, table.steps tr.held td { font-weight: 600; }
    table.steps tr.held th { box-shadow: inset 4px 0 0 var(--rule); }
    caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 13px; padding-top: 6px; }
    figure.chart { margin: 14px 0 24px; break-inside: avoid; page-break-inside: avoid; }
    figcaption { font-weight: 600; margin-bottom: 2px; }
    svg.plot { width: 100%; height: auto; display: block; color: var(--fg); font-family: inherit; }
    svg .grid { stroke: var(--grid); stroke-width: 1; }
    svg .grid-x { stroke-dasharray: 2 3; }
    svg .axis { stroke: var(--axis); stroke-width: 1.2; }
    svg .tick { fill: var(--muted); font-size: 12px; }
    svg .axis-title { fill: var(--fg); font-size: 13px; }
    svg .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
    svg .area { fill-opacity: .85; stroke: none; }
    svg .dot { stroke: var(--bg); stroke-width: 1; }
    svg .span { fill-opacity: .13; }
    svg .span-label {
      fill: var(--muted); font-size: 11px; paint-order: stroke; stroke: var(--bg); stroke-width: 3px;
    }
    svg .band { fill-opacity: .2; }
    svg .band-label {
      fill: var(--fg); font-size: 11px; paint-order: stroke; stroke: var(--bg); stroke-width: 3px;
    }
    svg .marker { stroke-width: 1.3; }
    svg .marker.tag { stroke-dasharray: 5 4; }
    svg .marker.knee { stroke-width: 2; }
    svg .marker-label, svg .level-label {
      font-size: 12px; paint-order: stroke; stroke: var(--bg); stroke-width: 3px; stroke-linejoin: round;
    }
    svg .marker-label.knee { font-weight: 700; }
    svg .level-label { font-size: 11px; }
    svg .knee-dot { stroke: var(--bg); stroke-width: 1.5; }
    svg .level { stroke-dasharray: 1 4; stroke-width: 1.5; }
    svg .empty { fill: var(--muted); font-size: 14px; }
    ul.legend {
      list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 2px 0 0 7.4%;
      font-size: 13px;
    }
    ul.legend li { display: flex; align-items: center; gap: 6px; }
    ul.legend.runs { margin: 8px 0; font-size: 14px; }
    .swatch { display: inline-block; width: 28px; height: 3px; }
    .swatch.area { width: 14px; height: 12px; border-radius: 2px; }
    .swatch.key-tag { height: 0; border-top: 2px dashed currentColor; }
    .swatch.key-knee { height: 0; border-top: 2px solid currentColor; }
    .swatch.key-level { height: 0; border-top: 2px dotted currentColor; }
    .swatch.key-pause { width: 18px; height: 12px; background: currentColor; opacity: .15; }
    .swatch.key-band { width: 18px; height: 12px; opacity: .3; }
    .intro, .footnote, .count { color: var(--muted); font-size: 14px; }
    p.chart-note { margin: 4px 0 0 7.4%; font-size: 14px; }
    ol.samples { padding-left: 22px; margin: 4px 0 12px; }
    .where { color: var(--muted); font-size: 12px; }
    pre.log {
      margin: 2px 0 8px; padding: 8px 10px; background: var(--head); border: 1px solid var(--rule);
      border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere;
      font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    }
    footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--rule); }
    @media print {
      body { font-size: 12px; }
      main.report { max-width: none; padding: 0; }
      h2, h3 { break-after: avoid; page-break-after: avoid; }
      .table-wrap { overflow: visible; }
    }
    """
}
