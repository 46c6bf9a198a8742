import Foundation
import Metrics
import TestKit
import Testing

@testable import RunStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fresh directory under the system temp dir, removed when the test ends.
final class TempDir {
  let path: String

  init() throws {
    path = try TemporaryDirectory("rampart-runstore").path
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  var root: String { "\(path)/runs" }
}

/// Permission bits and file type of `path`, without following a symlink there.
func fileMode(_ path: String) -> (permissions: mode_t, isDirectory: Bool, isSymlink: Bool)? {
  var st = stat()
  guard lstat(path, &st) == 0 else { return nil }
  return (st.st_mode & 0o777, st.st_mode & S_IFMT == S_IFDIR, st.st_mode & S_IFMT == S_IFLNK)
}

func read(_ path: String) -> String? {
  FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

func write(_ text: String, to path: String) {
  _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

// 2027-01-15T08:30:05.250Z: whole milliseconds survive the ISO 8601 round trip exactly.
let startedAt = Date(timeIntervalSince1970: 1_800_001_805.25)

func meta(name: String = "api.example.com-8080", startedAt: Date = startedAt) -> RunMeta {
  RunMeta(
    name: name, target: "http://api.example.com:8080/health", method: "GET",
    plan: "ramp 10 -> 100 step 10/5s", vusersPeak: 100, duration: 60,
    command: ["rampart", "run", "--vusers", "100", "http://api.example.com:8080/health"],
    startedAt: startedAt, host: "builder", rampartVersion: "0.1.0",
    options: ["think": "0", "header": "Authorization: <redacted>"])
}

func sample(_ t: Int, ok: Int = 10, duration: Double = 1) -> SecondSample {
  var recorder = Recorder(second: t)
  for i in 0..<ok {
    recorder.record(.response(status: 200), latencyMicros: UInt64(1_000 + i * 250), second: t)
  }
  recorder.record(.failure(.readReset), latencyMicros: nil, second: t)
  let gauges = EngineGauges(vusers: t + 1, targetVusers: 10, connections: t + 1, paused: false)
  return SecondSample(bucket: recorder.drain(through: t)[0], gauges: gauges, duration: duration)
}

func summary(outcome: RunOutcome = .complete, runDir: String) -> RunSummary {
  let store = MetricsStore()
  var recorder = Recorder()
  for i in 0..<20 {
    recorder.record(.response(status: i < 18 ? 200 : 503), latencyMicros: UInt64(i * 100 + 50), second: 0)
  }
  store.ingest(
    recorder.drain(through: 0)[0],
    gauges: EngineGauges(vusers: 3, targetVusers: 3, connections: 3, paused: false), duration: 1)
  return RunSummary(
    snapshot: store.snapshot(), outcome: outcome, target: "http://api.example.com:8080/health",
    startedAt: startedAt, endedAt: startedAt.addingTimeInterval(1), duration: 1, inflightAtStop: 2,
    runDir: runDir)
}

func files(in directory: String) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

@Suite(.timeLimit(.minutes(5))) struct RunJournalTests {
  @Test func createsAPrivateDirectoryWithPrivateFiles() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    try journal.writeSummary(summary(runDir: journal.directory))

    let rootMode = try #require(fileMode(tmp.root))
    #expect(rootMode.isDirectory)
    #expect(rootMode.permissions == 0o700)
    let dirMode = try #require(fileMode(journal.directory))
    #expect(dirMode.isDirectory)
    #expect(dirMode.permissions == 0o700)
    #expect(
      files(in: journal.directory) == [
        "events.jsonl", "log_samples.jsonl", "meta.json", "series.jsonl", "summary.json",
      ])
    for name in files(in: journal.directory) {
      let mode = try #require(fileMode("\(journal.directory)/\(name)"))
      #expect(!mode.isDirectory && !mode.isSymlink, "\(name)")
      #expect(mode.permissions == 0o600, "\(name) has mode \(String(mode.permissions, radix: 8))")
    }
  }

  @Test func directoryIsNamedByUTCStartTimeAndSanitizedName() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta(name: "api.example.com:8080"))
    #expect(journal.directory == "\(tmp.root)/20270115T083005Z-api.example.com-8080")
  }

  @Test func runRoundTripsThroughTheLoader() throws {
    let tmp = try TempDir()
    let m = meta()
    let journal = try RunJournal(root: tmp.root, meta: m)
    let samples = [sample(0), sample(1), sample(2, ok: 3, duration: 0.4)]
    let events = [
      RunEvent(elapsed: 0, time: startedAt, kind: .start, label: "ramp 10 -> 100 step 10/5s"),
      RunEvent(
        elapsed: 1.5, time: startedAt.addingTimeInterval(1.5), kind: .tag, label: "knee? \"quoted\"\n"),
      RunEvent(elapsed: 2, time: startedAt.addingTimeInterval(2), kind: .setVusers, value: 50),
    ]
    for s in samples { journal.append(s) }
    for e in events { journal.append(e) }
    #expect(journal.failure == nil)

    // One JSON object per line, each line ended.
    let series = try #require(read("\(journal.directory)/series.jsonl"))
    #expect(series.hasSuffix("\n"))
    #expect(series.split(separator: "\n").count == 3)

    let run = try RunLoader.load(journal.directory)
    #expect(run.directory == journal.directory)
    #expect(run.meta == m)
    #expect(run.samples == samples)
    #expect(run.events == events)
    #expect(run.discardedLines == 0)
    // Killed before the summary: still loadable, marked incomplete.
    #expect(run.summary == nil)
    #expect(run.outcome == .incomplete)

    let s = summary(outcome: .abortedByUser, runDir: journal.directory)
    try journal.writeSummary(s)
    let finished = try RunLoader.load(journal.directory)
    #expect(finished.summary == s)
    #expect(finished.outcome == .abortedByUser)
    #expect(finished.samples == samples)
  }

  @Test func trailingPartialLineIsDiscardedAndCounted() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    journal.append(sample(0))
    journal.append(sample(1))
    journal.append(RunEvent(elapsed: 0.2, time: startedAt, kind: .pause))
    // A process killed in the middle of a write leaves half a line behind.
    let handle = try #require(FileHandle(forWritingAtPath: "\(journal.directory)/series.jsonl"))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"t":2,"duration_s":1,"vusers":3,"ok":"#.utf8))
    handle.closeFile()

    let run = try RunLoader.load(journal.directory)
    #expect(run.discardedLines == 1)
    #expect(run.samples.map(\.t) == [0, 1])
    #expect(run.events.map(\.kind) == [.pause])
    #expect(run.outcome == .incomplete)
  }

  @Test func summaryIsReplacedAtomically() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    let path = "\(journal.directory)/summary.json"
    try journal.writeSummary(summary(outcome: .abortedByUser, runDir: journal.directory))
    let first = try #require(read(path))
    #expect(first.contains("\"aborted_by_user\""))

    try journal.writeSummary(summary(outcome: .complete, runDir: journal.directory))
    let second = try #require(read(path))
    #expect(second.contains("\"complete\""))
    #expect(!second.contains("aborted_by_user"))
    #expect(try RunLoader.load(journal.directory).outcome == .complete)
    #expect(!files(in: journal.directory).contains { $0.contains(".tmp") })
    #expect(fileMode(path)?.permissions == 0o600)
  }

  @Test func summaryReplacesASymlinkInsteadOfWritingThroughIt() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    let outside = "\(tmp.path)/outside.txt"
    write("precious", to: outside)
    let path = "\(journal.directory)/summary.json"
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)

    try journal.writeSummary(summary(runDir: journal.directory))
    #expect(read(outside) == "precious")
    let mode = try #require(fileMode(path))
    #expect(!mode.isSymlink)
    #expect(try RunLoader.load(journal.directory).outcome == .complete)
  }

  @Test(arguments: [RunJournal.summaryFile, RunJournal.latencyFile, RunJournal.reserveFile])
  func staleTempFilesAreRemovedByTheNextJournal(file: String) throws {
    let tmp = try TempDir()
    let old = try RunJournal(root: tmp.root, meta: meta(name: "old"))
    // PIDs above the kernel's pid_max (4194304) belong to no process: their writers are gone.
    let staleHere = "\(old.directory)/\(file).tmp.99999999"
    let liveWriter = "\(old.directory)/\(file).tmp.\(getpid())"
    write("{being written", to: liveWriter)
    write("{half", to: staleHere)
    let otherRun = "\(tmp.root)/20200101T000000Z-other"
    try FileManager.default.createDirectory(atPath: otherRun, withIntermediateDirectories: false)
    write("{", to: "\(otherRun)/\(file).tmp.99999998")
    write("keep", to: "\(otherRun)/notes.txt")
    write("keep", to: "\(otherRun)/\(file)")

    _ = try RunJournal(root: tmp.root, meta: meta(name: "new"))
    #expect(!FileManager.default.fileExists(atPath: staleHere))
    // The old run's own space reserve is a live writer's file too.
    #expect(
      Set(files(in: old.directory)) == [
        "events.jsonl", "log_samples.jsonl", "meta.json", "series.jsonl", "\(file).tmp.\(getpid())",
        "\(RunJournal.reserveFile).tmp.\(getpid())",
      ])
    #expect(Set(files(in: otherRun)) == ["notes.txt", file])
  }

  @Test func runNamesCannotEscapeTheRoot() throws {
    let tmp = try TempDir()
    for name in ["../../etc", "..", "/etc/passwd", "a/../../b", "..\\..\\x", "~root", "\0evil\n"] {
      let journal = try RunJournal(root: tmp.root, meta: meta(name: name))
      let dir = URL(fileURLWithPath: journal.directory)
      #expect(dir.deletingLastPathComponent().path == tmp.root, "\(name)")
      #expect(!dir.lastPathComponent.contains("/"))
      #expect(!dir.lastPathComponent.hasPrefix("."))
      #expect(fileMode(journal.directory)?.isDirectory == true)
    }
    // Nothing appeared beside the root.
    #expect(files(in: tmp.path) == ["runs"])
  }

  @Test(arguments: [
    ("../../etc", "etc"), ("..", "run"), ("", "run"), ("...---", "run"), ("my run/1", "my-run-1"),
    ("localhost:8080", "localhost-8080"), ("héllo", "h-llo"), ("a_b-c.d", "a_b-c.d"),
    ("-.x.-", "x"),
  ])
  func sanitize(name: String, expected: String) {
    #expect(RunJournal.sanitize(name) == expected)
  }

  @Test func sanitizedNamesAreBounded() {
    let long = RunJournal.sanitize(String(repeating: "x", count: 500))
    #expect(long.count == 80)
  }

  @Test func twoJournalsInTheSameSecondGetDistinctDirectories() throws {
    let tmp = try TempDir()
    let a = try RunJournal(root: tmp.root, meta: meta(name: "same"))
    let b = try RunJournal(root: tmp.root, meta: meta(name: "same"))
    let c = try RunJournal(root: tmp.root, meta: meta(name: "same"))
    #expect(Set([a.directory, b.directory, c.directory]).count == 3)
    #expect(b.directory == a.directory + "-2")
    #expect(c.directory == a.directory + "-3")
    a.append(sample(0))
    b.append(sample(5))
    #expect(try RunLoader.load(a.directory).samples.map(\.t) == [0])
    #expect(try RunLoader.load(b.directory).samples.map(\.t) == [5])
    #expect(try RunLoader.load(c.directory).samples.isEmpty)
  }

  @Test func rootThatIsAFileIsRefused() throws {
    let tmp = try TempDir()
    write("not a dir", to: tmp.root)
    #expect(throws: StoreError.io(path: tmp.root, errno: ENOTDIR)) {
      try RunJournal(root: tmp.root, meta: meta())
    }
  }
}

