import Metrics
import NIOCore
import NIOPosix
import NIOSSL

/// When a vuser sends: the closed model's next iteration after think time, the open model's
/// arrival at its intended time, and the reconnect backoff after failed connects.
extension VirtualUser {
  /// Starts the next request unless the run is paused, stopping or out of budget (then parks).
  func startRequest() {
    wakeUp = nil
    parked = false
    if retiring {
      worker.retired(self)
      return
    }
    guard !worker.stopping, !worker.paused, context.takeRequest() else {
      parked = true
      return
    }
    begin()
  }

  /// Open model: sends the arrival that was due at `intended` (the dispatcher took it from the
  /// budget and paces it; pauses and think time are not this vuser's business).
  func startArrival(intended: UInt64) {
    isArrival = true
    intendedNanos = intended
    begin()
  }

  func begin() {
    inFlight = true
    resent = false
    let next = worker.nextVariant()
    if redirects > 0 || next != variant {
      redirects = 0
      variant = next
      request = worker.requestBuffers[next]
      flags = worker.variantFlags[next]
    }
    worker.recorder.recordStart(second: worker.nowSecond)
    if channel == nil { connect() } else { send() }
  }

  func scheduleNext(after delayNanos: Int64) {
    if retiring {
      worker.retired(self)
      return
    }
    if worker.stopping || worker.paused {
      parked = true
      return
    }
    if delayNanos <= 0 {
      startRequest()
    } else {
      wakeUp = worker.loop.scheduleTask(in: .nanoseconds(delayNanos)) { [self] in
        worker.tick()
        startRequest()
      }
    }
  }

  /// Reconnect backoff after failed connections: 50 ms doubling to 1 s, with jitter, so a dead
  /// target sees at most about one attempt per vuser per second rather than a connect storm.
  var backoffNanos: Int64 {
    guard connectFailures > 0 else { return 0 }
    let base = min(1_000_000_000, 50_000_000 << min(connectFailures - 1, 5))
    return Int64(Double(base) * Double.random(in: 0.5...1.0))
  }
}
