import Foundation
import TestSupport
import Testing

/// Bad input: one clear line on stderr, exit code 2, nothing sent (FAULTS SEC-03 extremes too).
@Suite("rampart run: bad input", .timeLimit(.minutes(30)))
struct CLIInputTests {
  static let cases: [(args: [String], mentions: String)] = [
    (["not a url"], "URL"),
    (["ftp://127.0.0.1:{port}/"], "scheme"),
    (["http://127.0.0.1:{port}/", "--vusers", "0"], "--vusers"),
    (["http://127.0.0.1:{port}/", "--vusers", "-5"], "--vusers"),
    (["http://127.0.0.1:{port}/", "--duration", "-1s"], "--duration"),
    (["http://127.0.0.1:{port}/", "--duration", "0s"], "--duration"),
    (["http://127.0.0.1:{port}/", "--timeout", "0"], "--timeout"),
    (["http://127.0.0.1:{port}/", "--stage", "abc"], "--stage"),
    (["http://127.0.0.1:{port}/", "--stage", "30s:-1"], "--stage"),
    (["http://127.0.0.1:{port}/", "-H", "X-Evil: a\r\nInjected: b"], "CR"),
    (["http://127.0.0.1:{port}/", "-H", "no colon here"], "header"),
    (["http://127.0.0.1:{port}/", "--body", "@/nonexistent/body.json"], "body file"),
    (["http://127.0.0.1:{port}/", "--processes", "2"], "--threads"),
    (["http://127.0.0.1:{port}/", "--vusers", "10", "--stage", "10s:5"], "--stage"),
    (["http://127.0.0.1:{port}/", "--ramp-step", "0", "--vusers", "10"], "--ramp-step"),
    (["http://127.0.0.1:{port}/", "--requests", "0"], "--requests"),
    (["http://127.0.0.1:{port}/", "--no-such-flag"], "no-such-flag"),
    (["http://127.0.0.1:{port}/", "-X", "GE T"], "method"),
    (["http://127.0.0.1:{port}/\r\nHost: evil"], "control character"),
    (["http://127.0.0.1:70000/"], "port"),
    (["http://127.0.0.1:{port}/", "--think", "1e10"], "--think"),
    (["http://127.0.0.1:{port}/", "--grace", "1e12"], "--grace"),
    (["http://127.0.0.1:{port}/", "--processes", "9223372036854775807", "--threads", "2"], "too large"),
    // Watched sources are checked before anything is sent (issue 22).
    (["http://127.0.0.1:{port}/", "--watch-pid", "2147483646"], "--watch-pid 2147483646: no such process"),
    (["http://127.0.0.1:{port}/", "--watch-process", "rampart-no-such-server-xyz"], "--watch-wait"),
    (["http://127.0.0.1:{port}/", "--watch-cgroup", "/nonexistent/app.service"], "--watch-cgroup"),
    (["http://127.0.0.1:{port}/", "--watch-prom", "https://127.0.0.1:9100/metrics"], "--watch-prom"),
  ]

  @Test("each bad input: exit 2, one line naming the problem, no request", arguments: cases.indices)
  func badInput(index: Int) async throws {
    // Serialised with the load tests: a burst of processes would disturb their rates.
    try await HeavyTest.run { try await Self.check(index) }
  }

  static func check(_ index: Int) async throws {
    let server = try await TestHTTPServer()
    let (args, mentions) = cases[index]
    let filled = args.map { $0.replacingOccurrences(of: "{port}", with: "\(server.port)") }
    let bounded = filled.contains("--duration") ? [] : ["--duration", "1s"]
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["run"] + filled + bounded + ["--no-tui"], timeout: 20)
    await server.shutdown()
    #expect(status == 2, "status \(String(describing: status)) for \(filled): \(stderr)")
    let lines = stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(stderr)")
    #expect(stderr.hasPrefix("rampart: error: "))
    #expect(stderr.contains(mentions), "'\(stderr)' should mention \(mentions)")
    #expect(!stderr.contains("Fatal error") && !stderr.contains("Stack"))
    #expect(stdout.isEmpty)
    #expect(server.requestCount == 0)
  }
}
