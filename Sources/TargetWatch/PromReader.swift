import NIOCore
import NIOPosix

/// Reads a Prometheus endpoint: one scrape a tick, parsed, turned into a CPU rate and memory.
/// A scrape that fails in any way (refused, timed out, not HTTP 200, over the size bound, not
/// the text format, without the series) is a lost second with its reason.
struct PromReader: Sendable {
  let url: PromURL
  let bodyLimit: Int
  private var rate = CounterRate()

  init(url: PromURL, bodyLimit: Int) {
    self.url = url
    self.bodyLimit = bodyLimit
  }

  /// A reader for `--watch-prom URL`, checked now (the endpoint itself is not asked until the
  /// run: it may be started with the target).
  init(url text: String, bodyLimit: Int) throws(WatchInputError) {
    self.init(url: try PromURL(text), bodyLimit: bodyLimit)
  }

  /// Starts this tick's scrape on `loop`, the watch's own.
  func startScrape(timeout: Double, on loop: any EventLoop) -> EventLoopFuture<[UInt8]> {
    PromScrape.start(url, bodyLimit: bodyLimit, timeout: timeout, on: loop)
  }

  /// The figure from a finished scrape that was sent at `sentAt` seconds of the sampler's clock.
  mutating func finish(_ scrape: Result<[UInt8], ScrapeFailure>, sentAt: Double) -> SourceOutcome {
    switch scrape {
    case .success(let body): figure(from: body, sentAt: sentAt)
    case .failure(let failure): fail(failure.reason)
    }
  }

  /// Parses a body and takes the CPU counter's rate against the previous scrape's.
  mutating func figure(from body: [UInt8], sentAt: Double) -> SourceOutcome {
    let exposition: PromExposition
    do {
      exposition = try PromParser.parse(String(decoding: body, as: UTF8.self))
    } catch {
      return fail("not the Prometheus text format (\(error.description))")
    }
    guard let figures = PromFigures(exposition) else {
      return fail("no process_* or node_* CPU and memory series")
    }
    let cores = figures.cpuSeconds.flatMap { rate.next($0, at: sentAt) }
    if figures.cpuSeconds == nil { rate.reset() }
    return .read(WatchFigure(cpuCores: cores, rssBytes: figures.rssBytes))
  }

  /// One scrape from start to finish on a group of its own, blocking for at most `timeout`
  /// seconds (and the group's bounded shutdown): for validation by hand and for tests. The
  /// sampler runs every source's scrape together on its group instead.
  mutating func readNow(at now: Double, timeout: Double) -> SourceOutcome {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    defer { PromScrape.shutDown(group) }
    let deadline = ContinuousClock.now + .seconds(timeout)
    let tick = ScrapeTick([startScrape(timeout: timeout, on: group.next())], signal: SamplerSignal())
    return finish(tick.wait(until: deadline, timeoutText: Self.timeoutText(timeout))[0], sentAt: now)
  }

  /// The lost event's reason for a scrape that did not finish in time.
  static func timeoutText(_ seconds: Double) -> String {
    let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    return "the scrape timed out after \(shown) s"
  }

  private mutating func fail(_ reason: String) -> SourceOutcome {
    rate.reset()
    return .failed(reason)
  }
}
