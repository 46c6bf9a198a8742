import Foundation
import TestKit

/// The built `rampart` binary run as a user would: its own process, arguments, signals, exit
/// code. Output goes to files (never pipes that could fill up and stall it).
public final class RampartProcess: @unchecked Sendable {
  public let process = Process()
  public let directory: URL
  private let stdoutURL: URL
  private let stderrURL: URL

  /// `.build/<triple>/debug/rampart`, beside the test bundle.
  public static var binary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("rampart")
  }

  /// Starts `rampart ARGS` in a fresh temp directory. With `fileLimit`, it runs under
  /// `ulimit -n fileLimit` (soft and hard), as FAULTS RES-01 asks; with `disk`, on a tiny tmpfs
  /// (FAULTS DUR-03); `unprivileged`, in a user namespace of its own (`unshare -r`), where it holds
  /// no capability on the machine's sockets, as a user who is not root runs it. `files` are written into the working directory first (plan files, bodies);
  /// `environment` adds variables to rampart's.
  public init(
    _ arguments: [String], fileLimit: Int? = nil, disk: TinyDisk? = nil, unprivileged: Bool = false,
    files: [String: String] = [:], environment: [String: String] = [:]
  ) throws {
    directory = try TemporaryDirectory("rampart-cli").url
    stdoutURL = directory.appendingPathComponent("stdout.txt")
    stderrURL = directory.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    for (name, text) in files {
      try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
      throw TestSupportError("\(Self.binary.path) is missing: run `swift build` first")
    }
    if let disk {
      let (executable, wrapped) = disk.command(binary: Self.binary.path, arguments: arguments)
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = wrapped
    } else if unprivileged {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
      process.arguments = ["-r", Self.binary.path] + arguments
    } else if let fileLimit {
      process.executableURL = URL(fileURLWithPath: "/bin/bash")
      process.arguments =
        ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", Self.binary.path] + arguments
    } else {
      process.executableURL = Self.binary
      process.arguments = arguments
    }
    process.currentDirectoryURL = directory
    process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
    process.standardError = try FileHandle(forWritingTo: stderrURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  public var pid: Int32 { process.processIdentifier }

  public func signal(_ sig: Int32) {
    kill(process.processIdentifier, sig)
  }

  /// Waits up to `seconds` for the exit; returns the exit status, or nil (and kills it) on timeout.
  /// It polls with `Task.sleep`: blocking a thread here for the length of a run would hold one of
  /// Swift Testing's few cooperative threads (two on a 2-core machine) and stall other tests.
  @discardableResult
  public func wait(seconds: Double) async -> Int32? {
    _ = try? await Poll.until(seconds: seconds, every: 0.01) { !process.isRunning }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      while process.isRunning { try? await Task.sleep(nanoseconds: 10_000_000) }
      return nil
    }
    return process.terminationStatus
  }

  /// The blocking form of `wait`, for what cannot await (a `defer`) or ends in milliseconds (a
  /// `rampart ctl` reply).
  @discardableResult
  public func waitBlocking(seconds: Double) -> Int32? {
    _ = Poll.until(seconds: seconds, every: 0.01) { !process.isRunning }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      while process.isRunning { usleep(10_000) }
      return nil
    }
    return process.terminationStatus
  }

  public var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
  public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

  /// The run directories this process created under its working directory's `rampart-runs`.
  public var runDirectories: [String] {
    let root = directory.appendingPathComponent("rampart-runs").path
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return names.sorted().map { "\(root)/\($0)" }
  }

  /// Rows of the first run directory's series.jsonl so far: whole seconds the run has journalled
  /// (what a test waits for instead of a fixed sleep, which a busy machine outlasts).
  public var seriesRows: Int {
    guard let directory = runDirectories.first,
      let data = FileManager.default.contents(atPath: "\(directory)/series.jsonl")
    else { return 0 }
    return data.filter { $0 == 10 }.count
  }

  /// Resident memory in bytes, read from /proc while it runs.
  public var residentBytes: Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
    return kb * 1024
  }

  public func cleanUp() {
    try? FileManager.default.removeItem(at: directory)
  }

  /// Runs to completion and returns (status, stdout, stderr).
  /// `run` for commands that end in milliseconds, where a blocking call is simpler than an await.
  public static func runBlocking(_ arguments: [String], timeout: Double = 15) throws -> (
    Int32?, String, String
  ) {
    let p = try RampartProcess(arguments)
    defer { p.cleanUp() }
    let status = p.waitBlocking(seconds: timeout)
    return (status, p.stdout, p.stderr)
  }

  public static func run(_ arguments: [String], timeout: Double = 60) async throws -> (
    Int32?, String, String
  ) {
    let p = try RampartProcess(arguments)
    defer { p.cleanUp() }
    let status = await p.wait(seconds: timeout)
    return (status, p.stdout, p.stderr)
  }
}
