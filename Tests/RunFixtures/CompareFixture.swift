import Foundation
import Metrics
import RunStore
import SeededRandom
import TestKit

/// Run directories with a known shape, written through the real journal, for the tests of
/// `runs`, `compare`, `report` and `export`. Each run is a closed-model target: backends x 4
/// workers with a 20 ms service time and 80 ms think time, so capacity is 200 req/s per backend
/// and the knee sits at 20 vusers per backend (N* = C x (S + Z)). Plans ramp by steps of 5 or
/// 10 vusers; noise is seeded, so every file is the same on every machine.
public enum CompareFixture {
  public struct Spec: Sendable {
    public var name: String
    public var backends: Int
    /// Vusers at second t.
    public var vusers: @Sendable (Int) -> Int
    public var plan: String
    public var seconds: Int
    /// nil = the run completed; else how it ended.
    public var outcome: RunOutcome = .complete
    public var tags: [(Int, String)] = []
    public var logs = false
    public var startMinute = 0
    /// The second whose row the journal lost when the disk filled up: rows before it are on disk,
    /// the run goes on in memory; nil = the journal never stopped.
    public var journalStopsAt: Int? = nil
    /// Whether the target is watched: `uvicorn` (every backend's workers, CPU bound at one core
    /// per backend) and `nginx` (a little CPU and memory), read each second.
    public var watch = false
    /// Seconds in which `uvicorn` could not be read (a gap in its lane).
    public var watchGap: Range<Int>? = nil
  }

  public static let epoch = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z

  public static let oneBackend = Spec(
    name: "one-backend", backends: 1, vusers: { min(60, 5 * (1 + $0 / 8)) },
    plan: "ramp 5 -> 60 step 5/8s", seconds: 96, tags: [(50, "knee?")], logs: true)
  public static let twoBackends = Spec(
    name: "two-backends", backends: 2, vusers: { min(60, 5 * (1 + $0 / 8)) },
    plan: "ramp 5 -> 60 step 5/8s", seconds: 96, tags: [(50, "knee?")], logs: true, startMinute: 10)
  /// Killed (SIGKILL) at 0:40: no summary, and a torn last line.
  public static let killed = Spec(
    name: "killed", backends: 2, vusers: { min(60, 5 * (1 + $0 / 8)) }, plan: "ramp 5 -> 60 step 5/8s",
    seconds: 40, outcome: .incomplete, tags: [(30, "before-kill")], startMinute: 20)
  /// Another plan (k6-style stages) that the user stopped with Ctrl-C.
  public static let stages = Spec(
    name: "stages", backends: 1, vusers: { min(80, 2 * ($0 + 1)) }, plan: "stages 40s:80, 20s:80",
    seconds: 52, outcome: .abortedByUser, startMinute: 30)
  /// The disk filled up at 0:31 (the row of second 30 was lost): the load went on to the end and
  /// the summary, written from the space reserve, covers the whole run.
  public static let diskFull = Spec(
    name: "disk-full", backends: 1, vusers: { min(60, 5 * (1 + $0 / 8)) }, plan: "ramp 5 -> 60 step 5/8s",
    seconds: 60, startMinute: 40, journalStopsAt: 30)
  /// The same, but even the summary could not be written: the journal's last line is the event
  /// saying it stopped.
  public static let diskFullNoSummary = Spec(
    name: "disk-full-no-summary", backends: 1, vusers: { min(60, 5 * (1 + $0 / 8)) },
    plan: "ramp 5 -> 60 step 5/8s", seconds: 60, outcome: .incomplete, startMinute: 50, journalStopsAt: 30)

  /// One backend and two, watched: uvicorn's CPU flattens at one core per backend from each
  /// run's knee (the summary's saturation note), and one-backend's uvicorn is not read from 1:10
  /// to 1:13.
  public static let oneBackendWatched: Spec = {
    var spec = oneBackend
    spec.watch = true
    spec.watchGap = 70..<73
    return spec
  }()
  public static let twoBackendsWatched: Spec = {
    var spec = twoBackends
    spec.watch = true
    return spec
  }()
  public static let watched = [oneBackendWatched, twoBackendsWatched]

