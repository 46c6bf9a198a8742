import Foundation
import Metrics
import RunFixtures
import TestKit
import Testing

@testable import RunStore

/// `rampart compare` of `rampart find` runs: the seed question (one backend against two) answered
/// by a capacity row, read from each run's summary, never from a knee the search's own rate moves
/// would fake.
@Suite(.timeLimit(.minutes(1)))
struct CapacityComparisonTests {
  /// Two searched runs (200/s and 400/s of capacity) and a plain ramp, written and read back.
  struct Runs {
    let root: String
    let one: LoadedRun
    let two: LoadedRun
    let oneResult: CapacityResult
    let twoResult: CapacityResult
    let plain: LoadedRun

    init() throws {
      root = try TemporaryDirectory("rampart-find").path
      one = try FindFixture.write(root: root, name: "one-backend", capacity: FindFixture.oneBackend)
      two = try FindFixture.write(
        root: root, name: "two-backends", capacity: FindFixture.twoBackends, startMinute: 130)
      guard let a = one.summary?.capacity, let b = two.summary?.capacity else {
        throw CancellationError()
      }
      (oneResult, twoResult) = (a, b)
      plain = try RunLoader.load(try CompareFixture.writeAll(root: root + "/plain")[0])
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
  }

  @Test("one backend against two: the capacity row reads each search's answer, about +100%")
  func capacityRowOfTheSeedQuestion() throws {
    let runs = try Runs()
    defer { runs.remove() }
    // The search on the simulated target: the answer lies within [0.85 C, 1.02 C].
    let capacities = try [runs.oneResult, runs.twoResult].map { try #require($0.capacityRps) }
    for (found, known) in zip(capacities, [FindFixture.oneBackend, FindFixture.twoBackends]) {
      #expect(found >= 0.85 * known && found <= 1.02 * known, "\(found)/s against \(known)/s")
    }

    let comparison = try RunComparison([runs.one, runs.two], axis: .time)
    let row = try #require(comparison.rows.first)
    #expect(row.key == "capacity_rps", "the capacity row comes first: \(comparison.rows.map(\.key))")
    #expect(row.values == capacities.map(Optional.some))
    #expect(row.best == 1)
    let expected = (capacities[1] - capacities[0]) / capacities[0] * 100
    #expect(abs((row.deltaPercent[1] ?? 0) - expected) < 1e-9)
    #expect(expected > 70 && expected < 140)
    let failed = try #require(comparison.rows.first { $0.key == "failed_rps" })
    #expect(failed.values == [runs.oneResult.failedRps, runs.twoResult.failedRps])
    // The rate went up and down on purpose: no knee is read off it, in either run.
    #expect(comparison.runs.allSatisfy { $0.figures.knee == nil })
    #expect(comparison.notes.isEmpty, "\(comparison.notes)")
    // Open-model curves lie on the offered rate: the "at the same level" rows say so.
    let at = try #require(comparison.rows.first { $0.key == "tps_at_vusers" })
    #expect(at.title.hasSuffix("/s offered"), "\(at.title)")
  }

  @Test("a plain run beside a search: its capacity row is empty and a note says why")
  func aPlainRunHasNoCapacity() throws {
    let runs = try Runs()
    defer { runs.remove() }
    let comparison = try RunComparison([runs.one, runs.plain], axis: .time)
    let row = try #require(comparison.rows.first { $0.key == "capacity_rps" })
    #expect(row.values[1] == nil && row.best == nil)
    #expect(comparison.notes.contains { $0.contains("B (one-backend) has no capacity search") })
    // A rate axis and a vusers axis have no common level to read both curves at.
    #expect(comparison.commonVusers == nil)
    // Runs without a search have no capacity rows at all.
    let plainOnly = try RunComparison([runs.plain, runs.plain], axis: .time)
    #expect(!plainOnly.rows.contains { $0.key.hasPrefix("capacity") })
  }

  @Test("a capacity that is only a bound is flagged with the search's own words")
  func aBoundIsFlagged() throws {
    let runs = try Runs()
    defer { runs.remove() }
    var bounded = runs.two
    var summary = try #require(bounded.summary)
    var capacity = try #require(summary.capacity)
    capacity.verdict = .passesAtMaxRate
    summary.capacity = capacity
    bounded.summary = summary
    let comparison = try RunComparison([runs.one, bounded], axis: .time)
    #expect(comparison.notes.contains("B (two-backends): \(capacity.headline)"), "\(comparison.notes)")
  }
}
