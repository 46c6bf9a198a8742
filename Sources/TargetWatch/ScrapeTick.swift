import Foundation
import NIOCore
import Synchronization

/// Wakes the sampler's thread: out of its sleep between ticks and out of its wait for a tick's
/// scrapes, when a scrape ends (`update`) and for good when the sampler stops (`stop`). Waits
/// are on a condition with a timeout, on the sampler's own thread (never a cooperative one).
final class SamplerSignal: @unchecked Sendable {
  // @unchecked: `stopped` is only read and written under `condition`'s lock.
  private let condition = NSCondition()
  private var stopped = false

  /// Every later wait ends at once.
  func stop() {
    update { stopped = true }
  }

  /// Runs `change` under the lock and wakes the waiter to look again.
  func update(_ change: () -> Void) {
    condition.lock()
    change()
    condition.broadcast()
    condition.unlock()
  }

  /// Waits until `done()` holds (checked under the lock, after each `update`), `deadline` passes
  /// or the sampler stops; whether it stopped.
  func wait(until deadline: ContinuousClock.Instant, for done: () -> Bool = { false }) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while !stopped && !done() {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { return false }
      let (seconds, attoseconds) = remaining.components
      _ = condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
    }
    return stopped
  }
}

/// The scrapes of one tick, started together on the watch's loop and waited for together with
/// one deadline on the sampler's side: two slow endpoints cost one timeout, not two, and a loop
/// held by a resolver that does not answer cannot hold the sampler past its deadline.
final class ScrapeTick: Sendable {
  private let results: Mutex<[Result<[UInt8], ScrapeFailure>?]>
  private let signal: SamplerSignal

  /// Takes each future's outcome as it completes (on the loop's thread).
  init(_ futures: [EventLoopFuture<[UInt8]>], signal: SamplerSignal) {
    results = Mutex(Array(repeating: nil, count: futures.count))
    self.signal = signal
    for (index, future) in futures.enumerated() {
      future.whenComplete { [self] result in
        let outcome = result.mapError { $0 as? ScrapeFailure ?? ScrapeFailure("the scrape failed: \($0)") }
        signal.update { results.withLock { $0[index] = outcome } }
      }
    }
  }

  /// Every scrape's outcome once all have ended, or at `deadline` (one not ended then timed out,
  /// with `timeoutText`), or at once when the sampler stops (one not ended then "the sampler
  /// stopped").
  func wait(until deadline: ContinuousClock.Instant, timeoutText: String) -> [Result<[UInt8], ScrapeFailure>]
  {
    let stopped = signal.wait(until: deadline) { results.withLock { $0.allSatisfy { $0 != nil } } }
    let reason = stopped ? "the sampler stopped" : timeoutText
    return results.withLock { $0.map { $0 ?? .failure(ScrapeFailure(reason)) } }
  }
}