  /// What the watched sources read at second `t` of `spec` with `throughput` and `vusers`.
  static func watchFigures(
    _ spec: Spec, t: Int, throughput: Double, vusers: Int, noise: inout SplitMix64
  ) -> [String: TargetFigure] {
    let mib = 1024.0 * 1024
    let backends = Double(spec.backends)
    var figures = [
      "nginx": TargetFigure(
        cpuCores: 0.004 + throughput * 0.00008, rssBytes: 9.5 * mib + Double(vusers) * 0.02 * mib)
    ]
    if !(spec.watchGap?.contains(t) ?? false) {
      let busy = min(1, throughput / (200 * backends))
      figures["uvicorn"] = TargetFigure(
        cpuCores: backends * busy * (0.98 + 0.01 * noise.normal()),
        rssBytes: backends * 64 * mib + Double(vusers) * 0.3 * mib)
    }
    return figures
  }

  /// Writes the run of `spec` under `root` and returns its directory.
  @discardableResult
  public static func write(_ spec: Spec, root: String) throws -> String {
    let started = epoch.addingTimeInterval(Double(spec.startMinute * 60))
    let meta = RunMeta(
      name: spec.name, target: "http://127.0.0.1:18080/", method: "GET", plan: spec.plan,
      vusersPeak: (0..<spec.seconds).map(spec.vusers).max() ?? 0, duration: Double(spec.seconds),
      command: ["rampart", "run", "http://127.0.0.1:18080/", "--name", spec.name], startedAt: started,
      host: "fixture", rampartVersion: "0.1.0", options: [:])
    let journal = try RunJournal(root: root, meta: meta)
    let store = MetricsStore()
    // What the journal takes: everything until the disk fills up, nothing after.
    func journalled(_ t: Int) -> Bool { spec.journalStopsAt.map { t < $0 } ?? true }
    var stop: RunEvent?
    if spec.logs { store.enableLogErrors() }
    if spec.watch { store.enableWatch(sources: ["uvicorn", "nginx"]) }
    var random = SplitMix64(seed: UInt64(spec.backends * 1000 + spec.seconds))
    // Its own stream, so a watched run has the same traffic as the same run unwatched.
    var watchNoise = SplitMix64(seed: UInt64(spec.backends * 7 + 1))
    let capacity = 200.0 * Double(spec.backends)
    var samplesKept = 0
    for t in 0..<spec.seconds {
      let n = spec.vusers(t)
      let throughput = min(Double(n) / 0.1, capacity) * (1 + 0.02 * random.normal())
      let responseMs = max(20, (Double(n) / throughput - 0.08) * 1000)
      let total = Int(throughput.rounded())
      let overloaded = Double(n) > capacity * 0.1 * 1.5
      let errors = overloaded ? total / 100 : 0
      var bucket = SecondBucket(second: t)
      bucket.started = total
      bucket.ok = total - errors
      bucket.errors[ErrorKind.http5xx.index] = errors
      bucket.statusCodes = errors > 0 ? [200: total - errors, 503: errors] : [200: total]
      LatencySpread.journalled.record(total, typicalMs: responseMs, into: &bucket)
      bucket.bytesIn = total * 160
      bucket.bytesOut = total * 80
      if spec.logs && errors > 0 {
        store.recordLogErrors(["BrokenPipeError": errors / 2, "upstream_timed_out": 1])
        if samplesKept < 3 && journalled(t) {
          samplesKept += 1
          journal.append(
            LogSample(
              elapsed: Double(t), errorClass: "BrokenPipeError", source: "app.log",
              text: "BrokenPipeError: [Errno 32] Broken pipe <script>alert(1)</script>"))
          journal.append(
            LogSample(
              elapsed: Double(t), errorClass: "upstream_timed_out", source: "nginx-error.log",
              text:
                "upstream timed out (110: Connection timed out) while reading response header from upstream"
                + " \u{1B}[31m"))
        }
      }
      if spec.watch {
        store.recordWatch(watchFigures(spec, t: t, throughput: throughput, vusers: n, noise: &watchNoise))
      }
      let sample = store.ingest(
        bucket, gauges: EngineGauges(vusers: n, targetVusers: n, connections: n, paused: false), duration: 1)
      if t == spec.journalStopsAt {
        let event = RunEvent(
          elapsed: Double(t + 1), time: started.addingTimeInterval(Double(t + 1)), kind: .journalStopped,
          label: "disk full")
        store.record(event)
        stop = event
      }
      if journalled(t) { journal.append(sample) }
      for (at, label) in spec.tags where at == t {
        let event = RunEvent(
          elapsed: Double(t), time: started.addingTimeInterval(Double(t)), kind: .tag, label: label)
        store.record(event)
        if journalled(t) { journal.append(event) }
      }
      if let knee = store.updateKnee(), journalled(t) { journal.append(knee) }
    }
    let directory = journal.directory
    if let stop, spec.outcome == .incomplete {
      // What `RunJournal.finish` leaves when even the summary does not fit.
      journal.append(stop)
      return directory
    }
    guard spec.outcome != .incomplete else {
      // A killed writer leaves half a line behind.
      let handle = FileHandle(forWritingAtPath: "\(directory)/\(RunJournal.seriesFile)")
      handle?.seekToEndOfFile()
      handle?.write(Data("{\"t\":\(spec.seconds),\"duration_s\":1,\"vus".utf8))
      try? handle?.close()
      return directory
    }
    let duration = Double(spec.seconds)
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: spec.outcome, target: meta.target, startedAt: started,
      endedAt: started.addingTimeInterval(duration), duration: duration, inflightAtStop: 0, runDir: directory)
    if stop != nil {
      let closing = journal.finish(
        summary: summary, latency: LatencyDistribution(store.snapshot().totals.histogram), stop: stop)
      if let error = closing.summaryError { throw error }
    } else {
      try journal.writeSummary(summary)
    }
    return directory
  }

  /// The four fixture runs under `root`, in the order one-backend, two-backends, killed, stages.
  @discardableResult
  public static func writeAll(root: String) throws -> [String] {
    try [oneBackend, twoBackends, killed, stages].map { try write($0, root: root) }
  }
}

/// The four fixture runs written under a fresh temporary root and read back through the loader:
/// what the tests of runs, compare, report and export start from.
public struct LoadedFixtures: Sendable {
  public let root: String
  public let directories: [String]
  public let runs: [LoadedRun]

  /// The four fixture runs, or with `specs` those (`CompareFixture.watched`).
  public init(_ specs: [CompareFixture.Spec]? = nil) throws {
    let root = try TemporaryDirectory("rampart-fixtures").path
    let directories =
      try specs.map { try $0.map { try CompareFixture.write($0, root: root) } }
      ?? CompareFixture.writeAll(root: root)
    self.root = root
    self.directories = directories
    runs = try directories.map { try RunLoader.load($0) }
  }

  public var oneBackend: LoadedRun { runs[0] }
  public var twoBackends: LoadedRun { runs[1] }
  public var killed: LoadedRun { runs[2] }
  public var stages: LoadedRun { runs[3] }

  /// `text` with the temporary root replaced, so goldens do not depend on it.
  public func normalised(_ text: String) -> String {
    text.replacingOccurrences(of: root, with: "<root>")
  }

  /// Removes the files (loaded runs stay usable: they are all in memory).
  public func remove() {
    try? FileManager.default.removeItem(atPath: root)
  }
}
