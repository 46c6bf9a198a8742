import Foundation
import NIOPosix
import TestKit
import TestSupport
import Testing

@testable import TargetWatch

/// Scrapes of an endpoint the test serves on 127.0.0.1: exact figures from counters moved
/// between scrapes against an injected clock, for both families and both body framings; and
/// each way a scrape fails (hung, garbage, an error status, too big, refused) is a reading with
/// a reason, in bounded time.
@Suite(.timeLimit(.minutes(2)))
struct PromScrapeTests {
  static func processPage(cpu: Double, rss: Double) -> String {
    """
    # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
    # TYPE process_cpu_seconds_total counter
    process_cpu_seconds_total \(cpu)
    # HELP process_resident_memory_bytes Resident memory size in bytes.
    # TYPE process_resident_memory_bytes gauge
    process_resident_memory_bytes \(rss)
    python_info{implementation="CPython",major="3",minor="12",patchlevel="3",version="3.12.3"} 1.0

    """
  }

  static func nodePage(user: Double, system: Double, idle: Double, total: Double, available: Double) -> String
  {
    var page = "# TYPE node_cpu_seconds_total counter\n"
    for cpu in 0..<2 {
      page += "node_cpu_seconds_total{cpu=\"\(cpu)\",mode=\"idle\"} \(idle)\n"
      page += "node_cpu_seconds_total{cpu=\"\(cpu)\",mode=\"iowait\"} \(idle / 10)\n"
      page += "node_cpu_seconds_total{cpu=\"\(cpu)\",mode=\"user\"} \(user)\n"
      page += "node_cpu_seconds_total{cpu=\"\(cpu)\",mode=\"system\"} \(system)\n"
    }
    page += "node_memory_MemTotal_bytes \(total)\nnode_memory_MemAvailable_bytes \(available)\n"
    // node_exporter's own process series, which must not be taken for the machine's.
    page += "process_cpu_seconds_total 0.5\nprocess_resident_memory_bytes 1.5e7\n"
    // A big page, as node_exporter's is, so the chunked framing has many chunks.
    for index in 0..<2000 { page += "node_filler_metric{index=\"\(index)\"} \(index)\n" }
    return page
  }

  /// One scrape from a thread of its own.
  static func read(_ reader: PromReader, at now: Double, timeout: Double = 1) async -> (
    PromReader, SourceOutcome
  ) {
    await WatchTesting.onOwnThread {
      var reader = reader
      let outcome = reader.readNow(at: now, timeout: timeout)
      return (reader, outcome)
    }
  }

  @Test("process_* counters: exact cores and bytes from the injected clock")
  func processFamily() async throws {
    let server = try await PromFixtureServer(
      .body(Self.processPage(cpu: 100, rss: 52_428_800), chunked: false))
    var reader = try PromReader(url: server.url, bodyLimit: 4 << 20)
    var outcome: SourceOutcome
    (reader, outcome) = await Self.read(reader, at: 10)
    #expect(outcome == .read(WatchFigure(cpuCores: nil, rssBytes: 52_428_800)))
    server.serve(Self.processPage(cpu: 101.5, rss: 62_914_560))
    (reader, outcome) = await Self.read(reader, at: 12)
    #expect(outcome == .read(WatchFigure(cpuCores: 0.75, rssBytes: 62_914_560)))
    // A restarted service's counter went back: no rate that second, the next one from there.
    server.serve(Self.processPage(cpu: 2, rss: 1e6))
    (reader, outcome) = await Self.read(reader, at: 13)
    #expect(outcome == .read(WatchFigure(cpuCores: nil, rssBytes: 1e6)))
    await server.shutdown()
  }

  @Test(
    "node_* (chunked, big): busy CPU modes summed, MemTotal - MemAvailable, exporter's own process ignored")
  func nodeFamily() async throws {
    let page = Self.nodePage(user: 100, system: 50, idle: 1000, total: 8e9, available: 6e9)
    let server = try await PromFixtureServer(.body(page, chunked: true))
    var reader = try PromReader(url: server.url, bodyLimit: 4 << 20)
    var outcome: SourceOutcome
    (reader, outcome) = await Self.read(reader, at: 50)
    #expect(outcome == .read(WatchFigure(cpuCores: nil, rssBytes: 2e9)))
    // Per CPU +1 s user, +0.25 s system (+4 s idle, +0.4 s iowait, not work): 2.5 s in 2 s.
    server.set(
      .body(Self.nodePage(user: 101, system: 50.25, idle: 1004, total: 8e9, available: 5e9), chunked: true))
    (reader, outcome) = await Self.read(reader, at: 52)
    #expect(outcome == .read(WatchFigure(cpuCores: 1.25, rssBytes: 3e9)))
    await server.shutdown()
  }

