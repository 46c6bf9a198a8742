import Foundation
import LogValues
import Testing

@testable import LogTail

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.timeLimit(.minutes(5))) struct CommandFollowerTests {
  /// What the follower produced at one poll, and when.
  private struct Polled {
    var at: Double
    var output: [FollowerOutput]
  }

  /// Polls every 10 ms until `isDone` holds for everything produced so far, or `seconds` pass.
  private func poll(
    _ follower: CommandFollower, forUpTo seconds: Double, budget: Int = 1 << 20,
    until isDone: ([FollowerOutput]) -> Bool
  ) -> [Polled] {
    var polls: [Polled] = []
    var all: [FollowerOutput] = []
    let deadline = FollowerTesting.now() + seconds
    // Blocking sleeps, not Task.sleep: other suites can hold the cooperative threads for seconds,
    // and a resumption that late would pass the deadline with the command's output unread.
    for _ in 0..<10_000 {
      let now = FollowerTesting.now()
      let output = FollowerTesting.poll(follower, now: now, budget: budget)
      polls.append(Polled(at: now, output: output))
      all += output
      if isDone(all) || now >= deadline { break }
      usleep(10_000)
    }
    return polls
  }

  private func startCount(_ outputs: [FollowerOutput]) -> Int {
    FollowerTesting.notices(in: outputs).filter { if case .started = $0 { true } else { false } }.count
  }

  private func startedPID(_ outputs: [FollowerOutput]) -> pid_t? {
    for notice in FollowerTesting.notices(in: outputs) {
      if case .started(let pid) = notice { return pid }
    }
    return nil
  }

  /// Notices with the PIDs blanked, for comparing sequences.
  private func noticeShapes(_ outputs: [FollowerOutput]) -> [SourceNotice] {
    FollowerTesting.notices(in: outputs).map { if case .started = $0 { .started(pid: 0) } else { $0 } }
  }

  /// Whether a process no longer runs: gone, or a zombie nobody has reaped yet (an orphan in a
  /// container whose PID 1 does not reap).
  private func hasEnded(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 && errno == ESRCH { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
  }

  @Test func linesFromBothStreamsThenExitThenRestartAfterTheBackoff() throws {
    let follower = CommandFollower(
      command: "printf 'a\\nb\\n'; echo err >&2; exit 3", initialBackoff: 0.1, maximumBackoff: 0.15)
    defer { follower.close() }
    let polls = poll(follower, forUpTo: 10) { startCount($0) >= 3 }
    let outputs = polls.flatMap(\.output)
    let run: [SourceNotice] = [.started(pid: 0), .exited("exit status 3")]
    // The third run may have ended by the poll that started it; only its start is compared.
    let expected =
      run + [.restarting(afterSeconds: 0.1)] + run + [.restarting(afterSeconds: 0.15), .started(pid: 0)]
    #expect(Array(noticeShapes(outputs).prefix(7)) == expected)

    let firstExit = outputs.firstIndex(of: .notice(.exited("exit status 3")))!
    let firstRun = FollowerTesting.lines(in: Array(outputs[..<firstExit]))
    #expect(firstRun.sorted() == ["a", "b", "err"])
    #expect(firstRun.firstIndex(of: "a")! < firstRun.firstIndex(of: "b")!)

    // Each restart waits at least its delay after the exit was seen.
    let exits = polls.filter { $0.output.contains(.notice(.exited("exit status 3"))) }.map(\.at)
    let starts = polls.filter { startCount($0.output) > 0 }.map(\.at)
    #expect(exits.count >= 2 && starts.count == 3)
    if exits.count >= 2 && starts.count == 3 {
      #expect(starts[1] - exits[0] >= 0.1)
      #expect(starts[2] - exits[1] >= 0.15)
    }
  }

  @Test func backoffDoublesUpToTheMaximumAndResetsAfterAStableRun() throws {
    // It lives past the poll that starts it, so the long run below is seen as one.
    let follower = CommandFollower(command: "sleep 0.05; exit 1", initialBackoff: 0.1, maximumBackoff: 0.25)
    defer { follower.close() }
    // The follower's clock is whatever `now` it is given: 50 ms pass per 5 ms of real time.
    var now = 0.0
    var delays: [Double] = []
    var lastStart = 0.0
    for _ in 0..<1000 where delays.count < 4 {
      for notice in FollowerTesting.notices(in: FollowerTesting.poll(follower, now: now)) {
        if case .restarting(let seconds) = notice { delays.append(seconds) }
        if case .started = notice { lastStart = now }
      }
      usleep(5_000)
      now += 0.05
    }
    #expect(delays == [0.1, 0.2, 0.25, 0.25])

    // The next run "lasts" 15 s: the delay starts over.
    var sawStart = false
    for _ in 0..<1000 {
      let output = FollowerTesting.poll(follower, now: now)
      if startCount(output) > 0 {
        sawStart = true
        lastStart = now
      }
      let restarting = FollowerTesting.notices(in: output).compactMap {
        if case .restarting(let seconds) = $0 { seconds } else { nil }
      }
      if !restarting.isEmpty {
        #expect(restarting == [0.1])
        break
      }
      usleep(5_000)
      now = sawStart ? lastStart + 15 : now + 0.05
    }
    #expect(sawStart)
  }

  @Test func closeEndsTheCommandAndEverythingItStarted() throws {
    let follower = CommandFollower(command: "sleep 30 & echo $!; sleep 30")
    let polls = poll(follower, forUpTo: 5) { !FollowerTesting.lines(in: $0).isEmpty }
    let outputs = polls.flatMap(\.output)
    let pid = try #require(startedPID(outputs))
    let background = try #require(FollowerTesting.lines(in: outputs).first.flatMap { pid_t($0) })
    // Its own process group, which the background job shares.
    #expect(getpgid(pid) == pid)
    #expect(getpgid(background) == pid)

    let closing = FollowerTesting.now()
    follower.close()
    follower.close()
    #expect(FollowerTesting.now() - closing < 1)
    #expect(kill(pid, 0) == -1 && errno == ESRCH)
    for _ in 0..<100 where !hasEnded(background) { usleep(10_000) }
    #expect(hasEnded(background))
    #expect(FollowerTesting.poll(follower).isEmpty)
  }

  @Test func commandIgnoringSIGTERMIsKilledAfterTheGracePeriod() throws {
    let follower = CommandFollower(command: "trap '' TERM; echo ready; sleep 30")
    let polls = poll(follower, forUpTo: 5) { FollowerTesting.lines(in: $0) == ["ready"] }
    let pid = try #require(startedPID(polls.flatMap(\.output)))
    let closing = FollowerTesting.now()
    follower.close()
    let elapsed = FollowerTesting.now() - closing
    #expect(elapsed >= 0.9 && elapsed < 2.5, "close took \(elapsed) s")
    #expect(kill(pid, 0) == -1 && errno == ESRCH)
  }

  @Test func commandThatCannotStartIsRetried() {
    let follower = CommandFollower(command: "true", shell: "/nonexistent/shell", initialBackoff: 0.1)
    defer { follower.close() }
    let reason = "could not start: \(String(cString: strerror(ENOENT)))"
    #expect(
      FollowerTesting.poll(follower, now: 0) == [
        .notice(.exited(reason)), .notice(.restarting(afterSeconds: 0.1)),
      ])
    #expect(FollowerTesting.poll(follower, now: 0.05).isEmpty)
    #expect(
      FollowerTesting.poll(follower, now: 0.11) == [
        .notice(.exited(reason)), .notice(.restarting(afterSeconds: 0.2)),
      ])
  }

  @Test func killedCommandNamesTheSignal() throws {
    let follower = CommandFollower(command: "kill -KILL $$", initialBackoff: 5)
    defer { follower.close() }
    let polls = poll(follower, forUpTo: 5) { FollowerTesting.notices(in: $0).count >= 3 }
    #expect(
      noticeShapes(polls.flatMap(\.output)) == [
        .started(pid: 0), .exited("killed by signal 9"), .restarting(afterSeconds: 5),
      ])
  }

  @Test func everyLineIsReadBeforeTheExitIsReported() throws {
    let follower = CommandFollower(command: "seq 1 20000; printf 'last without newline'", initialBackoff: 5)
    defer { follower.close() }
    let polls = poll(follower, forUpTo: 10, budget: 16 * 1024) {
      FollowerTesting.notices(in: $0).count >= 3
    }
    let outputs = polls.flatMap(\.output)
    #expect(FollowerTesting.lines(in: outputs) == (1...20000).map(String.init) + ["last without newline"])
    let exitIndex = try #require(outputs.firstIndex(of: .notice(.exited("exit status 0"))))
    #expect(outputs[exitIndex...].allSatisfy { if case .notice = $0 { true } else { false } })
  }

  @Test func commandSeesNoStdinAndDefaultSignals() throws {
    // stdin is /dev/null, so cat ends at once. The dashboard ignores SIGPIPE, SIGINT and SIGTERM,
    // and ignored signals survive exec: the command must get them back at their defaults.
    let follower = CommandFollower(
      command: "cat; echo stdin-done; grep '^SigIgn' /proc/self/status", initialBackoff: 5)
    defer { follower.close() }
    let polls = poll(follower, forUpTo: 5) { FollowerTesting.notices(in: $0).count >= 3 }
    let lines = FollowerTesting.lines(in: polls.flatMap(\.output))
    #expect(lines.first == "stdin-done")
    let ignored = lines.last.flatMap { UInt64($0.split(separator: "\t").last ?? "", radix: 16) } ?? .max
    for signal in [SIGPIPE, SIGINT, SIGTERM] {
      #expect(
        ignored & (1 << UInt64(signal - 1)) == 0, "signal \(signal) ignored: \(lines.last ?? "missing")")
    }
  }
}
