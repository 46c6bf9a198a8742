// Frame cost of the dashboard, release build: `swift run -c release rampart-render-bench`.
// Renders the whole screen (DashboardView -> Grid) from a synthetic 10-minute run at 200x60, and
// presents live-like frames (one more second each time) through ncurses into /dev/null.
import Dashboard
import Foundation
import Metrics
import NcursesBackend
import RunFixtures
import TerminalUI
import Theme

#if canImport(Glibc)
  import Glibc
#endif

func nowNanos() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func describe(_ nanos: [UInt64]) -> String {
  let sorted = nanos.sorted()
  func ms(_ q: Double) -> String {
    String(format: "%.3f", Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1e6)
  }
  return "median \(ms(0.5)) ms, p90 \(ms(0.9)) ms, min \(ms(0)) ms (n=\(sorted.count))"
}

let (width, height) = (200, 60)
let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 400
let runs = [599, 600].map { seconds in
  DashboardModel(
    info: RunFixture.info, status: RunFixture.status(.running, seconds: seconds),
    metrics: RunFixture.snapshot(seconds: seconds), state: DashboardState(), theme: .builtInDefault,
    symbols: .unicode, dots: .braille)
}

for _ in 0..<20 { _ = DashboardView.render(runs[0], width: width, height: height) }
var renderTimes: [UInt64] = []
for i in 0..<iterations {
  let start = nowNanos()
  let grid = DashboardView.render(runs[i % 2], width: width, height: height)
  renderTimes.append(nowNanos() - start)
  precondition(grid.width == width)
}
print("render \(width)x\(height) from a 10-minute run: \(describe(renderTimes))")

// The same screen with the log panel holding a full ring (5,000 entries) and the log-errors lane:
// following, filtered by text, and filtered by a regular expression that few entries match (the
// worst case: the filter walks the whole ring).
let logs = LogFixture.snapshot(entries: 5000, seconds: 600)
for (name, filter, errorsOnly) in [
  ("following", nil, false), ("filtered by text 'upstream'", "upstream", false),
  ("filtered by regex 'Broken.*pipe'", "Broken.*pipe", false),
  ("filtered by a regex nothing matches (walks the whole ring)", "nothing[0-9]+matches", false),
  ("errors only", nil, true),
] as [(String, String?, Bool)] {
  var state = DashboardState()
  state.hasLogPanel = true
  state.logPanel.filter = filter
  state.logPanel.errorsOnly = errorsOnly
  let frames = [599, 600].map { seconds in
    DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: seconds),
      metrics: RunFixture.snapshot(seconds: seconds, logs: true), state: state, theme: .builtInDefault,
      symbols: .unicode, dots: .braille, logs: logs)
  }
  var times: [UInt64] = []
  for i in 0..<max(20, iterations / 4) {
    let start = nowNanos()
    let grid = DashboardView.render(frames[i % 2], width: width, height: height)
    times.append(nowNanos() - start)
    precondition(grid.width == width)
  }
  print("render \(width)x\(height) with the log panel (5,000 entries), \(name): \(describe(times))")
}

let null = open("/dev/null", O_RDWR)
do {
  let terminal = try NcursesTerminal(
    terminalType: "xterm-256color", inputFD: null, outputFD: null, locale: "C.UTF-8",
    captureStandardError: false)
  terminal.setSize(width: width, height: height)
  precondition(terminal.size == (width, height), "terminal is \(terminal.size)")
  let frames = runs.map { DashboardView.render($0, width: width, height: height) }
  var presentTimes: [UInt64] = []
  for i in 0..<iterations {
    let start = nowNanos()
    terminal.present(frames[i % 2])
    presentTimes.append(nowNanos() - start)
  }
  terminal.close()
  print("present a live frame (one second newer) through ncurses: \(describe(presentTimes))")
} catch {
  print("present: cannot open a terminal: \(error)")
}
