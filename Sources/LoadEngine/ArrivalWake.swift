/// When an event loop's arrival timer next fires. A timer per arrival costs, at 150k arrivals/s, a
/// NIO scheduled task (an allocation and a heap insertion), a `timerfd_settime` and an
/// `epoll_wait` wake-up per request, and each request then travels alone, waking the server and
/// being answered alone: the profile showed those syscalls and the wake-ups' context switches
/// taking a loop's CPU while it fell behind. So a loop wakes at most once per `slackNanos`: the
/// timer fires at the next arrival's due time or, when that is sooner, `slackNanos` after the
/// previous timer's deadline, and every arrival due by then goes in that one turn. An arrival is never sent
/// early (its latency counts from when it was due, which coalescing leaves untouched); it is sent
/// at most `slackNanos` late, well inside the 1 ms that counts as late. Arrivals spaced
/// `slackNanos` or more apart (up to 10k/s per loop) each still get a timer at their exact time.
enum ArrivalWake {
  /// The shortest time between two wakes of one loop's arrival timer: at most 10k wakes per
  /// second per loop, whatever the rate.
  static let slackNanos: UInt64 = 100_000

  /// The deadline for the timer, given the next arrival's due time and the deadline the timer last
  /// fired for (monotonic nanoseconds). One long ago (a start, a pause, a rate change after a
  /// quiet spell) leaves the due time as it is.
  static func deadline(nextDue: UInt64, lastWake: UInt64, slack: UInt64 = slackNanos) -> UInt64 {
    max(nextDue, lastWake &+ slack)
  }
}
