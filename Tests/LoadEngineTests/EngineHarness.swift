import Foundation
import LoadEngine
import Metrics
import Testing

/// A finished in-process engine run and the checks every fault test shares.
struct EngineRun {
  let snapshot: MetricsSnapshot
  let result: EngineResult

  var totals: RunTotals { snapshot.totals }
  var scheduled: Int { totals.started }
  func errors(_ kind: ErrorKind) -> Int { totals.errors(kind) }
  func status(_ code: Int) -> Int { totals.statusCodes[code] ?? 0 }

  /// Every scheduled request ended in exactly one bucket: ok, an error kind, or in flight at stop.
  func expectNothingLost(sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
      scheduled == totals.ok + totals.errorCount + result.inflightAtStop,
      "scheduled \(scheduled) != ok \(totals.ok) + errors \(totals.errorCount) + inflight \(result.inflightAtStop)",
      sourceLocation: sourceLocation)
  }

  /// One row per second from 0 to the end, none missing.
  func expectContiguousSeries(sourceLocation: SourceLocation = #_sourceLocation) {
    let seconds = snapshot.samples.map(\.t)
    #expect(seconds == Array(0..<seconds.count), "series seconds \(seconds)", sourceLocation: sourceLocation)
  }
}

func makeConfig(
  _ url: String, vusers: Int, duration: Double? = nil, requests: Int? = nil,
  _ adjust: (inout EngineConfig) -> Void = { _ in }
) throws -> EngineConfig {
  var config = EngineConfig(
    target: try HTTPTarget(parsing: url), request: try RequestTemplate(),
    plan: .steps(start: vusers, step: 0, every: 1, max: vusers))
  config.duration = duration
  config.maxRequests = requests
  config.gracePeriod = 2
  adjust(&config)
  return config
}

/// Runs the engine to its end; `during` runs beside it (control calls, fault injection).
func runEngine(
  _ config: EngineConfig, during: (@Sendable (LoadEngine) async throws -> Void)? = nil
) async throws -> EngineRun {
  let store = MetricsStore()
  let engine = try LoadEngine(config: config, store: store)
  async let result = engine.run()
  if let during { try await during(engine) }
  let finished = await result
  return EngineRun(snapshot: store.snapshot(), result: finished)
}

func sleep(seconds: Double) async {
  try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
}

/// Waits until the engine's own clock reads `seconds` and `also` holds (checked every 5 ms), or
/// the run is over. Tests act on this clock, not their own: the rows are the engine's seconds, and
/// a busy machine can start the engine, or wake the test's task, late.
func untilElapsed(_ engine: LoadEngine, _ seconds: Double, also: () -> Bool = { true }) async {
  while engine.status().elapsed < seconds || !also(), engine.status().phase != .done {
    await sleep(seconds: 0.005)
  }
}
