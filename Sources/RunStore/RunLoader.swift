import Foundation
import Metrics

/// A run directory read back: complete, aborted by the user, or incomplete (no summary: killed,
/// or ended after its disk filled up).
public struct LoadedRun: Sendable {
  public var directory: String
  public var meta: RunMeta
  public var samples: [SecondSample]
  public var events: [RunEvent]
  public var summary: RunSummary?
  /// Sample lines of the target's log errors, a few per class (empty without log sources).
  public var logSamples: [LogSample] = []
  /// Lines that could not be parsed (a trailing partial line of a killed run, typically).
  public var discardedLines: Int

  public var outcome: RunOutcome { summary?.outcome ?? .incomplete }

  /// When and why journalling stopped mid-run: from the summary, or for a run that ended without
  /// one, from the event its journal wrote at the end; nil when it never stopped (or the process
  /// was killed before it could say so).
  public var journalStop: JournalStop? { summary?.journalStopped ?? JournalStop.first(in: events) }

  public init(
    directory: String, meta: RunMeta, samples: [SecondSample], events: [RunEvent], summary: RunSummary?,
    logSamples: [LogSample] = [], discardedLines: Int = 0
  ) {
    self.directory = directory
    self.meta = meta
    self.samples = samples
    self.events = events
    self.summary = summary
    self.logSamples = logSamples
    self.discardedLines = discardedLines
  }
}

public enum RunLoader {
  /// What to read of a run: everything, or for a listing only what its summary already says
  /// (a run without a summary is read whole, since its figures come from its rows).
  public enum Depth: Sendable { case whole, summaryOnly }

  public static func load(_ directory: String, depth: Depth = .whole) throws(StoreError) -> LoadedRun {
    let metaPath = "\(directory)/\(RunJournal.metaFile)"
    guard let metaData = FileManager.default.contents(atPath: metaPath) else {
      throw StoreError.notARun(directory)
    }
    let decoder = RampartJSON.decoder()
    let meta: RunMeta
    do {
      meta = try decoder.decode(RunMeta.self, from: metaData)
    } catch {
      throw StoreError.corrupt(path: metaPath, reason: "meta.json does not parse")
    }
    var summary: RunSummary?
    if let data = FileManager.default.contents(atPath: "\(directory)/\(RunJournal.summaryFile)") {
      summary = try? decoder.decode(RunSummary.self, from: data)
    }
    if depth == .summaryOnly, summary != nil {
      return LoadedRun(directory: directory, meta: meta, samples: [], events: [], summary: summary)
    }
    var discarded = 0
    let samples: [SecondSample] = readLines("\(directory)/\(RunJournal.seriesFile)", discarded: &discarded)
    let events: [RunEvent] = readLines("\(directory)/\(RunJournal.eventsFile)", discarded: &discarded)
    // Samples are illustrations, not data: a torn one is dropped without counting against the
    // journal.
    var torn = 0
    let logSamples: [LogSample] = readLines("\(directory)/\(RunJournal.logSamplesFile)", discarded: &torn)
    return LoadedRun(
      directory: directory, meta: meta, samples: samples, events: events, summary: summary,
      logSamples: logSamples, discardedLines: discarded)
  }

  /// Decodes one JSON object per line, skipping (and counting) lines that do not parse.
  static func readLines<T: Decodable>(_ path: String, discarded: inout Int) -> [T] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let decoder = RampartJSON.decoder()
    var out: [T] = []
    for line in data.split(separator: 10, omittingEmptySubsequences: true) {
      if let value = try? decoder.decode(T.self, from: Data(line)) {
        out.append(value)
      } else {
        discarded += 1
      }
    }
    return out
  }

  /// Every run directory under `root`, oldest first.
  public static func runDirectories(root: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return names.sorted().map { "\(root)/\($0)" }.filter {
      FileManager.default.fileExists(atPath: "\($0)/\(RunJournal.metaFile)")
    }
  }
}
