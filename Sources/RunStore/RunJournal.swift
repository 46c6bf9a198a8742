import Foundation
import Metrics
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes one run directory as the run goes: `meta.json` at the start, a line in `series.jsonl`
/// every second and in `events.jsonl` per event, `latency.json` and `summary.json` at the end.
/// Lines go straight to the kernel, so a killed run loses at most the second in progress.
///
/// Disk-full policy: the load keeps running and journalling stops at the first failed write. The
/// file it failed on is cut back to its last whole line, so the prefix already written stays
/// valid JSONL; `onFailure` hears of it at once (the caller shows it), and a space reserve held
/// since the start lets `finish` still write the event saying so and the summary, which covers
/// the whole run from memory.
public final class RunJournal: Sendable {
  public let directory: String
  private let series: SecureFile
  private let events: SecureFile
  private let logSamples: SecureFile
  private let reserve: SpaceReserve
  private let firstFailure = Mutex<StoreError?>(nil)
  private let onFailure: @Sendable (StoreError) -> Void

  public static let seriesFile = "series.jsonl"
  public static let eventsFile = "events.jsonl"
  public static let metaFile = "meta.json"
  public static let summaryFile = "summary.json"
  public static let logSamplesFile = "log_samples.jsonl"
  public static let latencyFile = "latency.json"
  /// The space reserve, `reserve.tmp.<pid>`: gone once the run closed; a killed run's is removed
  /// at the next start like its other temp files.
  static let reserveFile = "reserve"

  /// Creates `<root>/<UTC time>-<name>/` (0700) with its files (0600) and writes `meta.json`.
  /// When that fails (a full disk), nothing of the run directory is left behind. `onFailure` is
  /// called once, from the thread whose write failed, when journalling stops.
  public init(
    root: String, meta: RunMeta, onFailure: @escaping @Sendable (StoreError) -> Void = { _ in }
  ) throws(StoreError) {
    try Self.makeDirectory(root)
    Self.removeStaleTempFiles(root: root)
    let stamp = Self.directoryStamp(meta.startedAt)
    let base = "\(root)/\(stamp)-\(Self.sanitize(meta.name))"
    var dir = base
    var attempt = 1
    while mkdir(dir, 0o700) != 0 {
      guard errno == EEXIST, attempt < 100 else { throw StoreError.io(path: dir, errno: errno) }
      attempt += 1
      dir = "\(base)-\(attempt)"
    }
    chmod(dir, 0o700)
    directory = dir
    self.onFailure = onFailure
    do {
      let metaBytes = try Self.encode(meta, pretty: true)
      try SecureFile(creating: "\(dir)/\(Self.metaFile)").write(metaBytes)
      reserve = try SpaceReserve(path: "\(dir)/\(Self.reserveFile).tmp.\(getpid())")
      series = try SecureFile(creating: "\(dir)/\(Self.seriesFile)")
      events = try SecureFile(creating: "\(dir)/\(Self.eventsFile)")
      logSamples = try SecureFile(creating: "\(dir)/\(Self.logSamplesFile)")
    } catch {
      Self.removeRunDirectory(dir)
      throw error
    }
  }

  /// The first write error, if journalling had to stop.
  public var failure: StoreError? {
    firstFailure.withLock { $0 }
  }

  public func append(_ sample: SecondSample) {
    appendLine(sample, to: series)
  }

  public func append(_ event: RunEvent) {
    appendLine(event, to: events)
  }

  public func append(_ sample: LogSample) {
    appendLine(sample, to: logSamples)
  }

  private func appendLine<T: Encodable>(_ value: T, to file: SecureFile) {
    guard failure == nil else { return }
    do {
      try file.write(Self.line(value))
    } catch {
      let first = firstFailure.withLock { stored in
        guard stored == nil else { return false }
        stored = error
        return true
      }
      if first { onFailure(error) }
    }
  }

  static func line<T: Encodable>(_ value: T) throws(StoreError) -> [UInt8] {
    var bytes = try encode(value, pretty: false)
    bytes.append(10)
    return bytes
  }