@Suite(.timeLimit(.minutes(5))) struct SecureFileTests {
  @Test func refusesASymlinkEvenADanglingOne() throws {
    let tmp = try TempDir()
    let target = "\(tmp.path)/target"
    let link = "\(tmp.path)/link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    #expect(throws: StoreError.self) { try SecureFile(creating: link) }
    #expect(!FileManager.default.fileExists(atPath: target))

    write("precious", to: target)
    #expect(throws: StoreError.self) { try SecureFile(creating: link) }
    #expect(read(target) == "precious")
  }

  @Test func refusesAnExistingFile() throws {
    let tmp = try TempDir()
    let path = "\(tmp.path)/f"
    write("old", to: path)
    #expect(throws: StoreError.io(path: path, errno: EEXIST)) { try SecureFile(creating: path) }
    #expect(read(path) == "old")
  }

  @Test func writesAppendWithMode0600() throws {
    let tmp = try TempDir()
    let path = "\(tmp.path)/f"
    let file = try SecureFile(creating: path)
    try file.write(Array("one\n".utf8))
    try file.write(Array("two\n".utf8))
    try file.write([])
    file.sync()
    #expect(read(path) == "one\ntwo\n")
    #expect(fileMode(path)?.permissions == 0o600)
  }

  @Test func writeAtomicallyLeavesNoTempFileAndReplaces() throws {
    let tmp = try TempDir()
    let path = "\(tmp.path)/summary.json"
    try SecureFile.writeAtomically(Array("first".utf8), to: path)
    try SecureFile.writeAtomically(Array("second".utf8), to: path)
    #expect(read(path) == "second")
    #expect(files(in: tmp.path) == ["summary.json"])
    #expect(fileMode(path)?.permissions == 0o600)
  }

  @Test func writeAtomicallyIntoAMissingDirectoryFails() throws {
    let tmp = try TempDir()
    #expect(throws: StoreError.self) {
      try SecureFile.writeAtomically([1], to: "\(tmp.path)/missing/summary.json")
    }
  }
}

