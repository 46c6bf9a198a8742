import Foundation
import Metrics
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import LoadEngine

@Suite("Event loops bound to CPUs")
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

  @Test("an engine with one loop per CPU pins them unless told not to; more loops than CPUs float")
  func engineDecision() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let allowed = LoopPinning.allowedCPUs
      let cores = System.coreCountForLoad
      let pinned = try LoadEngine(
        config: try makeConfig(server.url, vusers: cores, requests: 10), store: MetricsStore())
      let floating = try LoadEngine(
        config: try makeConfig(server.url, vusers: cores, requests: 10) { $0.pinLoops = false },
        store: MetricsStore())
      let more = try LoadEngine(
        config: try makeConfig(server.url, vusers: cores, requests: 10) { $0.eventLoops = cores + 1 },
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
