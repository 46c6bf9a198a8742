import Foundation
import LogValues
import Synchronization
import TestKit
import Testing

@testable import LogTail

#if canImport(Glibc)
  import Glibc
#endif

/// Helpers shared by the follower tests: temporary directories, a monotonic clock, file writes and
/// the pieces of a follower's output.
enum FollowerTesting {
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// A new empty directory with a unique name; remove it with `remove`.
  static func makeDirectory(_ label: String) -> String {
    try! TemporaryDirectory("logtail-\(label)").path
  }

  static func remove(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
  }

  static func openForAppending(_ path: String) -> Int32 {
    open(path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o644)
  }

  /// Appends with one `open`, whole `write`s and `close`, creating the file if needed.
  static func append(_ text: String, to path: String) {
    let descriptor = openForAppending(path)
    precondition(descriptor >= 0, "cannot open \(path): \(errno)")
    write(Array(text.utf8), to: descriptor)
    _ = Glibc.close(descriptor)
  }

  static func write(_ bytes: [UInt8], to descriptor: Int32) {
    bytes.withUnsafeBytes { buffer in
      var written = 0
      while written < buffer.count {
        let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
        if count < 0, errno == EINTR { continue }
        precondition(count > 0, "write failed: \(errno)")
        written += count
      }
    }
  }

  static func write(_ text: String, to descriptor: Int32) {
    write(Array(text.utf8), to: descriptor)
  }

  static func text(_ line: RawLine) -> String {
    String(decoding: line.bytes, as: UTF8.self)
  }

  static func lines(in outputs: [FollowerOutput]) -> [String] {
    outputs.compactMap { if case .line(let line) = $0 { text(line) } else { nil } }
  }

  static func history(in outputs: [FollowerOutput]) -> [String] {
    outputs.compactMap { if case .history(let line) = $0 { text(line) } else { nil } }
  }

  static func notices(in outputs: [FollowerOutput]) -> [SourceNotice] {
    outputs.compactMap { if case .notice(let notice) = $0 { notice } else { nil } }
  }

  /// Runs `body` on a thread of its own: loops that poll on a schedule must not wait for a
  /// cooperative thread that other tests keep busy.
  static func onOwnThread<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: body()) }.start()
    }
  }

  static func poll(
    _ follower: some LogFollower, now: Double = FollowerTesting.now(), budget: Int = 1 << 20
  ) -> [FollowerOutput] {
    var output: [FollowerOutput] = []
    follower.poll(now: now, byteBudget: budget, into: &output)
    return output
  }
}

/// Writes numbered lines at about 1 000 a second and rotates the file by rename every 300-400 ms,
/// writing on to the old descriptor for a random 0-300 ms before reopening, as a lagging app does.
final class RotatingWriter: Sendable {
  struct Progress: Sendable {
    /// Taken just before each rename, so a pickup can be timed from no later than the new file.
    var rotatedAt: [Double] = []
    var linesWritten = 0
    var isFinished = false
  }

  let progress = Mutex(Progress())
  let path: String

  init(path: String) {
    self.path = path
  }

  /// Writes a line a millisecond, rotating every 0.3-0.4 s, for `seconds` and at least `lines`
  /// lines: on a busy machine a 1 ms sleep can take several, and the load is the point (a fixed
  /// second gave fewer lines than the test asks for).
  func run(seconds: Double, lines: Int) {
    let start = FollowerTesting.now()
    var descriptor = FollowerTesting.openForAppending(path)
    var nextRotation = start + Double.random(in: 0.3...0.4)
    var reopenAt: Double?
    var sequence = 0
    while true {
      let now = FollowerTesting.now()
      if now - start >= seconds && sequence >= lines { break }
      if now >= nextRotation {
        progress.withLock { $0.rotatedAt.append(now) }
        rename(path, path + ".1")
        _ = Glibc.close(open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644))
        reopenAt = now + Double.random(in: 0...0.3)
        nextRotation = now + Double.random(in: 0.3...0.4)
      }
      if let at = reopenAt, now >= at {
        _ = Glibc.close(descriptor)
        descriptor = FollowerTesting.openForAppending(path)
        reopenAt = nil
      }
      FollowerTesting.write(
        "\(sequence) GET /api/items status=200 padding-to-look-like-a-log-record\n", to: descriptor)
      sequence += 1
      progress.withLock { $0.linesWritten = sequence }
      usleep(1000)
    }
    _ = Glibc.close(descriptor)
    progress.withLock { $0.isFinished = true }
  }
}