@Suite(.timeLimit(.minutes(5))) struct RunLoaderTests {
  @Test func directoryWithoutMetaIsNotARun() throws {
    let tmp = try TempDir()
    #expect(throws: StoreError.notARun(tmp.path)) { try RunLoader.load(tmp.path) }
  }

  @Test func unreadableMetaIsCorrupt() throws {
    let tmp = try TempDir()
    write("{\"name\":", to: "\(tmp.path)/meta.json")
    #expect {
      try RunLoader.load(tmp.path)
    } throws: { error in
      guard case StoreError.corrupt(let path, _) = error else { return false }
      return path == "\(tmp.path)/meta.json"
    }
  }

  @Test func unreadableSummaryLoadsAsIncomplete() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    journal.append(sample(0))
    write("{\"outcome\": \"complete\"", to: "\(journal.directory)/summary.json")
    let run = try RunLoader.load(journal.directory)
    #expect(run.summary == nil)
    #expect(run.outcome == .incomplete)
    #expect(run.samples.count == 1)
  }

  @Test func corruptLinesInTheMiddleAreSkippedAndCounted() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    journal.append(sample(0))
    let handle = try #require(FileHandle(forWritingAtPath: "\(journal.directory)/series.jsonl"))
    handle.seekToEndOfFile()
    handle.write(Data("garbage\n\n".utf8))
    handle.closeFile()
    journal.append(sample(1))
    let run = try RunLoader.load(journal.directory)
    #expect(run.samples.map(\.t) == [0, 1])
    #expect(run.discardedLines == 1)
  }

  @Test func runDirectoriesListsRunsOldestFirst() throws {
    let tmp = try TempDir()
    let later = try RunJournal(
      root: tmp.root, meta: meta(name: "b", startedAt: startedAt.addingTimeInterval(3_600)))
    let earlier = try RunJournal(root: tmp.root, meta: meta(name: "a"))
    try FileManager.default.createDirectory(
      atPath: "\(tmp.root)/not-a-run", withIntermediateDirectories: false)
    #expect(RunLoader.runDirectories(root: tmp.root) == [earlier.directory, later.directory])
    #expect(RunLoader.runDirectories(root: "\(tmp.path)/missing").isEmpty)
  }
}

@Suite(.timeLimit(.minutes(5))) struct StoreErrorTests {
  @Test func diskFullIsRecognised() {
    #expect(StoreError.io(path: "x", errno: ENOSPC).isDiskFull)
    #expect(StoreError.io(path: "x", errno: EDQUOT).isDiskFull)
    #expect(!StoreError.io(path: "x", errno: EACCES).isDiskFull)
    #expect(!StoreError.notARun("x").isDiskFull)
  }

  @Test func descriptionsNameThePath() {
    #expect(StoreError.io(path: "/r/x", errno: ENOENT).description.hasPrefix("/r/x: "))
    #expect(StoreError.notARun("/r/y").description.contains("/r/y"))
    #expect(StoreError.corrupt(path: "/r/z", reason: "bad").description == "/r/z: bad")
  }
}
