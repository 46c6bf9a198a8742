import Foundation
import Synchronization

/// The target's log, written like a Python service behind uvicorn (logging's
/// `%(asctime)s %(levelname)-8s %(name)s: %(message)s`). Lines are collected in memory and a
/// background thread appends them to the file every 100 ms, so logging never blocks a request.
public final class TargetLog: Sendable {
  private let pending = Mutex<[String]>([])
  private let handle: FileHandle?
  private let running = Atomic<Bool>(true)
  private let flushed = Mutex<Int>(0)

  /// Opens (creating or appending to) `path`; nil path = lines are counted but not kept.
  public init(path: String?) throws {
    if let path {
      if !FileManager.default.fileExists(atPath: path) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
          throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
      }
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
      try handle.seekToEnd()
      self.handle = handle
    } else {
      handle = nil
    }
    let writer = Thread { [self] in
      while running.load(ordering: .relaxed) {
        Thread.sleep(forTimeInterval: 0.1)
        flush()
      }
      flush()
    }
    writer.name = "rampart-target-log"
    writer.start()
  }

  /// One record; `continuation` lines (a traceback) follow it with nothing in between.
  func write(_ level: String, _ logger: String, _ message: String, continuation: [String] = []) {
    let line =
      "\(Self.timestamp()) \(level.padding(toLength: 8, withPad: " ", startingAt: 0)) \(logger): \(message)"
    pending.withLock {
      $0.append(line)
      $0.append(contentsOf: continuation)
    }
  }

  func info(_ logger: String, _ message: String) { write("INFO", logger, message) }
  func warning(_ logger: String, _ message: String) { write("WARNING", logger, message) }
  func error(_ logger: String, _ message: String) { write("ERROR", logger, message) }

  /// Writes what is pending now.
  public func flush() {
    let lines = pending.withLock { lines -> [String] in
      defer { lines.removeAll(keepingCapacity: true) }
      return lines
    }
    guard !lines.isEmpty else { return }
    let text = lines.joined(separator: "\n") + "\n"
    try? handle?.write(contentsOf: Data(text.utf8))
    flushed.withLock { $0 += lines.count }
  }

  /// Lines written to the file so far.
  public var linesWritten: Int { flushed.withLock { $0 } }

  /// Stops the writer after a last flush.
  public func close() {
    running.store(false, ordering: .relaxed)
    flush()
    try? handle?.synchronize()
  }

  private static func timestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = time_t(now.tv_sec)
    var parts = tm()
    localtime_r(&seconds, &parts)
    let millis = Int(now.tv_nsec / 1_000_000)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)),\(ms)"
  }
}

/// Tracebacks exactly as CPython 3.11 prints them when uvicorn's ASGI app fails to send a response
/// because the client went away.
enum Traceback {
  static func sendFailed(_ exception: String) -> [String] {
    [
      "Traceback (most recent call last):",
      "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/protocols/http/httptools_impl.py\", line 426, in run_asgi",
      "    result = await app(  # type: ignore[func-returns-value]",
      "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/middleware/proxy_headers.py\", line 84, in __call__",
      "    return await self.app(scope, receive, send)",
      "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "  File \"/srv/app/.venv/lib/python3.11/site-packages/starlette/responses.py\", line 164, in __call__",
      "    await send(",
      "  File \"/usr/lib/python3.11/asyncio/selector_events.py\", line 1058, in write",
      "    n = self._sock.send(data)",
      "        ^^^^^^^^^^^^^^^^^^^^^",
      exception,
    ]
  }

  static let brokenPipe = "BrokenPipeError: [Errno 32] Broken pipe"
  static let connectionReset = "ConnectionResetError: [Errno 104] Connection reset by peer"
}
