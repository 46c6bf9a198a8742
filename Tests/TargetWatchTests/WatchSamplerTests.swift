import Foundation
import Synchronization
import TestKit
import Testing

@testable import TargetWatch

/// The sampler's thread: it stops promptly even in the middle of a scrape that hangs, reports a
/// source lost and back once per change (not once per second), and keeps its last readings for
/// `latest()`.
@Suite(.timeLimit(.minutes(2)))
struct WatchSamplerTests {
  static let page = "process_cpu_seconds_total 1\nprocess_resident_memory_bytes 4096\n"

  @Test("stop() returns at once while a scrape hangs, and nothing is delivered after it")
  func stopDuringHangingScrape() async throws {
    let server = try await PromFixtureServer(.hang)
    let readings = WatchTesting.Collector<WatchReading>()
    let sampler = try WatchSampler(
      sources: [.prometheus(url: server.url)], options: .init(interval: 1, scrapeTimeout: 1),
      onReading: { readings.append($0) })
    sampler.start()
    // The scrape is under way once the server has the connection.
    #expect(try await Poll.until(seconds: 10) { server.connections >= 1 })
    let took = await WatchTesting.onOwnThread {
      let started = WatchTesting.now()
      sampler.stop()
      return WatchTesting.now() - started
    }
    print("stop() during a hanging scrape took \(took) s")
    // The scrape's timeout is 1 s: stopping must not wait it out.
    #expect(took < 0.5, "stop() took \(took) s")
    let delivered = readings.count
    #expect(delivered == 0, "a stopped tick delivered its readings")
    sampler.stop()  // again: returns too
    await server.shutdown()
  }

  @Test("an endpoint that hangs from the start: each tick's reading lacks it after ~1 s, one lost event")
  func hangingFromTheStart() async throws {
    let server = try await PromFixtureServer(.hang)
    let events = WatchTesting.Collector<WatchEvent>()
    let readings = WatchTesting.Collector<(reading: WatchReading, at: Double)>()
    // The test's monotonic clock, so a tick's start (the reading's time) and its delivery compare.
    let sampler = try WatchSampler(
      sources: [.prometheus(url: server.url)], clock: { WatchTesting.now() },
      onReading: { readings.append(($0, WatchTesting.now())) }, onEvent: { events.append($0) })
    sampler.start()
    #expect(try await Poll.until(seconds: 20) { readings.count >= 3 })
    await WatchTesting.onOwnThread { sampler.stop() }
    let all = readings.all
    // Each tick gives up at its 1 s deadline; the thread's wake-up on a busy machine may add a
    // little, never another second.
    for (reading, at) in all {
      let took = at - reading.time
      #expect(took >= 0.99 && took < 1.5, "a tick took \(took) s")
    }
    #expect(all.allSatisfy { $0.reading.figures.isEmpty })
    #expect(events.all.map(\.change) == [.lost])
    #expect(events.all.first?.reason == "the scrape timed out after 1 s")
    #expect(server.connections >= 3)
    await server.shutdown()
  }

