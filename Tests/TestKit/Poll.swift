import Foundation

/// Waiting for something another thread or process does, with a deadline: the one polling helper
/// every test target uses (a condition, how long at most, how often to look).
public enum Poll {
  /// Checks `condition` every `interval` seconds until it holds or `seconds` have passed, looking
  /// once more at the deadline; whether it held. Blocks the calling thread.
  public static func until(
    seconds: Double, every interval: Double = 0.02, _ condition: () throws -> Bool
  ) rethrows -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
      if try condition() { return true }
      Thread.sleep(forTimeInterval: interval)
    }
    return try condition()
  }

  /// The same from async code: the task sleeps between looks instead of the thread.
  public static func until(
    seconds: Double, every interval: Double = 0.1, _ condition: () throws -> Bool
  ) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
      if try condition() { return true }
      try await Task.sleep(for: .seconds(interval))
    }
    return try condition()
  }
}
