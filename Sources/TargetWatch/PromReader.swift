/// Reads a Prometheus endpoint: one scrape a tick, parsed, turned into a CPU rate and memory.
/// A scrape that fails in any way (refused, timed out, not HTTP 200, over the size bound, not
/// the text format, without the series) is a lost second with its reason.
struct PromReader: Sendable {
  let url: PromURL
  let lookup: HostLookup
  let bodyLimit: Int
  private var rate = CounterRate()

  init(url: PromURL, bodyLimit: Int) {
    self.url = url
    self.bodyLimit = bodyLimit
    lookup = HostLookup(host: url.host, port: url.port)
  }

  /// A reader for `--watch-prom URL`, checked now (the endpoint itself is not asked until the
  /// run: it may be started with the target).
  init(url text: String, bodyLimit: Int) throws(WatchInputError) {
    self.init(url: try PromURL(text), bodyLimit: bodyLimit)
  }

  /// The scrape to run this tick, or the reason there is none (the host's address is unknown).
  func startScrape(before deadline: ContinuousClock.Instant, cancelled: () -> Bool) -> Result<
    HTTPScrape, ScrapeFailure
  > {
    lookup.addresses(before: deadline, cancelled: cancelled).map { addresses in
      HTTPScrape(
        addresses: addresses, host: url.hostAndPort, target: url.target, bodyLimit: bodyLimit)
    }
  }

  /// The figure from a finished scrape that was sent at `sentAt` seconds of the sampler's clock.
  mutating func finish(_ scrape: Result<HTTPScrape, ScrapeFailure>, sentAt: Double) -> SourceOutcome {
    let body: [UInt8]
    switch scrape {
    case .failure(let failure):
      return fail(failure.reason)
    case .success(let scrape):
      if scrape.connectFailed { lookup.forget() }
      switch scrape.outcome {
      case .success(let bytes)?: body = bytes
      case .failure(let failure)?: return fail(failure.reason)
      case nil: return fail("the scrape did not finish")
      }
    }
    return figure(from: body, sentAt: sentAt)
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

  /// One scrape from start to finish, blocking for at most `timeout` seconds: for validation by
  /// hand and for tests. The sampler runs every source's scrape together instead.
  mutating func readNow(at now: Double, timeout: Double, wake: Int32? = nil) -> SourceOutcome {
    let deadline = ContinuousClock.now + .seconds(timeout)
    let scrape = startScrape(before: deadline, cancelled: { false })
    if case .success(let running) = scrape {
      ScrapeBatch.run([running], deadline: deadline, wake: wake, timeoutText: Self.timeoutText(timeout))
    }
    return finish(scrape, sentAt: now)
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
