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
/// Disk-full policy: the load keeps running and journalling stops; the failure is kept in
/// `failure` for the caller to show, and the prefix already written stays valid.
public final class RunJournal: Sendable {
  public let directory: String
  private let series: SecureFile
  private let events: SecureFile
  private let logSamples: SecureFile
  private let firstFailure = Mutex<StoreError?>(nil)

  public static let seriesFile = "series.jsonl"
  public static let eventsFile = "events.jsonl"
  public static let metaFile = "meta.json"
  public static let summaryFile = "summary.json"
  public static let logSamplesFile = "log_samples.jsonl"
  public static let latencyFile = "latency.json"

  /// Creates `<root>/<UTC time>-<name>/` (0700) with its files (0600) and writes `meta.json`.
  public init(root: String, meta: RunMeta) throws(StoreError) {
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
    let metaBytes = try Self.encode(meta, pretty: true)
    try SecureFile(creating: "\(dir)/\(Self.metaFile)").write(metaBytes)
    series = try SecureFile(creating: "\(dir)/\(Self.seriesFile)")
    events = try SecureFile(creating: "\(dir)/\(Self.eventsFile)")
    logSamples = try SecureFile(creating: "\(dir)/\(Self.logSamplesFile)")
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
      var bytes = try Self.encode(value, pretty: false)
      bytes.append(10)
      try file.write(bytes)
    } catch {
      firstFailure.withLock { if $0 == nil { $0 = error } }
    }
  }

  /// Writes the whole run's latency histogram to `latency.json`, atomically; before the summary,
  /// whose presence marks a finished run.
  public func writeLatency(_ distribution: LatencyDistribution) throws(StoreError) {
    try SecureFile.writeAtomically(
      try Self.encode(distribution, pretty: false), to: "\(directory)/\(Self.latencyFile)")
  }

  /// Writes `summary.json` atomically (temp file, fsync, rename).
  public func writeSummary(_ summary: RunSummary) throws(StoreError) {
    series.sync()
    events.sync()
    logSamples.sync()
    try SecureFile.writeAtomically(
      try Self.encode(summary, pretty: true), to: "\(directory)/\(Self.summaryFile)")
  }

  static func encode<T: Encodable>(_ value: T, pretty: Bool) throws(StoreError) -> [UInt8] {
    let encoder = JSON.encoder()
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

  /// Temp files of a summary or latency write that was killed half-way are removed at the next
  /// start.
  static func removeStaleTempFiles(root: String) {
    let fm = FileManager.default
    guard let runs = try? fm.contentsOfDirectory(atPath: root) else { return }
    for run in runs {
      guard let files = try? fm.contentsOfDirectory(atPath: "\(root)/\(run)") else { continue }
      for file in files {
        guard let final = [summaryFile, latencyFile].first(where: { file.hasPrefix($0 + ".tmp.") })
        else { continue }
        // The suffix is the writer's PID: a live writer's temp file is left alone.
        if let pid = Int32(file.dropFirst(final.count + 5)), pid > 0, kill(pid, 0) == 0 {
          continue
        }
        unlink("\(root)/\(run)/\(file)")
      }
    }
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
