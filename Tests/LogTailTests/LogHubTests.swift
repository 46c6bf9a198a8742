import Foundation
import LogValues
import Synchronization
import TestKit
import Testing

@testable import LogTail

/// The hub end to end on real files and commands: lines become entries, tracebacks fold, error
/// classes are counted once, the display budget drops lines but never counts, stop flushes.
@Suite(.timeLimit(.minutes(5))) struct LogHubTests {
  final class Counts: Sendable {
    private let value = Mutex<[String: Int]>([:])
    func add(_ counts: [String: Int]) { value.withLock { for (k, v) in counts { $0[k, default: 0] += v } } }
    var total: [String: Int] { value.withLock { $0 } }
  }

  static func append(_ lines: [String], to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) {
      _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    try handle.close()
  }

  /// Waits until the hub has read `path` once: a line already in the file is shown as history
  /// then. Lines appended before that first read would be history too (never counted), so a test
  /// appends only after it; a fixed sleep was outlasted on a busy machine.
  static func untilFirstRead(_ hub: LogHub) async throws -> Bool {
    try await Poll.until(seconds: Self.patience) { !hub.logSnapshot().entries.isEmpty }
  }

  /// How long a wait for the hub's thread may take: it returns as soon as the thing waited for
  /// holds, and a busy machine can keep a thread off the CPU for seconds.
  static let patience = 30.0

  static let traceback = [
    "2026-11-27 09:00:00,001 ERROR    uvicorn.error: Exception in ASGI application",
    "Traceback (most recent call last):",
    "  File \"/usr/lib/python3.11/asyncio/selector_events.py\", line 1058, in write",
    "    n = self._sock.send(data)",
    "BrokenPipeError: [Errno 32] Broken pipe",
  ]

  func fastOptions() -> LogHub.Options {
    var options = LogHub.Options()
    options.pollInterval = 0.02
    return options
  }

  @Test func linesAndFoldedTracebacksWithExactCounts() async throws {
    let dir = try TemporaryDirectory("rampart-hub").url
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("app.log").path
    try Self.append(["old line before the run", "ERROR old error, context only"], to: path)
    let counts = Counts()
    let hub = LogHub(
      sources: [.file(path)], classifier: LogClassifier(), options: fastOptions(), clock: { 12.5 },
      onErrors: counts.add)
    hub.start()
    #expect(try await Poll.until(seconds: Self.patience) { hub.logSnapshot().entries.count >= 2 })
    for i in 0..<50 {
      try Self.append(["INFO access \(i) 200"] + Self.traceback, to: path)
    }
    #expect(try await Poll.until(seconds: Self.patience) { counts.total["BrokenPipeError"] == 50 })
    hub.stop()
    let snapshot = hub.logSnapshot()
    #expect(counts.total == ["BrokenPipeError": 50])
    #expect(snapshot.errorCounts == ["BrokenPipeError": 50])
    let history = snapshot.entries.filter { $0.kind == .history }
    #expect(history.map(\.event.headline) == ["old line before the run", "ERROR old error, context only"])
    #expect(history.allSatisfy { $0.event.errorClass == nil })
    let blocks = snapshot.entries.filter { $0.event.isBlock }
    #expect(blocks.count == 50)
    #expect(
      blocks.allSatisfy {
        $0.event.headline == "BrokenPipeError: [Errno 32] Broken pipe" && $0.elapsed == 12.5
      })
    // Ids only grow, so a scrolled view can anchor on them.
    #expect(zip(snapshot.entries, snapshot.entries.dropFirst()).allSatisfy { $0.id < $1.id })
  }

  @Test func theFirstErrorsOfEachClassAreKeptAsSamples() async throws {
    let dir = try TemporaryDirectory("rampart-hub").url
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("app.log").path
    try Self.append(["INFO started"], to: path)
    let samples = Mutex<[LogErrorSample]>([])
    let counts = Counts()
    let hub = LogHub(
      sources: [.file(path)], classifier: LogClassifier(), options: fastOptions(), clock: { 3 },
      onErrors: counts.add, onErrorSample: { sample in samples.withLock { $0.append(sample) } })
    hub.start()
    // Lines already in the file are history; the errors come once following has begun.
    #expect(try await Poll.until(seconds: Self.patience) { hub.logSnapshot().entries.count >= 1 })
    for i in 0..<10 {
      try Self.append(
        Self.traceback + ["2026/11/27 09:00:0\(i) [error] 7#7: *\(i) upstream timed out"], to: path)
    }
    #expect(
      try await Poll.until(seconds: Self.patience) {
        counts.total["BrokenPipeError"] == 10 && counts.total["upstream_timed_out"] == 10
      },
      "\(counts.total)")
    hub.stop()
    let kept = samples.withLock { $0 }
    #expect(kept.filter { $0.errorClass == "BrokenPipeError" }.count == 3)
    #expect(kept.filter { $0.errorClass == "upstream_timed_out" }.count == 3)
    let first = try #require(kept.first { $0.errorClass == "BrokenPipeError" })
    #expect(first.text == Self.traceback.joined(separator: "\n"))
    #expect(first.source == "app.log" && first.elapsed == 3)
  }

  @Test func pastTheDisplayBudgetLinesAreDroppedButErrorsKeptAndCounted() async throws {
    let dir = try TemporaryDirectory("rampart-hub").url
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("busy.log").path
    try Self.append(["INFO history"], to: path)
    var options = fastOptions()
    options.displayBudgetPerPoll = 10
    options.capacity = 100
    let counts = Counts()
    let hub = LogHub(
      sources: [.file(path)], classifier: LogClassifier(), options: options, clock: { 0 },
      onErrors: counts.add)
    hub.start()
    #expect(try await Self.untilFirstRead(hub))
    var lines: [String] = []
    for i in 0..<5000 { lines.append(i % 100 == 99 ? "ERROR failure \(i)" : "INFO fine \(i)") }
    try Self.append(lines, to: path)
    #expect(try await Poll.until(seconds: Self.patience) { counts.total["error"] == 50 })
    hub.stop()
    let snapshot = hub.logSnapshot()
    #expect(snapshot.entries.count <= 100)
    #expect(snapshot.droppedForDisplay > 0)
    #expect(snapshot.sources[0].linesRead == 5000)
    #expect(snapshot.entries.filter { $0.event.errorClass == "error" }.count == 50)
  }

  @Test func commandsAndNoticesAndUniqueNames() async throws {
    let counts = Counts()
    let hub = LogHub(
      sources: [.command("echo 'FATAL disk full'; exit 4"), .command("echo 'FATAL disk full'; exit 4")],
      classifier: LogClassifier(), options: fastOptions(), clock: { 1 }, onErrors: counts.add)
    hub.start()
    #expect(
      try await Poll.until(seconds: Self.patience) {
        hub.logSnapshot().entries.contains { $0.event.headline.contains("exit status 4") }
      })
    hub.stop()
    let snapshot = hub.logSnapshot()
    #expect(snapshot.sources[1].name == snapshot.sources[0].name + "#2")
    #expect((counts.total["fatal"] ?? 0) >= 2)
    #expect(snapshot.entries.contains { $0.kind == .notice && $0.event.headline.hasPrefix("exited") })
  }

  @Test func stopFlushesABlockThatNeverEnded() async throws {
    let dir = try TemporaryDirectory("rampart-hub").url
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("cut.log").path
    try Self.append(["INFO history"], to: path)
    let counts = Counts()
    let hub = LogHub(
      sources: [.file(path)], classifier: LogClassifier(), options: fastOptions(), clock: { 0 },
      onErrors: counts.add)
    hub.start()
    #expect(try await Self.untilFirstRead(hub))
    try Self.append(Array(Self.traceback.dropLast()), to: path)
    try await Task.sleep(for: .milliseconds(100))
    hub.stop()
    #expect(counts.total.values.reduce(0, +) == 1)
  }

  @Test func keptTextIsBoundedInBytesToo() async throws {
    let dir = try TemporaryDirectory("rampart-hub").url
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("long.log").path
    try Self.append(["INFO history"], to: path)
    var options = fastOptions()
    options.byteCapacity = 256 << 10
    let hub = LogHub(sources: [.file(path)], classifier: LogClassifier(), options: options, clock: { 0 })
    hub.start()
    #expect(try await Self.untilFirstRead(hub))
    // 400 lines of 8 KiB: 3.2 MiB of text for a 256 KiB budget.
    let long = String(repeating: "x", count: 8 << 10)
    try Self.append((0..<400).map { "INFO \($0) \(long)" }, to: path)
    #expect(try await Poll.until(seconds: Self.patience) { hub.logSnapshot().sources[0].linesRead == 400 })
    hub.stop()
    let entries = hub.logSnapshot().entries
    let bytes = entries.reduce(0) { $0 + $1.event.textBytes }
    #expect(bytes <= 256 << 10)
    #expect(entries.count >= 20)
    #expect(entries.last?.event.headline.hasPrefix("INFO 399 ") == true)
  }
}
