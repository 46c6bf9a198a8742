import Foundation
import TestKit

#if canImport(Glibc)
  import Glibc
#endif

/// A real nginx (a server rampart did not write) on 127.0.0.1, whose capacity is fixed by
/// `limit_req`: at most `rate` requests/s are served a static file, the rest answered 503 at once.
/// One process (no master, no daemon), its files in a temporary prefix; `stop()` ends it by its
/// PID. CI installs nginx (`.ci/run`).
public final class NginxServer: @unchecked Sendable {
  public let port: Int
  public let rate: Int
  private let prefix: URL

  public static let candidates = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]

  public init(rate: Int) async throws {
    guard let binary = Self.candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
      throw TestSupportError("nginx is not installed (apt-get install nginx; .ci/run does)")
    }
    self.rate = rate
    prefix = try TemporaryDirectory("rampart-nginx").url
    let root = prefix.appendingPathComponent("html")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: prefix.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    try "ok\n".write(to: root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
    // The port is picked free, then bound by nginx: another process could take it in between,
    // so a few attempts.
    var started: (Int, Process)?
    for _ in 0..<5 where started == nil {
      let port = SimpleHTTP.unusedPort()
      let process = try Self.launch(binary, prefix: prefix, root: root, port: port, rate: rate)
      if try await Self.accepts(port: port, while: process) {
        started = (port, process)
      } else if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
      }
    }
    guard let (port, running) = started else {
      throw TestSupportError("nginx did not start: \(Self.errorLog(prefix))")
    }
    self.port = port
    self.running = running
  }

  /// The nginx that serves.
  private let running: Process

  public var url: String { "http://127.0.0.1:\(port)/" }

  /// Ends nginx by its PID and removes its files. SIGKILL: a process started from the test
  /// runner inherits a mask that blocks SIGTERM and SIGQUIT, and nginx without its master process
  /// never unblocks them, so only SIGKILL ends it.
  public func stop() {
    if running.isRunning {
      kill(running.processIdentifier, SIGKILL)
      for _ in 0..<100 where running.isRunning { usleep(20_000) }
    }
    try? FileManager.default.removeItem(at: prefix)
  }

  private static func launch(_ binary: String, prefix: URL, root: URL, port: Int, rate: Int) throws -> Process
  {
    let temp = prefix.appendingPathComponent("tmp").path
    // `return 200` would answer in the rewrite phase, before limit_req: a static file is limited.
    let config = """
      worker_processes 1;
      daemon off;
      master_process off;
      pid \(prefix.path)/nginx.pid;
      error_log \(prefix.path)/error.log crit;
      events { worker_connections 8192; }
      http {
        access_log off;
        client_body_temp_path \(temp)/body;
        proxy_temp_path \(temp)/proxy;
        fastcgi_temp_path \(temp)/fastcgi;
        uwsgi_temp_path \(temp)/uwsgi;
        scgi_temp_path \(temp)/scgi;
        limit_req_zone $server_name zone=capacity:1m rate=\(rate)r/s;
        limit_req_status 503;
        server {
          listen 127.0.0.1:\(port);
          server_name capacity;
          root \(root.path);
          location / { limit_req zone=capacity burst=10 nodelay; }
        }
      }
      """
    let file = prefix.appendingPathComponent("nginx.conf")
    try config.write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = [
      "-p", prefix.path, "-e", prefix.appendingPathComponent("error.log").path, "-c", file.path,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Whether `port` answers HTTP within 30 s while `process` lives (nginx starts in milliseconds
  /// when the machine is quiet; a busy one can take seconds, and a start it gave up on is retried
  /// on another port, no faster).
  private static func accepts(port: Int, while process: Process) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
      guard process.isRunning else { return false }
      if (try? RawClient.request(port: port, path: "/"))?.status == 200 { return true }
      try await Task.sleep(for: .milliseconds(50))
    }
    return false
  }

  private static func errorLog(_ prefix: URL) -> String {
    (try? String(contentsOf: prefix.appendingPathComponent("error.log"), encoding: .utf8)) ?? "no error log"
  }
}
