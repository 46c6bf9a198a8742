import Foundation
import Metrics
import RunFixtures
import Testing

@testable import RunStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A run whose disk filled up: the space reserve, what `finish` writes, and how the loader,
/// `compare` and `runs` word it.
@Suite(.timeLimit(.minutes(5))) struct JournalStopTests {
  static let stop = RunEvent(elapsed: 31.2, time: startedAt, kind: .journalStopped, label: "disk full")

  @Test func theReserveIsHeldUntilTheRunCloses() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    let reserve = "\(journal.directory)/\(RunJournal.reserveFile).tmp.\(getpid())"
    var st = stat()
    #expect(lstat(reserve, &st) == 0)
    #expect(st.st_mode & 0o777 == 0o600)
    #expect(st.st_size == SpaceReserve.bytes)
    // Allocated, not a sparse promise: a full disk cannot take it back.
    #expect(Int64(st.st_blocks) * 512 >= Int64(SpaceReserve.bytes))

    journal.append(sample(0))
    let closing = journal.finish(
      summary: summary(runDir: journal.directory), latency: LatencyDistribution(RunTotals().histogram),
      stop: nil)
    #expect(closing == RunJournal.Closing())
    #expect(
      files(in: journal.directory) == [
        "events.jsonl", "latency.json", "log_samples.jsonl", "meta.json", "series.jsonl", "summary.json",
      ])
  }

  @Test func finishAfterAStopWritesTheEventAndTheSummarySaysSo() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    journal.append(sample(0))
    journal.append(RunEvent(elapsed: 0, time: startedAt, kind: .start))
    var final = summary(runDir: journal.directory)
    final.journalStopped = JournalStop(Self.stop)
    let closing = journal.finish(
      summary: final, latency: LatencyDistribution(RunTotals().histogram), stop: Self.stop)
    #expect(closing == RunJournal.Closing())

    let run = try RunLoader.load(journal.directory)
    #expect(run.discardedLines == 0)
    #expect(run.events.map(\.kind) == [.start, .journalStopped])
    #expect(run.summary?.journalStopped == JournalStop(elapsedS: 31.2, reason: "disk full"))
    #expect(run.journalStop == JournalStop(elapsedS: 31.2, reason: "disk full"))
    #expect(files(in: journal.directory).contains("latency.json"))
    let text = try #require(read("\(journal.directory)/summary.json"))
    #expect(text.contains(#""journal_stopped" : {"#))
    #expect(text.contains(#""elapsed_s" : 31.2"#))
  }

  @Test func aSummaryFromMemoryCarriesTheStop() {
    let store = MetricsStore()
    store.record(RunEvent(elapsed: 0, kind: .start))
    store.record(Self.stop)
    let built = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: startedAt,
      endedAt: startedAt, duration: 60, inflightAtStop: 0, runDir: "d")
    #expect(built.journalStopped == JournalStop(elapsedS: 31.2, reason: "disk full"))
  }

  @Test func summariesWrittenBeforeTheFieldStillLoad() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    try journal.writeSummary(summary(runDir: journal.directory))
    let text = try #require(read("\(journal.directory)/summary.json"))
    #expect(!text.contains("journal_stopped"))
    let run = try RunLoader.load(journal.directory)
    #expect(run.summary != nil)
    #expect(run.journalStop == nil)
  }

  @Test func aRunWithoutSummaryIsNotCalledKilledWhenItsJournalSaysItStopped() throws {
    let tmp = try TempDir()
    let stopped = try RunJournal(root: tmp.root, meta: meta(name: "stopped"))
    stopped.append(sample(0))
    stopped.append(Self.stop)
    let run = try RunLoader.load(stopped.directory)
    #expect(run.outcome == .incomplete)
    #expect(run.noSummaryText == "ended without a summary after journalling stopped at 0:31 (disk full)")

    let killed = try RunJournal(root: tmp.root, meta: meta(name: "killed"))
    killed.append(sample(0))
    #expect(try RunLoader.load(killed.directory).noSummaryText == "killed before its summary")
  }

  @Test func compareNotesSayWhatHappened() throws {
    let fixtures = try LoadedFixtures()
    defer { fixtures.remove() }
    let diskFull = try RunLoader.load(try CompareFixture.write(CompareFixture.diskFull, root: fixtures.root))
    let noSummary = try RunLoader.load(
      try CompareFixture.write(CompareFixture.diskFullNoSummary, root: fixtures.root))
    #expect(diskFull.samples.count == 30 && diskFull.summary?.durationS == 60)
    #expect(noSummary.samples.count == 30 && noSummary.summary == nil)

    let notes = try RunComparison([fixtures.oneBackend, diskFull, noSummary, fixtures.killed], axis: .time)
      .notes
    #expect(
      notes.contains(
        "B (disk-full): journalling stopped at 0:31 (disk full): seconds after it are missing from the "
          + "series; the summary covers the whole run"), "\(notes)")
    #expect(
      notes.contains(
        "C (disk-full-no-summary) is incomplete: ended without a summary after journalling stopped at 0:31 "
          + "(disk full); figures rebuilt from 30 seconds, percentiles approximate"), "\(notes)")
    #expect(
      notes.contains(
        "D (killed) is incomplete: killed before its summary; figures rebuilt from 40 seconds, percentiles "
          + "approximate"), "\(notes)")
    #expect(notes.filter { $0.contains("killed before") }.count == 1)
  }

  @Test func runsListTheStop() throws {
    let fixtures = try LoadedFixtures()
    defer { fixtures.remove() }
    try CompareFixture.write(CompareFixture.diskFull, root: fixtures.root)
    try CompareFixture.write(CompareFixture.diskFullNoSummary, root: fixtures.root)
    let rows = RunCatalog.list(root: fixtures.root, depth: .summaryOnly).map(RunTable.Row.init)
    let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0) })
    #expect(byName["disk-full"]?.statusText == "complete, journal stopped at 0:31")
    #expect(byName["disk-full-no-summary"]?.statusText == "incomplete, journal stopped at 0:31")
    #expect(byName["killed"]?.statusText == "incomplete")
    #expect(byName["one-backend"]?.journalStopped == nil)
    let json = String(decoding: try RampartJSON.encoder().encode(rows), as: UTF8.self)
    #expect(
      json.components(separatedBy: #""journal_stopped":{"elapsed_s":31,"reason":"disk full"}"#).count == 3)
    #expect(RunTable.text(rows).contains("complete, journal stopped at 0:31"))
  }

  @Test func reasonsAreShort() {
    #expect(StoreError.io(path: "x", errno: ENOSPC).reason == "disk full")
    #expect(StoreError.io(path: "x", errno: EDQUOT).reason == "disk full")
    #expect(StoreError.io(path: "x", errno: EIO).reason == String(cString: strerror(EIO)))
  }
}
