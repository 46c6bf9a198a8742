/// Load tests measure rates and latencies; running two at once on a 2-core machine would make
/// their figures meaningless. Every test that generates load runs inside `HeavyTest.run`.
/// A test's time limit counts its wait in this queue too (heavy tests that hold one of Swift
/// Testing's slots wait their turn here), so suites of heavy tests carry `.timeLimit(.minutes(30))`:
/// long enough for the whole queue on a slow machine, short enough that a hang still ends
/// `swift test`.
public actor HeavyTest {
  public static let shared = HeavyTest()
  private var busy = false
  private var waiters: [CheckedContinuation<Void, Never>] = []

  public static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    await shared.acquire()
    do {
      let value = try await body()
      await shared.release()
      return value
    } catch {
      await shared.release()
      throw error
    }
  }

  private func acquire() async {
    if !busy {
      busy = true
      return
    }
    await withCheckedContinuation { waiters.append($0) }
  }

  private func release() {
    if waiters.isEmpty {
      busy = false
    } else {
      waiters.removeFirst().resume()
    }
  }
}