/// Set once by one thread, read by another.
final class TestFlag: Sendable {
  private let value = Mutex(false)

  var isSet: Bool { value.withLock { $0 } }

  func set() { value.withLock { $0 = true } }
}

/// One LOG-01 run: a `RotatingWriter` for 1 s (and 400 lines) while a follower is polled every
/// 20-50 ms.
struct RotationOutcome: Sendable {
  var counts: [Int: Int] = [:]
  var unparsed: [String] = []
  /// When each `.replaced` notice came out of a poll.
  var pickups: [Double] = []
  var unexpectedNotices: [SourceNotice] = []
  var longestPollGap = 0.0
  var progress = RotatingWriter.Progress()

  init(path: String) {
    FollowerTesting.append("", to: path)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    var output: [FollowerOutput] = []
    follower.poll(now: FollowerTesting.now(), byteBudget: 1 << 20, into: &output)
    unparsed += FollowerTesting.lines(in: output)

    let writer = RotatingWriter(path: path)
    Thread { writer.run(seconds: 1.0, lines: 400) }.start()
    var previousPoll = FollowerTesting.now()
    // Until every line written has been read (the loop ends then); the deadline only bounds a
    // failure, with room for a busy machine's slow writer.
    let deadline = previousPoll + 30
    while FollowerTesting.now() < deadline {
      output.removeAll(keepingCapacity: true)
      let polledAt = FollowerTesting.now()
      longestPollGap = max(longestPollGap, polledAt - previousPoll)
      previousPoll = polledAt
      follower.poll(now: polledAt, byteBudget: 1 << 20, into: &output)
      record(output, polledAt: polledAt)
      let (finished, written) = writer.progress.withLock { ($0.isFinished, $0.linesWritten) }
      if finished && counts.count >= written { break }
      usleep(UInt32.random(in: 20_000...50_000))
    }
    progress = writer.progress.withLock { $0 }
  }

  private mutating func record(_ output: [FollowerOutput], polledAt: Double) {
    for item in output {
      switch item {
      case .line(let line):
        let text = FollowerTesting.text(line)
        if let number = text.split(separator: " ").first.flatMap({ Int($0) }) {
          counts[number, default: 0] += 1
        } else {
          unparsed.append(text)
        }
      case .notice(.replaced): pickups.append(polledAt)
      case .notice(let notice): unexpectedNotices.append(notice)
      case .history(let line): unparsed.append(FollowerTesting.text(line))
      }
    }
  }
}

