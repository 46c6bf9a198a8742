import Foundation
import Metrics
import RunFixtures
import RunStore

/// The four fixture runs (`CompareFixture`) written under a fresh temporary root, loaded back, and
/// the files removed (a loaded run is all in memory). Written once per test process.
struct FixtureRuns {
  static let loaded = Result { try FixtureRuns() }

  static func shared() throws -> FixtureRuns { try loaded.get() }

  let root: String
  let oneBackend: LoadedRun
  let twoBackends: LoadedRun
  let killed: LoadedRun
  let stages: LoadedRun
  /// One-backend and two-backends with their target watched (`CompareFixture.watched`):
  /// uvicorn and nginx, uvicorn not read from 1:10 to 1:13 in one-backend.
  let watchedOneBackend: LoadedRun
  let watchedTwoBackends: LoadedRun

  /// A fixed moment for the footer, so renders are reproducible.
  static let generatedAt = Date(timeIntervalSince1970: 1_795_100_000)

  init() throws {
    let fixtures = try LoadedFixtures()
    fixtures.remove()
    root = fixtures.root
    oneBackend = fixtures.oneBackend
    twoBackends = fixtures.twoBackends
    killed = fixtures.killed
    stages = fixtures.stages
    let watched = try LoadedFixtures(CompareFixture.watched)
    watched.remove()
    watchedOneBackend = watched.runs[0]
    watchedTwoBackends = watched.runs[1]
  }

  /// One-backend with a pause from 0:20 to 0:30 (the fixtures have none).
  var pausedOneBackend: LoadedRun {
    var run = oneBackend
    let start = run.meta.startedAt
    run.events += [
      RunEvent(elapsed: 20, time: start.addingTimeInterval(20), kind: .pause),
      RunEvent(elapsed: 30, time: start.addingTimeInterval(30), kind: .resume),
    ]
    run.events.sort { $0.elapsed < $1.elapsed }
    return run
  }
}
