import Foundation
import Metrics
import RunFixtures
import RunStore

/// The seed question's two `rampart find` runs (`FindFixture`: one backend of 173/s against two of
/// 339/s, searches about +97% apart), built in memory once per test process on the report
/// fixtures' clock.
struct CapacityFixture {
  static let loaded = Result { try CapacityFixture() }

  static func shared() throws -> CapacityFixture { try loaded.get() }

  let one: LoadedRun
  let two: LoadedRun

  init() throws {
    let day = FixtureRuns.generatedAt.addingTimeInterval(-86_400)
    one = try FindFixture.run(name: "one-backend", capacity: FindFixture.oneBackend, started: day)
    two = try FindFixture.run(
      name: "two-backends", capacity: FindFixture.twoBackends, started: day.addingTimeInterval(600))
  }
}
