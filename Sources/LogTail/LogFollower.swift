import LogValues

/// What a follower produces: lines, and notices about the source itself (rotation, truncation,
/// a command that exited) that the panel shows in their own style.
public enum FollowerOutput: Sendable, Equatable {
  case line(RawLine)
  /// A line that was already in the file when following began (the last few lines of an existing
  /// file, like `tail -F` prints them): shown for context, never counted as an error.
  case history(RawLine)
  case notice(SourceNotice)
}

/// A source of log lines polled from one background thread: reads what is available now
/// without blocking and returns. Not thread-safe; the hub that owns it is its only caller.
public protocol LogFollower: AnyObject {
  /// Appends the lines and notices available now. Reads at most `byteBudget` bytes so one busy
  /// source cannot starve the others; what is left is read at the next poll.
  /// `now` is a monotonic time in seconds (backoff and drain deadlines use it).
  func poll(now: Double, byteBudget: Int, into output: inout [FollowerOutput])
  /// Releases descriptors and ends a command's process group. Idempotent.
  func close()
}
