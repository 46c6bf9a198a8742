import Foundation
import Synchronization

/// The addresses of a scraped endpoint's host. An address literal is taken as it is. A name is
/// looked up on a short-lived thread of its own, because getaddrinfo cannot be given a deadline
/// and a resolver that does not answer would otherwise hold the sampler past its second; the
/// answer is kept until a connection to it fails.
final class HostLookup: Sendable {
  let host: String
  let port: Int
  /// The host's addresses when it is a literal; nil for a name.
  private let literal: [SocketAddress]?

  private struct State {
    var cached: [SocketAddress]?
    /// Signalled when the lookup under way ends; nil when none is. A lookup that outlives one
    /// scrape is waited on again by the next, never started twice.
    var pending: DispatchSemaphore?
  }
  private let state = Mutex(State())

  init(host: String, port: Int) {
    self.host = host
    self.port = port
    let numeric = SocketAddress.resolve(host: host, port: port, numericOnly: true)
    literal = numeric.isEmpty ? nil : numeric
  }

  /// The addresses, waiting for a lookup at most until `deadline` and no longer once
  /// `cancelled` says so; the reason there are none otherwise.
  func addresses(
    before deadline: ContinuousClock.Instant, cancelled: () -> Bool
  ) -> Result<[SocketAddress], ScrapeFailure> {
    if let literal { return .success(literal) }
    let (cached, pending, isNew) = state.withLock { state -> ([SocketAddress]?, DispatchSemaphore?, Bool) in
      if let cached = state.cached { return (cached, nil, false) }
      if let pending = state.pending { return (nil, pending, false) }
      let pending = DispatchSemaphore(value: 0)
      state.pending = pending
      return (nil, pending, true)
    }
    if let cached { return .success(cached) }
    guard let pending else { return .failure(ScrapeFailure("cannot resolve \(host)")) }
    if isNew { startLookup(signalling: pending) }
    // In short waits, so a stopping sampler is not held by a resolver that does not answer.
    while ContinuousClock.now < deadline && !cancelled() {
      if pending.wait(timeout: .now() + 0.05) == .success { break }
    }
    return state.withLock { state in
      if let cached = state.cached { return .success(cached) }
      return .failure(
        ScrapeFailure(
          state.pending === pending ? "looking up \(host) took too long" : "cannot resolve \(host)"))
    }
  }

  /// Forgets the addresses found, so the next scrape looks the name up again (the service may
  /// have moved). Literals are kept.
  func forget() {
    state.withLock { $0.cached = nil }
  }

  private func startLookup(signalling done: DispatchSemaphore) {
    let thread = Thread { [self] in
      let found = SocketAddress.resolve(host: host, port: port, numericOnly: false)
      state.withLock { state in
        if !found.isEmpty { state.cached = found }
        state.pending = nil
      }
      done.signal()
    }
    thread.name = "rampart-watch-dns"
    thread.start()
  }
}