  @Test("a source lost and back is one event each, however many seconds it stays so")
  func lostAndBackOnce() async throws {
    let server = try await PromFixtureServer(.body(Self.page, chunked: false))
    let events = WatchTesting.Collector<WatchEvent>()
    let readings = WatchTesting.Collector<WatchReading>()
    let sampler = try WatchSampler(
      sources: [.prometheus(url: server.url)], options: .init(interval: 0.2, scrapeTimeout: 0.15),
      onReading: { readings.append($0) }, onEvent: { events.append($0) })
    let name = try #require(sampler.sourceNames.first)
    sampler.start()
    /// Waits for `count` more readings than there are now.
    func waitForReadings(_ count: Int) async throws {
      let target = readings.count + count
      #expect(try await Poll.until(seconds: 20) { readings.count >= target })
    }
    try await waitForReadings(3)
    #expect(events.all.isEmpty)
    #expect(sampler.latest()[name]?.rssBytes == 4096)

    server.set(.hang)  // lost: every scrape times out
    try await waitForReadings(5)
    #expect(sampler.latest()[name] == nil)
    #expect(sampler.lostSources()[name] == "the scrape timed out after 0.15 s")
    server.serve("garbage here\n")  // still lost, for another reason: no second event
    try await waitForReadings(4)
    server.serve(Self.page)  // back
    try await waitForReadings(4)
    #expect(sampler.latest()[name]?.rssBytes == 4096)
    await WatchTesting.onOwnThread { sampler.stop() }

    let seen = events.all
    #expect(seen.map(\.change) == [.lost, .back], "\(seen)")
    #expect(seen.first?.reason == "the scrape timed out after 0.15 s")
    #expect(seen.first?.description == "\(name) lost: the scrape timed out after 0.15 s")
    #expect(sampler.lostSources().isEmpty)
    // Readings in the lost stretch lack the source; the first one back has memory, no CPU yet.
    let all = readings.all
    let lastLost = try #require(all.lastIndex { $0.figures[name] == nil })
    try #require(lastLost + 1 < all.count)
    #expect(all[lastLost + 1].figures[name] == WatchFigure(cpuCores: nil, rssBytes: 4096))
    await server.shutdown()
  }

  @Test("a watched process that exits is lost once, with its PID in the reason")
  func processExits() async throws {
    let child = try WatchTesting.start(["sleep", "60"])
    defer { child.kill() }
    let events = WatchTesting.Collector<WatchEvent>()
    let readings = WatchTesting.Collector<WatchReading>()
    let sampler = try WatchSampler(
      sources: [.pid(child.pid)], options: .init(interval: 0.2),
      onReading: { readings.append($0) }, onEvent: { events.append($0) })
    sampler.start()
    #expect(try await Poll.until(seconds: 20) { readings.count >= 2 })
    #expect(readings.all.last?.figures["pid \(child.pid)"]?.cpuCores != nil)
    child.kill()
    #expect(try await Poll.until(seconds: 20) { !events.all.isEmpty })
    let after = readings.count
    #expect(try await Poll.until(seconds: 20) { readings.count >= after + 3 })
    await WatchTesting.onOwnThread { sampler.stop() }
    #expect(
      events.all == [
        WatchEvent(
          source: "pid \(child.pid)", change: .lost, reason: "pid \(child.pid) exited",
          time: events.all[0].time)
      ])
  }

  @Test("readings are timed by the injected clock, and every source is read each tick")
  func injectedClock() async throws {
    let directory = try TemporaryDirectory("watch-sampler")
    defer { directory.remove() }
    let cgroup = directory.appending("app")
    try FileManager.default.createDirectory(at: cgroup, withIntermediateDirectories: true)
    try Data("usage_usec 0\n".utf8).write(to: cgroup.appendingPathComponent("cpu.stat"))
    try Data("1234\n".utf8).write(to: cgroup.appendingPathComponent("memory.current"))
    let ticks = Atomic<Int>(0)
    let readings = WatchTesting.Collector<WatchReading>()
    // Each call of the clock advances it by a quarter second: the tick's time, then the read's.
    let sampler = try WatchSampler(
      sources: [.cgroup(path: cgroup.path), .pid(getpid())], options: .init(interval: 0.05),
      clock: { Double(ticks.add(1, ordering: .relaxed).newValue) * 0.25 },
      onReading: { readings.append($0) })
    sampler.start()
    #expect(try await Poll.until(seconds: 20) { readings.count >= 3 })
    await WatchTesting.onOwnThread { sampler.stop() }
    let all = readings.all
    #expect(all[0].figures["app"] == WatchFigure(cpuCores: nil, rssBytes: 1234))
    #expect(all[1].figures["app"] == WatchFigure(cpuCores: 0, rssBytes: 1234))
    #expect(all[0].figures["pid \(getpid())"]?.rssBytes ?? 0 > 0)
    #expect(all[1].time > all[0].time)
    #expect(sampler.latestReading()?.time == all.last?.time)
  }
}