@Suite(.timeLimit(.minutes(5))) struct FileFollowerTests {
  // MARK: LOG-01 rename rotation under write load

  @Test(arguments: 0..<20)
  func renameRotationUnderWriteLoadLosesAndDuplicatesNothing(run: Int) async throws {
    let directory = FollowerTesting.makeDirectory("rotation-\(run)")
    defer { FollowerTesting.remove(directory) }
    // Polled from a thread of its own, as the hub does: a cooperative thread can be held by other
    // tests for longer than a rotation interval, and a rotation missed between two polls is a
    // test artefact, not what this measures.
    let outcome = await FollowerTesting.onOwnThread { RotationOutcome(path: directory + "/app.log") }

    let progress = outcome.progress
    #expect(progress.isFinished)
    #expect(progress.linesWritten > 300, "the writer wrote only \(progress.linesWritten) lines")
    let missing = (0..<progress.linesWritten).filter { outcome.counts[$0] == nil }
    let duplicated = outcome.counts.filter { $0.value > 1 }.keys.sorted()
    let context = "longest gap between polls \(outcome.longestPollGap) s"
    #expect(missing.isEmpty, "lost \(missing.count) lines, first \(Array(missing.prefix(5))); \(context)")
    #expect(duplicated.isEmpty, "duplicated \(duplicated.count) lines, first \(Array(duplicated.prefix(5)))")
    #expect(outcome.unparsed.isEmpty, "torn or unexpected lines: \(outcome.unparsed.prefix(3))")
    #expect(outcome.unexpectedNotices.isEmpty)
    #expect(progress.rotatedAt.count >= 2)
    #expect(outcome.pickups.count == progress.rotatedAt.count, "\(context)")
    for rotatedAt in progress.rotatedAt {
      let pickup = outcome.pickups.first { $0 >= rotatedAt }
      #expect(pickup.map { $0 - rotatedAt <= 1.0 } == true, "new file picked up late or never; \(context)")
    }
  }

  @Test func renamedAwayFileIsReportedDeletedWhenNothingReplacesIt() {
    let directory = FollowerTesting.makeDirectory("renamed-away")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("", to: path)
    let follower = FileFollower(path: path, drainSeconds: 0.3)
    defer { follower.close() }
    _ = FollowerTesting.poll(follower, now: 0)
    FollowerTesting.append("before\n", to: path)
    rename(path, directory + "/app.log.1")
    FollowerTesting.append("after rename\n", to: directory + "/app.log.1")
    // The old file is read to its end; nothing is reported while a new file may still come.
    #expect(
      FollowerTesting.poll(follower, now: 1) == [.line(RawLine("before")), .line(RawLine("after rename"))])
    #expect(FollowerTesting.poll(follower, now: 1.1).isEmpty)
    #expect(FollowerTesting.notices(in: FollowerTesting.poll(follower, now: 1.4)) == [.deleted])
    FollowerTesting.append("new\n", to: path)
    #expect(FollowerTesting.poll(follower, now: 1.5) == [.notice(.appeared), .line(RawLine("new"))])
  }

  @Test func renamedAwayAndBackIsResumedWithoutRereading() {
    let directory = FollowerTesting.makeDirectory("renamed-back")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("first\n", to: path)
    let follower = FileFollower(path: path, historyLines: 0)
    defer { follower.close() }
    _ = FollowerTesting.poll(follower, now: 0)
    rename(path, directory + "/moved.log")
    #expect(FollowerTesting.poll(follower, now: 0.1).isEmpty)
    rename(directory + "/moved.log", path)
    FollowerTesting.append("second\n", to: path)
    #expect(FollowerTesting.poll(follower, now: 0.2) == [.line(RawLine("second"))])
  }

  // MARK: LOG-02 copytruncate race

  @Test(arguments: 0..<20)
  func copytruncateThenLongerLineGivesNoTornLine(iteration: Int) throws {
    let directory = FollowerTesting.makeDirectory("copytruncate-\(iteration)")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    let descriptor = FollowerTesting.openForAppending(path)
    defer { _ = Glibc.close(descriptor) }
    let follower = FileFollower(path: path)
    defer { follower.close() }
    #expect(FollowerTesting.poll(follower).isEmpty)

    let oldLines = (0..<5).map { "old line \($0) of iteration \(iteration)" }
    FollowerTesting.write(oldLines.map { $0 + "\n" }.joined(), to: descriptor)
    #expect(FollowerTesting.lines(in: FollowerTesting.poll(follower)) == oldLines)
    let oldOffset = oldLines.map { $0.utf8.count + 1 }.reduce(0, +)
    let longLine = "NEW " + String(repeating: "n", count: oldOffset + 50 + iteration)

    var outputs: [FollowerOutput] = []
    switch iteration % 3 {
    case 0:
      // Both before the next poll: the file is now longer than the old offset, so only the
      // fingerprint of its first bytes shows it was rewritten.
      _ = ftruncate(descriptor, 0)
      FollowerTesting.write(longLine + "\n", to: descriptor)
      outputs = FollowerTesting.poll(follower)
    case 1:
      // The worst moment: after the poll checked size and fingerprint, before it reads at the old
      // offset (GNU tail prints the tail of the new line there). Read-then-verify drops that chunk.
      FollowerTesting.write("one more old line\n", to: descriptor)
      var rewritten = false
      follower.beforeChunkRead = {
        guard !rewritten else { return }
        rewritten = true
        _ = ftruncate(descriptor, 0)
        FollowerTesting.write(longLine + "\n", to: descriptor)
      }
      outputs = FollowerTesting.poll(follower)
      #expect(rewritten)
    default:
      // Racing: more old lines, then the truncation and the long line, while the follower polls as
      // fast as it can, so reads at the old offset meet the rewrite.
      let extraLines = (5..<200).map { "old line \($0) of iteration \(iteration)" }
      let pause = UInt32.random(in: 0...40)
      let done = TestFlag()
      Thread {
        for line in extraLines {
          FollowerTesting.write(line + "\n", to: descriptor)
          usleep(pause)
        }
        _ = ftruncate(descriptor, 0)
        FollowerTesting.write(longLine + "\n", to: descriptor)
        done.set()
      }.start()
      let deadline = FollowerTesting.now() + 2
      while FollowerTesting.now() < deadline {
        let isDone = done.isSet
        outputs += FollowerTesting.poll(follower)
        if isDone && FollowerTesting.lines(in: outputs).contains(longLine) { break }
        usleep(100)
      }
      // Old lines read before the truncation are fine; lines written between the last read and
      // the truncation may be lost (inherent to copytruncate), but none may be torn.
      let allowed = Set(extraLines + [longLine])
      let received = FollowerTesting.lines(in: outputs)
      #expect(
        received.allSatisfy { allowed.contains($0) }, "torn: \(received.filter { !allowed.contains($0) })")
      #expect(Set(received).count == received.count, "a line was read twice")
      outputs = outputs.filter {
        if case .line(let line) = $0 { FollowerTesting.text(line) == longLine } else { true }
      }
    }
    #expect(FollowerTesting.lines(in: outputs) == [longLine])
    #expect(FollowerTesting.notices(in: outputs) == [.truncated])
  }

  @Test func shrunkFileIsReadAgainFromTheStart() {
    let directory = FollowerTesting.makeDirectory("shrunk")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("a fairly long first line\nsecond\n", to: path)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    #expect(
      FollowerTesting.history(in: FollowerTesting.poll(follower)) == ["a fairly long first line", "second"])
    _ = truncate(path, 0)
    FollowerTesting.append("short\n", to: path)
    #expect(FollowerTesting.poll(follower) == [.notice(.truncated), .line(RawLine("short"))])
  }

  // MARK: LOG-03 missing, recreated and unusual files

  @Test func missingDirectoryIsAwaitedAndFollowedThroughRemovals() {
    let directory = FollowerTesting.makeDirectory("missing")
    defer { FollowerTesting.remove(directory) }
    let logs = directory + "/logs"
    let path = logs + "/app.log"
    let follower = FileFollower(path: path, drainSeconds: 0.2)
    defer { follower.close() }
    var now = 0.0
    func poll() -> [FollowerOutput] {
      now += 0.1
      return FollowerTesting.poll(follower, now: now)
    }
    #expect(poll() == [.notice(.waiting)])
    for _ in 0..<5 { #expect(poll().isEmpty) }

    mkdir(logs, 0o755)
    FollowerTesting.append("one\n", to: path)
    // Picked up at the next poll (100 ms later in the dashboard), from the file's start.
    #expect(poll() == [.notice(.appeared), .line(RawLine("one"))])

    unlink(path)
    #expect(poll() == [.notice(.deleted)])
    #expect(poll().isEmpty)
    FollowerTesting.append("two\n", to: path)
    #expect(poll() == [.notice(.appeared), .line(RawLine("two"))])

    FollowerTesting.remove(logs)
    #expect(poll() == [.notice(.deleted)])
    for _ in 0..<5 { #expect(poll().isEmpty) }
    mkdir(logs, 0o755)
    FollowerTesting.append("three\n", to: path)
    #expect(poll() == [.notice(.appeared), .line(RawLine("three"))])
    FollowerTesting.append("four\n", to: path)
    #expect(poll() == [.line(RawLine("four"))])
  }

  @Test func waitingCostsOneCheckPerPoll() {
    let directory = FollowerTesting.makeDirectory("waiting-cpu")
    defer { FollowerTesting.remove(directory) }
    let follower = FileFollower(path: directory + "/absent/app.log")
    defer { follower.close() }
    var output: [FollowerOutput] = []
    let cpuBefore = FollowerTesting.threadCPUSeconds()
    for index in 0..<50 {
      follower.poll(now: Double(index) * 0.1, byteBudget: 1 << 20, into: &output)
    }
    let cpuSeconds = FollowerTesting.threadCPUSeconds() - cpuBefore
    #expect(output == [.notice(.waiting)])
    // 50 polls are 5 s of waiting in the dashboard; 2 % of a core would be 100 ms.
    #expect(cpuSeconds < 0.02, "50 polls of a missing file took \(cpuSeconds) s of CPU")
  }

  @Test func fifoIsRefusedWithoutBlocking() {
    let directory = FollowerTesting.makeDirectory("fifo")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    #expect(mkfifo(path, 0o644) == 0)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    let started = FollowerTesting.now()
    #expect(FollowerTesting.poll(follower, now: 0) == [.notice(.refused("not a regular file (fifo)"))])
    #expect(FollowerTesting.now() - started < 0.2)
    // Reported once, checked again at most once a second.
    #expect(FollowerTesting.poll(follower, now: 0.5).isEmpty)
    #expect(FollowerTesting.poll(follower, now: 1.5).isEmpty)
    #expect(FollowerTesting.now() - started < 0.2)
    // Replaced by a regular file: followed from its start.
    unlink(path)
    FollowerTesting.append("regular now\n", to: path)
    #expect(FollowerTesting.poll(follower, now: 3) == [.notice(.appeared), .line(RawLine("regular now"))])
  }

  @Test(arguments: [
    ("/dev/zero", "not a regular file (character device)"),
    ("/", "not a regular file (directory)"),
  ])
  func devicesAndDirectoriesAreRefused(path: String, reason: String) {
    let follower = FileFollower(path: path)
    defer { follower.close() }
    let started = FollowerTesting.now()
    #expect(FollowerTesting.poll(follower, now: 0) == [.notice(.refused(reason))])
    #expect(FollowerTesting.now() - started < 0.2)
  }

  @Test func hugeSparseFileStartsAtItsEnd() {
    let directory = FollowerTesting.makeDirectory("sparse")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/huge.log"
    let descriptor = FollowerTesting.openForAppending(path)
    defer { _ = Glibc.close(descriptor) }
    #expect(ftruncate(descriptor, 10 << 30) == 0)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    let started = FollowerTesting.now()
    #expect(FollowerTesting.poll(follower).isEmpty)
    #expect(FollowerTesting.now() - started < 1)
    FollowerTesting.write("appended\n", to: descriptor)
    #expect(FollowerTesting.poll(follower) == [.line(RawLine("appended"))])
  }

  @Test func existingFileShowsItsLastLinesAsHistory() {
    let directory = FollowerTesting.makeDirectory("history")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    // About 1.3 MB: far more than the 64 KiB looked at.
    FollowerTesting.append((0..<100_000).map { "line \($0)\n" }.joined(), to: path)
    let follower = FileFollower(path: path, historyLines: 10)
    defer { follower.close() }
    let first = FollowerTesting.poll(follower)
    #expect(first == (99_990..<100_000).map { .history(RawLine("line \($0)")) })
    FollowerTesting.append("new line\n", to: path)
    #expect(FollowerTesting.poll(follower) == [.line(RawLine("new line"))])
  }

  @Test func pathsOutsideTheRootsAreRefused() throws {
    let directory = FollowerTesting.makeDirectory("roots")
    defer { FollowerTesting.remove(directory) }
    let root = directory + "/logs"
    mkdir(root, 0o755)
    mkdir(root + "/sub", 0o755)
    FollowerTesting.append("inside\n", to: root + "/app.log")
    symlink("/etc/passwd", root + "/link.log")
    let depth = root.split(separator: "/").count
    let escaping = root + String(repeating: "/..", count: depth) + "/etc/passwd"
    #expect(FileManager.default.fileExists(atPath: escaping))

    for path in [escaping, root + "/link.log", "/etc/passwd", root + "/../other/app.log"] {
      let follower = FileFollower(path: path, roots: [root])
      defer { follower.close() }
      #expect(FollowerTesting.poll(follower) == [.notice(.refused("outside the log roots"))], "\(path)")
    }
    let inside = FileFollower(path: root + "/sub/../app.log", roots: [root + "/"])
    defer { inside.close() }
    #expect(FollowerTesting.poll(inside) == [.history(RawLine("inside"))])
    let notYet = FileFollower(path: root + "/later.log", roots: [root])
    defer { notYet.close() }
    #expect(FollowerTesting.poll(notYet) == [.notice(.waiting)])
  }

  @Test func pathThatCannotBeResolvedIsReportedOnceAndRetriedEachSecond() {
    let directory = FollowerTesting.makeDirectory("symlink-loop")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    // A symlink to itself: stat fails with ELOOP, even for root.
    #expect(symlink(path, path) == 0)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    let reason = String(cString: strerror(ELOOP))
    #expect(FollowerTesting.poll(follower, now: 0) == [.notice(.unreadable(reason))])
    #expect(FollowerTesting.poll(follower, now: 0.5).isEmpty)
    #expect(FollowerTesting.poll(follower, now: 1.1).isEmpty)
    unlink(path)
    FollowerTesting.append("fixed\n", to: path)
    #expect(FollowerTesting.poll(follower, now: 1.5).isEmpty)
    // The same path, there from the start: it begins near its end.
    #expect(FollowerTesting.poll(follower, now: 2.2) == [.notice(.appeared), .history(RawLine("fixed"))])
  }

  @Test(.enabled(if: getuid() != 0, "root reads any file"))
  func unreadableFileIsReportedOnceAndRetried() {
    let directory = FollowerTesting.makeDirectory("unreadable")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("secret\n", to: path)
    chmod(path, 0)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    #expect(
      FollowerTesting.poll(follower, now: 0) == [.notice(.unreadable(String(cString: strerror(EACCES))))])
    #expect(FollowerTesting.poll(follower, now: 0.5).isEmpty)
    chmod(path, 0o644)
    #expect(FollowerTesting.poll(follower, now: 0.7).isEmpty)
    #expect(FollowerTesting.poll(follower, now: 1.1) == [.notice(.appeared), .history(RawLine("secret"))])
  }

  // MARK: LOG-04 partial and very long lines

  @Test func partialLineIsDeliveredOnceWhenCompleted() async throws {
    let directory = FollowerTesting.makeDirectory("partial")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("", to: path)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    var outputs = FollowerTesting.poll(follower)
    FollowerTesting.append("ERROR foo", to: path)
    for _ in 0..<6 {
      outputs += FollowerTesting.poll(follower)
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(outputs.isEmpty)
    FollowerTesting.append(" failed to connect\n", to: path)
    outputs += FollowerTesting.poll(follower)
    outputs += FollowerTesting.poll(follower)
    #expect(outputs == [.line(RawLine("ERROR foo failed to connect"))])
  }

  @Test func lineBeingWrittenAtStartIsReadWholeLater() {
    let directory = FollowerTesting.makeDirectory("partial-at-start")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("done\nERROR fo", to: path)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    #expect(FollowerTesting.poll(follower) == [.history(RawLine("done"))])
    FollowerTesting.append("o\n", to: path)
    #expect(FollowerTesting.poll(follower) == [.line(RawLine("ERROR foo"))])
  }

  @Test func tenMebibyteLineIsCutToTheCap() {
    let directory = FollowerTesting.makeDirectory("long-line")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("", to: path)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    _ = FollowerTesting.poll(follower)
    let length = 10 * 1024 * 1024
    let descriptor = FollowerTesting.openForAppending(path)
    FollowerTesting.write(
      [UInt8](repeating: UInt8(ascii: "L"), count: length) + Array("\nnext\n".utf8), to: descriptor)
    _ = Glibc.close(descriptor)
    var outputs: [FollowerOutput] = []
    for _ in 0..<20 where outputs.count < 2 {
      outputs += FollowerTesting.poll(follower, budget: 1 << 20)
    }
    #expect(outputs.count == 2)
    guard case .line(let long) = outputs.first else {
      Issue.record("expected the long line first, got \(outputs.first.map { "\($0)" } ?? "nothing")")
      return
    }
    #expect(long.bytes.count == LineLimits.keptBytes)
    #expect(long.droppedBytes == length - LineLimits.keptBytes)
    #expect(outputs.last == .line(RawLine("next")))
  }

  @Test func thousandLinesOf64KiBAreThousandLines() {
    let directory = FollowerTesting.makeDirectory("wide-lines")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("", to: path)
    let follower = FileFollower(path: path)
    defer { follower.close() }
    _ = FollowerTesting.poll(follower)
    let lineLength = 64 * 1024
    let line = [UInt8](repeating: UInt8(ascii: "w"), count: lineLength) + [UInt8(ascii: "\n")]
    let descriptor = FollowerTesting.openForAppending(path)
    for _ in 0..<1000 { FollowerTesting.write(line, to: descriptor) }
    _ = Glibc.close(descriptor)
    var count = 0
    var allCut = true
    var other: [FollowerOutput] = []
    var output: [FollowerOutput] = []
    for _ in 0..<40 where count < 1000 {
      output.removeAll(keepingCapacity: true)
      follower.poll(now: FollowerTesting.now(), byteBudget: 4 << 20, into: &output)
      for item in output {
        guard case .line(let raw) = item else {
          other.append(item)
          continue
        }
        count += 1
        allCut =
          allCut && raw.bytes.count == LineLimits.keptBytes
          && raw.droppedBytes == lineLength - LineLimits.keptBytes
      }
    }
    #expect(count == 1000)
    #expect(allCut)
    #expect(other.isEmpty)
  }

  @Test func closeClosesEveryDescriptor() {
    let directory = FollowerTesting.makeDirectory("close")
    defer { FollowerTesting.remove(directory) }
    let path = directory + "/app.log"
    FollowerTesting.append("x\n", to: path)
    let follower = FileFollower(path: path)
    _ = FollowerTesting.poll(follower, now: 0)
    rename(path, path + ".1")
    FollowerTesting.append("y\n", to: path)
    _ = FollowerTesting.poll(follower, now: 0.1)
    let open = openDescriptors(naming: directory)
    #expect(open == 2)
    follower.close()
    follower.close()
    #expect(openDescriptors(naming: directory) == 0)
    #expect(FollowerTesting.poll(follower, now: 0.2).isEmpty)
  }

  /// Descriptors of this process open on files under `directory`.
  private func openDescriptors(naming directory: String) -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.filter { entry in
      let target =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) ?? ""
      return target.hasPrefix(directory)
    }.count
  }
}