  /// What closing the run directory could not write, for the caller to report.
  public struct Closing: Sendable, Equatable {
    /// Why `latency.json` is missing, if it is.
    public var latencyError: StoreError?
    /// Why `summary.json` is missing, if it is.
    public var summaryError: StoreError?
  }

  /// Closes the run: gives back the space reserve, appends `stop` (the event saying journalling
  /// stopped, when it did) to `events.jsonl`, then writes `latency.json` and `summary.json`. After
  /// a stop the summary goes first: on a full disk it matters more than the histogram behind it,
  /// whose size no reserve can know in advance.
  public func finish(summary: RunSummary, latency: LatencyDistribution, stop: RunEvent?) -> Closing {
    reserve.release()
    if let stop, let line = try? Self.line(stop) { try? events.write(line) }
    var closing = Closing()
    func writeLatencyFile() {
      do { try writeLatency(latency) } catch { closing.latencyError = error }
    }
    if stop == nil { writeLatencyFile() }
    do {
      try writeSummary(summary)
    } catch {
      closing.summaryError = error
    }
    if stop != nil { writeLatencyFile() }
    return closing
  }

  /// Writes the whole run's latency histogram to `latency.json`, atomically; before the summary,
  /// whose presence marks a finished run (after it once journalling stopped: `finish`).
  public func writeLatency(_ distribution: LatencyDistribution) throws(StoreError) {
    reserve.release()
    try SecureFile.writeAtomically(
      try Self.encode(distribution, pretty: false), to: "\(directory)/\(Self.latencyFile)")
  }

  /// Writes `summary.json` atomically (temp file, fsync, rename).
  public func writeSummary(_ summary: RunSummary) throws(StoreError) {
    reserve.release()
    series.sync()
    events.sync()
    logSamples.sync()
    try SecureFile.writeAtomically(
      try Self.encode(summary, pretty: true), to: "\(directory)/\(Self.summaryFile)")
  }

  static func encode<T: Encodable>(_ value: T, pretty: Bool) throws(StoreError) -> [UInt8] {
    let encoder = RampartJSON.encoder()
    if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
    do {
      return Array(try encoder.encode(value))
    } catch {
      throw StoreError.corrupt(path: "(encoding)", reason: "\(error)")
    }
  }

  static func makeDirectory(_ path: String) throws(StoreError) {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
      guard isDir.boolValue else { throw StoreError.io(path: path, errno: ENOTDIR) }
      return
    }
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw StoreError.io(path: path, errno: errno == 0 ? EACCES : errno)
    }
  }

  /// Temp files of a summary or latency write that was killed half-way, and the space reserve of
  /// a killed run, are removed at the next start.
  static func removeStaleTempFiles(root: String) {
    let fm = FileManager.default
    guard let runs = try? fm.contentsOfDirectory(atPath: root) else { return }
    for run in runs {
      guard let files = try? fm.contentsOfDirectory(atPath: "\(root)/\(run)") else { continue }
      for file in files {
        guard
          let final = [summaryFile, latencyFile, reserveFile].first(where: { file.hasPrefix($0 + ".tmp.") })
        else { continue }
        // The suffix is the writer's PID: a live writer's temp file is left alone.
        if let pid = Int32(file.dropFirst(final.count + 5)), pid > 0, kill(pid, 0) == 0 {
          continue
        }
        unlink("\(root)/\(run)/\(file)")
      }
    }
  }

  /// Removes a run directory that could not be set up, with the files created in it so far.
  static func removeRunDirectory(_ dir: String) {
    for file in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
      unlink("\(dir)/\(file)")
    }
    rmdir(dir)
  }

  static func directoryStamp(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
  }

  /// Run names become part of a path: only letters, digits, dot, dash and underscore survive.
  public static func sanitize(_ name: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    let cleaned = String(name.map { allowed.contains($0) ? $0 : "-" }.prefix(80))
    let trimmed = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
    return trimmed.isEmpty ? "run" : trimmed
  }
}
