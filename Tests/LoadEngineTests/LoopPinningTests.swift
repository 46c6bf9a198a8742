import Foundation
import Metrics
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import LoadEngine

@Suite("Event loops bound to CPUs", .timeLimit(.minutes(30)))
struct LoopPinningTests {
  @Test("loops are pinned only when there is exactly one per usable CPU")
  func pinningRule() {
    #expect(LoopPinning.plan(loops: 2, allowed: [0, 1]) == [0, 1])
    #expect(LoopPinning.plan(loops: 2, allowed: [3, 5]) == [3, 5])
    #expect(LoopPinning.plan(loops: 1, allowed: [0, 1]) == nil)
    #expect(LoopPinning.plan(loops: 3, allowed: [0, 1]) == nil)
    #expect(LoopPinning.plan(loops: 1, allowed: nil) == nil)
    #expect(LoopPinning.plan(loops: 0, allowed: []) == nil)
  }

  #if os(Linux)
    @Test("each pinned loop thread may then run on its one CPU only")
    func threadsArePinned() async throws {
      let allowed = try #require(LoopPinning.allowedCPUs)
      #expect(!allowed.isEmpty)
      #expect(System.coreCountForLoad == allowed.count)
      let group = MultiThreadedEventLoopGroup(numberOfThreads: allowed.count)
      let loops = Array(group.makeIterator())
      LoopPinning.pin(loops, to: allowed)
      for (loop, cpu) in zip(loops, allowed) {
        let list = try await loop.submit { Self.threadCPUList() }.get()
        #expect(list == "\(cpu)")
      }
      try await group.shutdownGracefully()
    }

    /// The calling thread's `Cpus_allowed_list` from /proc, e.g. "0-1" or "1".
    private static func threadCPUList() -> String? {
      guard let status = try? String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8) else {
        return nil
      }
      let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
      return line.map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) }
    }
  #endif

  @Test("a loop for every 250 vusers, at most one per usable CPU, unless --loops says otherwise")
  func loopCount() throws {
    let cores = System.coreCountForLoad
    func loops(_ vusers: Int, _ adjust: (inout EngineConfig) -> Void = { _ in }) throws -> Int {
      try makeConfig("http://127.0.0.1:9/", vusers: vusers, adjust).resolvedEventLoops
    }
    #expect(try loops(1) == 1)
    #expect(try loops(50) == 1)
    #expect(try loops(250) == 1)
    #expect(try loops(251) == min(cores, 2))
    #expect(try loops(1000) == min(cores, 4))
    #expect(try loops(1_000_000) == cores)
    #expect(try loops(50) { $0.eventLoops = 3 } == 3)
  }

  @Test("an engine with one loop per CPU pins them unless told not to; more loops than CPUs float")
  func engineDecision() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let allowed = LoopPinning.allowedCPUs
      let cores = System.coreCountForLoad
      // Enough vusers for a loop per CPU; the request cap keeps most of them parked.
      let vusers = cores * EngineConfig.vusersPerLoop
      let pinned = try LoadEngine(
        config: try makeConfig(server.url, vusers: vusers, requests: 10), store: MetricsStore())
      let floating = try LoadEngine(
        config: try makeConfig(server.url, vusers: vusers, requests: 10) { $0.pinLoops = false },
        store: MetricsStore())
      let more = try LoadEngine(
        config: try makeConfig(server.url, vusers: vusers, requests: 10) { $0.eventLoops = cores + 1 },
        store: MetricsStore())
      for engine in [pinned, floating, more] { _ = await engine.run() }
      await server.shutdown()
      #if os(Linux)
        #expect(pinned.pinnedCPUs == allowed)
      #else
        #expect(pinned.pinnedCPUs == nil)
      #endif
      #expect(floating.pinnedCPUs == nil)
      #expect(more.pinnedCPUs == nil)
    }
  }
}
