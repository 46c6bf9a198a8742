import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

/// `rampart run plan.toml` as a user runs it: the plan's requests and ramp, flags on top of it,
/// secrets from the environment that never reach a file or the terminal, errors naming the line.
@Suite("rampart run PLAN", .timeLimit(.minutes(30)))
struct PlanRunTests {
  static func summary(_ stdout: String) throws -> RunSummary {
    // The configuration rampart writes with: dates keep their fractional seconds.
    try RampartJSON.decoder().decode(RunSummary.self, from: Data(stdout.utf8))
  }

  static func plan(port: Int, duration: String = "2s") -> String {
    """
    name = "checkout"
    target = "http://127.0.0.1:\(port)/api"
    duration = "\(duration)"
    think = "10ms"

    [ramp]
    vusers = 2

    [[requests]]
    name = "list"
    path = "/items?page=1"
    weight = 3
    headers = { Authorization = "Bearer ${env:TOKEN}" }

    [[requests]]
    name = "order"
    method = "POST"
    path = "/orders"
    body = '{"qty":1}'
    headers = { "Content-Type" = "application/json" }

    [thresholds]
    checks = ["errors<1%", "p99<2s"]

    [logs]
    files = ["app.log"]
    """
  }

  /// Every file under `directory` (recursively) that contains `needle`.
  static func files(under directory: String, containing needle: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory)
    var hits: [String] = []
    while let name = enumerator?.nextObject() as? String {
      guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else { continue }
      if data.range(of: Data(needle.utf8)) != nil { hits.append(name) }
    }
    return hits
  }

  @Test("SEC-02: a plan's ${env:TOKEN} is sent but appears in no file, log sample or output")
  func secretsNeverPersist() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let canary = "s3cr3t-canary"
      let p = try RampartProcess(
        ["run", "plan.toml", "--no-tui", "--json"],
        // Long enough that the line written after the first second is read before the plan ends
        // on a busy machine too (with 3 s the test's write came after the follower's last poll).
        files: ["plan.toml": Self.plan(port: server.port, duration: "8s"), "app.log": "INFO boot\n"],
        environment: ["TOKEN": canary])
      defer { p.cleanUp() }
      // The target's log names the token once following has begun (the first second is on disk:
      // the log was followed before the load started): the sample kept for the report must not.
      // A thread of its own waits and writes: the line must land within the 8 s run, and a busy
      // test process can keep an awaiting task from running for seconds.
      let logPath = p.directory.appendingPathComponent("app.log").path
      let wrote = await onOwnThread { () -> Bool in
        guard Poll.until(seconds: 30, every: 0.01, { p.seriesRows >= 1 }) else { return false }
        let fd = open(logPath, O_WRONLY | O_APPEND)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let line = Array("ERROR auth failed for Bearer \(canary)\n".utf8)
        return write(fd, line, line.count) == line.count
      }
      #expect(wrote, "stderr: \(p.stderr)")
      let status = await p.wait(seconds: 30)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      let dir = try #require(p.runDirectories.first)
      let run = try RunLoader.load(dir)
      #expect(run.logSamples.count == 1, "stdout: \(p.stdout)\nstderr: \(p.stderr)")
      #expect(run.logSamples.first?.text == "ERROR auth failed for Bearer ${env:TOKEN}")
      #expect(
        Self.files(under: p.directory.appendingPathComponent("rampart-runs").path, containing: canary) == [])
      #expect(!p.stdout.contains(canary) && !p.stderr.contains(canary))
      // The plan's requests went out, 3:1, under the target's /api prefix.
      let list = server.requests("GET /api/items?page=1").count
      let order = server.requests("POST /api/orders")
      #expect(list > order.count && order.count > 0, "list \(list), order \(order.count)")
      #expect(order.bodyBytes == order.count * 9)
      let summary = try Self.summary(p.stdout)
      #expect(summary.thresholds?.map(\.expr) == ["errors<1%", "p99<2s"])
      #expect(run.meta.name == "checkout")
    }
  }

  @Test("flags override the plan: --duration, --name, --vusers")
  func flagsOverrideThePlan() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess(
        [
          "run", "plan.toml", "--duration", "1s", "--name", "override", "--vusers", "3", "--no-tui", "--json",
        ],
        files: ["plan.toml": Self.plan(port: server.port, duration: "30s"), "app.log": ""],
        environment: ["TOKEN": "t0ken"])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 30)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      let summary = try Self.summary(p.stdout)
      // The flag's 1 s, not the plan's 30 s, ended it: under half the plan, leaving a busy
      // machine room to end a 1 s run seconds late.
      #expect(summary.durationS < 15, "duration \(summary.durationS) s")
      #expect(summary.vusersPeak == 3)
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      #expect(run.meta.name == "override")
    }
  }

  @Test("the same plan in YAML runs the same requests")
  func yamlPlan() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let yaml = """
        target: http://127.0.0.1:\(server.port)
        duration: 1s
        stages:
          - duration: 1s
            target: 2
        requests:
          - path: /health
            weight: 1
          - path: /ready
            method: HEAD
        """
      let (status, stdout, stderr) = try await RampartProcess.runWith(
        ["run", "plan.yaml", "--no-tui", "--json"], files: ["plan.yaml": yaml])
      await server.shutdown()
      #expect(status == 0, "stderr: \(stderr)")
      let summary = try Self.summary(stdout)
      #expect(summary.requests > 0)
      #expect(server.requests("GET /health").count > 0)
      #expect(server.requests("HEAD /ready").count > 0)
    }
  }

  @Test("a secret in the run's name or a log command never reaches the run directory's name or files")
  func secretInTheName() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let plan = """
        name = "load-${env:TOKEN}"
        target = "http://127.0.0.1:\(server.port)/"
        duration = "1s"
        [logs]
        commands = ["echo ERROR from ${env:TOKEN}; sleep 5"]
        """
      let p = try RampartProcess(
        ["run", "plan.toml", "--no-tui", "--json"], files: ["plan.toml": plan],
        environment: ["TOKEN": "s3cr3t-canary"])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 30)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      let dir = try #require(p.runDirectories.first)
      #expect(!dir.contains("s3cr3t"))
      #expect(
        Self.files(under: p.directory.appendingPathComponent("rampart-runs").path, containing: "s3cr3t") == []
      )
      #expect(!p.stdout.contains("s3cr3t") && !p.stderr.contains("s3cr3t"))
    }
  }

  @Test(
    "SEC-03: plan mistakes are one line naming file, line and key; exit 2, nothing run",
    arguments: [
      ("duration = \"2s\"\n", "plan.toml: target: missing: the plan needs a target URL"),
      (
        "target = \"http://127.0.0.1:9/\"\n[thresholds]\nchecks = [\"p95<fast\"]\n",
        "plan.toml:3:"
      ),
      ("target = \"http://127.0.0.1:9/\"\n[ramp]\nstpe = 2\n", "plan.toml:3:"),
      ("target = \"http://127.0.0.1:9/\"\ntimeout = \"-1s\"\n", "plan.toml:2:"),
      (
        "target = \"http://127.0.0.1:9/\"\n[[requests]]\npath = \"/caf\u{E9}\"\n",
        "plan.toml:3:1: requests[0].path: a request: path must start with /"
      ),
      (
        "target = \"http://127.0.0.1:9/\"\n[[requests]]\nbody_file = \"../../etc/passwd\"\n",
        "plan.toml:3:1: requests[0].body_file: '../../etc/passwd' leaves the plan's directory"
      ),
      (
        "target = \"http://127.0.0.1:9/\"\n[thresholds]\nchecks = [\"log_errors<1\"]\n",
        "plan.toml:3:"
      ),
      (
        "target = \"http://127.0.0.1:9/\"\n[thresholds]\nabort_on_fail = true\n",
        "--abort-on-fail needs at least one threshold"
      ),
    ])
  func planErrors(text: String, expected: String) async throws {
    let (status, stdout, stderr) = try await RampartProcess.runWith(
      ["run", "plan.toml", "--no-tui"], files: ["plan.toml": text])
    #expect(status == 2, "stderr: \(stderr)")
    #expect(stderr.hasPrefix("rampart: error: \(expected)"), "stderr: \(stderr)")
    #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)")
    #expect(stdout.isEmpty)
  }
}

extension RampartProcess {
  /// Runs to completion with files in its working directory; returns (status, stdout, stderr).
  static func runWith(
    _ arguments: [String], files: [String: String], environment: [String: String] = [:], timeout: Double = 60
  ) async throws -> (Int32?, String, String) {
    let p = try RampartProcess(arguments, files: files, environment: environment)
    defer { p.cleanUp() }
    let status = await p.wait(seconds: timeout)
    #expect(p.runDirectories.isEmpty || status == 0)
    return (status, p.stdout, p.stderr)
  }
}

/// Runs `body` on a thread of its own and returns its result: for waits that must not depend on
/// the test's cooperative threads, which other tests can hold for seconds on a busy machine.
func onOwnThread<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
  await withCheckedContinuation { continuation in
    Thread { continuation.resume(returning: body()) }.start()
  }
}
