import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// The Target lanes under the load charts and the stats panel's Target section: each watched
/// source's CPU and memory over the run and its latest figures, and the source that sat flat at
/// its CPU limit from the knee on named under the knee (issue 22).
@Suite(.timeLimit(.minutes(5))) struct TargetScreenTests {
  static func model(seconds: Int = 600) -> DashboardModel {
    DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: seconds),
      metrics: RunFixture.snapshot(seconds: seconds, watch: true), state: DashboardState(),
      theme: .builtInDefault, symbols: .unicode, dots: .braille)
  }

  @Test func theLatestFiguresOfEachSource() {
    var model = Self.model()
    model.metrics.samples[model.metrics.samples.count - 1].watch = [
      "uvicorn": TargetFigure(cpuCores: 0.4, rssBytes: 85_000_000),
      "nginx": TargetFigure(cpuCores: nil, rssBytes: 9_500_000),
    ]
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "target-120x40")
    let lines = grid.lines()
    #expect(lines.contains { $0.contains("── Target ") })
    #expect(lines.contains { $0.contains("uvicorn") && $0.contains("0.40 81.1 MiB") })
    #expect(lines.contains { $0.contains("nginx") && $0.contains("- 9.1 MiB") })
    #expect(lines.contains { $0.contains("db") && $0.contains("not read") })
  }

  @Test(arguments: [(80, 24), (200, 60)])
  func theLanesAtEverySize(width: Int, height: Int) {
    let grid = DashboardView.render(Self.model(), width: width, height: height)
    expectSnapshot(grid, named: "target-lanes-\(width)x\(height)")
    let lines = grid.lines()
    let cpuTitle = try? #require(lines.firstIndex { $0.contains("── Target CPU cores ") })
    let vusersTitle = lines.firstIndex { $0.contains("── Vusers ") }
    // Under the load charts, and the time labels moved under the lowest lane.
    #expect(cpuTitle != nil && vusersTitle != nil && cpuTitle! > vusersTitle!)
    let timeLabels = lines.lastIndex { $0.contains(" 0:00 ") && $0.contains(" 10:00") }
    #expect(timeLabels != nil && timeLabels! > cpuTitle!)
    // Memory only where there is room for five lanes of charts.
    #expect(lines.contains { $0.contains("── Target memory ") } == (height >= 40))
  }

  @Test func theLaneDrawsEachSourceInItsColourWithAGap() throws {
    let model = Self.model()
    let grid = DashboardView.render(model, width: 200, height: 60)
    let lines = grid.lines()
    let title = try #require(lines.firstIndex { $0.contains("── Target CPU cores ") })
    let memoryTitle = try #require(lines.firstIndex { $0.contains("── Target memory ") })
    let colours = [("uvicorn", ThemeRole.watchA), ("nginx", .watchB), ("db", .watchC)].map {
      ($0.0, model.style($0.1).foreground)
    }
    // Every source has dots in its colour in the CPU lane, and the legend names it.
    for (name, colour) in colours {
      #expect(lines[title].contains(name), "legend \(lines[title])")
      let dots = (title + 1..<memoryTitle).flatMap { y in
        (0..<grid.width).filter { x in grid[x, y].style.foreground == colour && grid[x, y].symbol != " " }
      }
      #expect(!dots.isEmpty, "no dots of \(name)")
    }
    // db was not read from 200 s to 260 s: its line breaks there (the plot spans 0-600 s of the
    // charts' 168 columns, the stats panel taking 32 at this width).
    let dbColour = colours[2].1
    let plotX = ChartsView.axisWidth + 1
    let plotWidth = 200 - 32 - plotX
    let gapColumns = (plotX + plotWidth * 205 / 600)..<(plotX + plotWidth * 255 / 600)
    for y in title + 1..<memoryTitle {
      for x in gapColumns {
        #expect(grid[x, y].style.foreground != dbColour || grid[x, y].symbol == " ", "db drawn at \(x),\(y)")
      }
    }
  }

  @Test func withLogsEveryLaneKeepsItsPlace() throws {
    var state = DashboardState()
    state.hasLogPanel = true
    let model = DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: 480),
      metrics: RunFixture.snapshot(seconds: 480, logs: true, watch: true), state: state,
      theme: .builtInDefault, symbols: .unicode, dots: .braille, logs: LogFixture.snapshot())
    let grid = DashboardView.render(model, width: 200, height: 60)
    expectSnapshot(grid, named: "target-logs-200x60")
    let lines = grid.lines()
    let order = ["TPS", "Log errors/s", "Latency", "Errors/s", "Vusers", "Target CPU cores", "Target memory"]
    let rows = try order.map { title in
      try #require(lines.firstIndex { $0.hasPrefix("── \(title) ") }, "\(title)")
    }
    #expect(rows == rows.sorted(), "lanes at rows \(rows)")
  }

  @Test func aLongNameIsShownByItsStartAndItsEnd() {
    #expect(WatchedSource.label(of: "uvicorn app:app") == "uvicorn app:app")
    let a = WatchedSource.label(of: "uvicorn app:app --workers 1 --port 8001")
    #expect(a == "uvicorn…rt 8001")
    #expect(a.count <= WatchedSource.longestLabel)
    #expect(WatchedSource.label(of: "uvicorn app:app --workers 1 --port 8002") == "uvicorn…rt 8002")
    // Spaces either side of the cut are dropped.
    #expect(WatchedSource.label(of: "python3 -m http.server 8081") == "python3…er 8081")
    #expect(WatchedSource.label(of: "node server.js  --port 3000") == "node ser…rt 3000")
    // The rows are still read by the full name.
    var model = Self.model()
    let long = "uvicorn app:app --workers 1 --port 8001"
    model.metrics.watchedSources = [long]
    for i in model.metrics.samples.indices {
      model.metrics.samples[i].watch = [long: TargetFigure(cpuCores: 0.25, rssBytes: 50_000_000)]
    }
    let lines = DashboardView.render(model, width: 120, height: 40).lines()
    #expect(
      lines.contains { $0.contains("uvicorn…rt 8001") && $0.contains("0.25 47.7 MiB") },
      "\(lines.filter { $0.contains("uvicorn") })")
    #expect(lines.contains { $0.contains("── Target CPU cores ") && $0.contains("uvicorn…rt 8001 0.25") })
  }

  @Test func theSourceFlatAtItsLimitIsNamedUnderTheKnee() throws {
    let grid = DashboardView.render(Self.model(), width: 120, height: 40)
    let lines = grid.lines()
    let knee = try #require(lines.firstIndex { $0.contains("── Knee ") })
    let target = try #require(lines.firstIndex { $0.contains("── Target ─") })
    let flat = try #require(lines.firstIndex { $0.contains("uvicorn flat") })
    #expect(flat > knee && flat < target)
    #expect(lines[flat].contains("0.40 @ "))
    #expect(!lines.contains { $0.contains("nginx flat") || $0.contains("db flat") })
  }
}