  @Test("a hung endpoint: the scrape gives up within its timeout, with the reason")
  func hungEndpoint() async throws {
    let server = try await PromFixtureServer(.hang)
    let reader = try PromReader(url: server.url, bodyLimit: 4 << 20)
    // Timed on the scraping thread itself: how long a thread of the test pool waits to start on
    // a busy machine is not the scrape's doing.
    let (outcome, took) = await WatchTesting.onOwnThread {
      var reader = reader
      let started = WatchTesting.now()
      let outcome = reader.readNow(at: 1, timeout: 1)
      return (outcome, WatchTesting.now() - started)
    }
    #expect(outcome == .failed("the scrape timed out after 1 s"))
    #expect(server.connections == 1)
    // The deadline, and the thread's wake-up after it on a busy machine.
    #expect(took >= 0.99 && took < 1.5, "took \(took) s")
    await server.shutdown()
  }

  @Test(
    "a loop held up (as by a resolver that does not answer): the wait ends at its deadline, the shutdown soon after"
  )
  func stuckLoop() async throws {
    let server = try await PromFixtureServer(.body(Self.processPage(cpu: 1, rss: 2), chunked: false))
    let reader = try PromReader(url: server.url, bodyLimit: 4 << 20)
    let (outcome, took, shutdownTook) = await WatchTesting.onOwnThread {
      let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
      let loop = group.next()
      loop.execute { usleep(2_000_000) }  // the loop's thread is held for 2 s, as getaddrinfo may
      let started = WatchTesting.now()
      let deadline = ContinuousClock.now + .seconds(0.3)
      let tick = ScrapeTick([reader.startScrape(timeout: 0.3, on: loop)], signal: SamplerSignal())
      let outcome = tick.wait(until: deadline, timeoutText: PromReader.timeoutText(0.3))[0]
      let took = WatchTesting.now() - started
      let shutdownStarted = WatchTesting.now()
      PromScrape.shutDown(group)
      return (outcome, took, WatchTesting.now() - shutdownStarted)
    }
    #expect(outcome == .failure(ScrapeFailure("the scrape timed out after 0.3 s")))
    #expect(took >= 0.29 && took < 0.8, "took \(took) s")
    #expect(shutdownTook < 0.5, "the shutdown took \(shutdownTook) s")
    await server.shutdown()
  }

  @Test("garbage, an error status, a body over the bound: each a failed reading with its reason")
  func badAnswers() async throws {
    let server = try await PromFixtureServer(.body("<html><body>It works!</body></html>\n", chunked: false))
    var reader = try PromReader(url: server.url, bodyLimit: 64 << 10)
    var outcome: SourceOutcome
    (reader, outcome) = await Self.read(reader, at: 1)
    #expect(outcome == .failed("not the Prometheus text format (line 1: expected a metric name)"))
    server.serve("up 1\ngo_goroutines 12\n")
    (reader, outcome) = await Self.read(reader, at: 2)
    #expect(outcome == .failed("no process_* or node_* CPU and memory series"))
    server.set(.status(404))
    (reader, outcome) = await Self.read(reader, at: 3)
    #expect(outcome == .failed("HTTP 404"))
    let big = String(repeating: "filler_metric 1\n", count: 5000)  // 80 KB
    server.serve(big)
    (reader, outcome) = await Self.read(reader, at: 4)
    #expect(outcome == .failed("the body is over 65536 bytes"))
    server.set(.body(big, chunked: true))
    (reader, outcome) = await Self.read(reader, at: 5)
    #expect(outcome == .failed("the body is over 65536 bytes"))
    await server.shutdown()
  }

  @Test("nothing listening: refused at once")
  func refused() async throws {
    let port = SimpleHTTP.unusedPort()
    let reader = try PromReader(url: "http://127.0.0.1:\(port)/metrics", bodyLimit: 4 << 20)
    let started = WatchTesting.now()
    let (_, outcome) = await Self.read(reader, at: 1)
    #expect(outcome == .failed("cannot connect: Connection refused"))
    #expect(WatchTesting.now() - started < 0.5)
  }

  @Test("a host name is looked up (localhost)")
  func hostName() async throws {
    let server = try await PromFixtureServer(.body(Self.processPage(cpu: 1, rss: 2), chunked: false))
    let reader = try PromReader(url: "http://localhost:\(server.port)/metrics", bodyLimit: 4 << 20)
    let (_, outcome) = await Self.read(reader, at: 1)
    #expect(outcome == .read(WatchFigure(cpuCores: nil, rssBytes: 2)))
    await server.shutdown()
  }
}
