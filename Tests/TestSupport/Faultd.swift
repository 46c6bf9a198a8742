import Foundation
import TestKit

/// The Python fault server of Tests/Fixtures/faultd.py, started on 127.0.0.1 with an OS-chosen
/// port. Its `/__count` endpoint is the ground truth for "nothing lost" checks.
public final class Faultd: @unchecked Sendable {
  public let mode: String
  public private(set) var port: Int
  private var process: Process

  public static var fixturesDirectory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures")
  }

  public init(_ mode: String, port: Int = 0) throws {
    self.mode = mode
    (process, self.port) = try Self.launch(mode: mode, port: port)
  }

  private static func launch(mode: String, port: Int) throws -> (Process, Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", fixturesDirectory.appendingPathComponent("faultd.py").path, mode, "--port", "\(port)",
      "--max-seconds", "300",
    ]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    let handle = out.fileHandleForReading
    while !line.contains(10) {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("PORT "), let chosen = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
      process.terminate()
      throw TestSupportError("faultd \(mode) did not start: \(text)")
    }
    return (process, chosen)
  }

  public var url: String { "http://127.0.0.1:\(port)/" }
  public var pid: Int32 { process.processIdentifier }

  /// Kills the server hard (SIGKILL), as a crashed target.
  public func kill() {
    Foundation.kill(process.processIdentifier, SIGKILL)
    Self.reap(process, within: 5)
  }

  /// Starts it again on the same port.
  public func restart() throws {
    (process, port) = try Self.launch(mode: mode, port: port)
  }

  /// SIGTERM, then SIGKILL if it is still there after two seconds.
  public func stop() {
    guard process.isRunning else { return }
    process.terminate()
    if !Self.reap(process, within: 2) {
      Foundation.kill(process.processIdentifier, SIGKILL)
      Self.reap(process, within: 5)
    }
  }

  /// Waits for the process to end by polling (Process.waitUntilExit spins a run loop).
  @discardableResult
  static func reap(_ process: Process, within seconds: Double) -> Bool {
    Poll.until(seconds: seconds, every: 0.01) { !process.isRunning }
  }

  deinit { stop() }

  /// The server's own counters: `requests`, `by_status`, `connections`, `by_method`.
  public func counts() throws -> FaultdCounts {
    let body = try SimpleHTTP.get(port: port, path: "/__count")
    return try JSONDecoder().decode(FaultdCounts.self, from: Data(body.utf8))
  }
}

public struct FaultdCounts: Decodable, Sendable {
  public var requests: Int
  public var connections: Int
  public var byStatus: [String: Int]
  public var byMethod: [String: Int]

  enum CodingKeys: String, CodingKey {
    case requests, connections, byStatus = "by_status", byMethod = "by_method"
  }
}

public struct TestSupportError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
