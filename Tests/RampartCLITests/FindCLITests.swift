import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `rampart find` with the built binary (issue 20), against targets of known capacity C: the demo
/// target (one backend, then two: the seed question, answered by `rampart compare`) and a real
/// nginx whose `limit_req` fixes its rate. The capacity found lies within [0.85 C, 1.02 C], the
/// limiting SLO is named and the search keeps to its budget. Bad input is one line and exit 2.
@Suite(
  "rampart find: capacity against targets of known capacity, the seed question, bad input",
  .timeLimit(.minutes(30)))
struct FindCLITests {
  /// Short steps and a loose precision, so a whole search takes well under a minute on a quiet
  /// machine; the budget is the bound the test holds it to. On a busy one the cool-downs between
  /// failed steps wait out their limit and the same search takes longer (one spent a 60 s budget
  /// with four failed holds, generator-limited 21 s, before it could hold the answer): the budget
  /// bounds a search that never converges, not a slow machine.
  static let searchFlags = [
    "--slo", "p99<300ms", "--slo", "errors<1%", "--step-time", "3s", "--precision", "10%", "--budget",
    "120s", "--no-tui", "--json",
  ]
  static let budget = 120.0

  /// The search's answer from `--json`, checked against what every search must keep to.
  struct Answer {
    let capacity: Double
    let limitingSLO: String
    let object: [String: Any]
  }

  static func find(_ url: String, name: String, minRate: Int, runs: String) async throws -> Answer {
    let p = try RampartProcess(
      ["find", url, "--min-rate", "\(minRate)", "--name", name, "--out", runs] + searchFlags)
    defer { p.cleanUp() }
    // The budget, the last step's judgement and the grace period for requests in flight.
    let status = await p.wait(seconds: budget + 60)
    #expect(status == 0, "exit \(String(describing: status)); stderr: \(p.stderr)")
    let object = try OpenModelCLITests.jsonObject(p.stdout)
    let capacity = try #require(object["capacity_rps"] as? Double, "no capacity_rps: \(object)")
    let limiting = try #require(object["limiting_slo"] as? String, "no limiting_slo: \(object)")
    let search = try #require(object["capacity"] as? [String: Any], "\(object)")
    #expect(search["verdict"] as? String == "found", "\(search)")
    // Inside its budget: the search's own seconds, and the process (plus the grace period).
    let steps = try #require(search["steps"] as? [[String: Any]])
    let lastEnd = try #require(steps.last?["end_s"] as? Int)
    #expect(Double(lastEnd) <= budget, "the last step ended at \(lastEnd) s of a \(budget) s budget")
    let duration = try #require(object["duration_s"] as? Double)
    #expect(duration <= budget + 15, "the run took \(duration) s for a \(budget) s budget")
    // Every held step is judged on enough samples or says how many it had.
    for step in steps where step["phase"] as? String == "hold" {
      #expect(step["samples_needed"] is Int && step["samples"] is Int, "\(step)")
    }
    return Answer(capacity: capacity, limitingSLO: limiting, object: object)
  }

  /// `rampart target` on an OS-chosen port; returns the process and its URL.
  static func startTarget(backends: Int) async throws -> (RampartProcess, String) {
    let p = try RampartProcess([
      "target", "--port", "0", "--backends", "\(backends)", "--workers", "4", "--service", "10ms",
    ])
    // Waited for until it prints its address (a busy machine can take seconds to start it).
    var url: String?
    _ = try await Poll.until(seconds: 30, every: 0.05) {
      url = p.stdout.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\//).map { String($0.0) }
      return url != nil || !p.process.isRunning
    }
    guard let url else {
      p.signal(SIGKILL)
      p.cleanUp()
      throw TestSupportError("the target printed no address: \(p.stdout) \(p.stderr)")
    }
    return (p, url)
  }

  @Test("one backend, then two: capacity within [0.85 C, 1.02 C] each, compare shows about twice")
  func seedQuestion() async throws {
    try await HeavyTest.run {
      let runs = try TemporaryDirectory("rampart-find")
      defer { runs.remove() }
      var capacities: [Double] = []
      for (backends, name) in [(1, "one-backend"), (2, "two-backends")] {
        // 4 workers of 10 ms per backend: C = 400/s per backend.
        let known = 400.0 * Double(backends)
        let (target, url) = try await Self.startTarget(backends: backends)
        defer {
          target.signal(SIGTERM)
          target.waitBlocking(seconds: 10)
          target.cleanUp()
        }
        let answer = try await Self.find(url, name: name, minRate: 100, runs: runs.path)
        #expect(
          answer.capacity >= 0.85 * known && answer.capacity <= 1.02 * known,
          "\(name): capacity \(answer.capacity)/s against \(known)/s; \(answer.object["capacity"] ?? "")")
        // Past C the queue fills: latency, then 503s, or completions falling behind the offer.
        #expect(
          ["p99<300ms", "errors<1%", "achieved>=98%"].contains(answer.limitingSLO), "\(answer.limitingSLO)")
        capacities.append(answer.capacity)
      }
      let (status, stdout, stderr) = try await RampartProcess.run(
        ["compare", "one-backend", "two-backends", "--out", runs.path, "--no-tui"], timeout: 30)
      #expect(status == 0, "stderr: \(stderr)")
      let row = try #require(
        stdout.split(separator: "\n").first { $0.hasPrefix("Capacity (within SLO)") },
        "no capacity row: \(stdout)")
      let gain = try #require(row.firstMatch(of: /\+(\d+)%/).flatMap { Double($0.1) }, "\(row)")
      let expected = (capacities[1] - capacities[0]) / capacities[0] * 100
      #expect(abs(gain - expected) <= 1, "row '\(row)' against \(capacities)")
      #expect(gain >= 70 && gain <= 140, "two backends should hold about twice: \(row)")
    }
  }

  @Test("nginx limited to 300 requests/s: capacity within [0.85 C, 1.02 C], errors<1% named")
  func nginxLimitedRate() async throws {
    try await HeavyTest.run {
      let nginx = try await NginxServer(rate: 300)
      defer { nginx.stop() }
      let runs = try TemporaryDirectory("rampart-find")
      defer { runs.remove() }
      let answer = try await Self.find(nginx.url, name: "nginx", minRate: 50, runs: runs.path)
      #expect(
        answer.capacity >= 0.85 * 300 && answer.capacity <= 1.02 * 300,
        "capacity \(answer.capacity)/s against 300/s; \(answer.object["capacity"] ?? "")")
      // nginx refuses the excess at once with 503: the error rate breaks, latency does not.
      #expect(answer.limitingSLO == "errors<1%", "\(answer.object["capacity"] ?? "")")
      let run = try RunLoader.load(
        try #require(
          FileManager.default.contentsOfDirectory(atPath: runs.path).first.map {
            runs.appending($0).path
          }))
      // The whole search is one run: a journalled event per judged step, and the answer.
      let steps = run.events.filter { $0.kind == .searchStep }
      #expect(steps.count == run.summary?.capacity?.steps.count, "\(run.events.map(\.kind))")
      #expect(run.events.contains { $0.kind == .capacity })
    }
  }

  @Test(
    "a plan file gives the target and requests; its ramp is not used; passing at --max-rate is the verdict")
  func planFileGivesTargetAndRequests() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      defer { Task { await server.shutdown() } }
      let plan = """
        target = "\(server.url)"

        [ramp]
        vusers = 2

        [[requests]]
        path = "/items"
        weight = 3

        [[requests]]
        path = "/orders"
        """
      let p = try RampartProcess(
        [
          "find", "plan.toml", "--slo", "errors<1%", "--min-rate", "20", "--max-rate", "40", "--step-time",
          "2s",
          "--budget", "20s", "--no-tui", "--json",
        ], files: ["plan.toml": plan])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 60)
      #expect(status == 0, "stderr: \(p.stderr)")
      let object = try OpenModelCLITests.jsonObject(p.stdout)
      #expect(object["model"] as? String == "open", "the plan's [ramp] was used: \(object)")
      let search = try #require(object["capacity"] as? [String: Any], "\(object)")
      // The test server keeps up with 40/s: the search holds --max-rate and says so.
      #expect(search["verdict"] as? String == "passes_at_max_rate", "\(search)")
      #expect(object["capacity_rps"] as? Double == 40, "\(object)")
      #expect(object["failed_rps"] == nil || object["failed_rps"] is NSNull, "\(object)")
      let items = server.requests("GET /items").count
      let orders = server.requests("GET /orders").count
      #expect(items > 0 && orders > 0 && items > orders, "items \(items), orders \(orders)")
    }
  }

  @Test("stopped mid-search (SIGTERM, as q): the run is kept with the best answer so far, verdict stopped")
  func stoppedKeepsTheBestAnswer() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      defer { Task { await server.shutdown() } }
      let p = try RampartProcess([
        "find", server.url, "--slo", "p99<1s", "--min-rate", "20", "--max-rate", "640", "--step-time", "2s",
        "--budget", "60s", "--no-tui", "--json",
      ])
      defer { p.cleanUp() }
      // Two exploratory steps (3 s each) judged, then a graceful stop.
      let explored = try await Poll.until(seconds: 30) {
        p.stderr.components(separatedBy: "explore pass").count > 2
      }
      try #require(explored, "stderr: \(p.stderr)")
      p.signal(SIGTERM)
      let status = await p.wait(seconds: 30)
      #expect(status == 130, "exit \(String(describing: status)); stderr: \(p.stderr)")
      let object = try OpenModelCLITests.jsonObject(p.stdout)
      let search = try #require(object["capacity"] as? [String: Any], "\(object)")
      #expect(search["verdict"] as? String == "stopped", "\(search)")
      let steps = try #require(search["steps"] as? [[String: Any]])
      #expect(steps.count >= 2 && steps.allSatisfy { $0["verdict"] as? String == "pass" }, "\(steps)")
      // Only a held step sets the capacity: two exploratory passes do not.
      #expect(object["capacity_rps"] == nil || object["capacity_rps"] is NSNull, "\(object)")
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      #expect(run.summary?.capacity?.headline.hasPrefix("no rate passed yet") == true)
      #expect(run.events.contains { $0.kind == .capacity }, "the answer is journalled as an event")
    }
  }

  @Test("a target that fails at --min-rate gets that verdict, not a number")
  func failsAtMinRate() async throws {
    try await HeavyTest.run {
      // Nothing listens: every request is refused.
      let url = "http://127.0.0.1:\(SimpleHTTP.unusedPort())/"
      let p = try RampartProcess([
        "find", url, "--slo", "errors<1%", "--min-rate", "10", "--step-time", "2s", "--budget", "30s",
        "--no-tui", "--json",
      ])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 60)
      #expect(status == 0, "exit \(String(describing: status)); stderr: \(p.stderr)")
      let object = try OpenModelCLITests.jsonObject(p.stdout)
      let search = try #require(object["capacity"] as? [String: Any], "\(object)")
      #expect(search["verdict"] as? String == "fails_at_min_rate", "\(search)")
      #expect(object["capacity_rps"] == nil || object["capacity_rps"] is NSNull, "\(object)")
      #expect(
        object["failed_rps"] as? Double == 10 && object["limiting_slo"] as? String == "errors<1%", "\(object)"
      )
      #expect(
        p.stderr.contains("no capacity: failed at 10/s: errors<1% read 100.00% at --min-rate"), "\(p.stderr)")
    }
  }

  static let badInput: [(args: [String], says: String)] = [
    (["--slo", "p99<<300ms"], "--slo 'p99<<300ms'"),
    (["--slo", "tps>100"], "throughput is what find searches for"),
    ([], "at least one --slo"),
    (["--slo", "p99<300ms", "--min-rate", "500", "--max-rate", "100"], "--max-rate"),
    (["--slo", "p99<300ms", "--min-rate", "0"], "--min-rate"),
    (
      ["--slo", "p99<300ms", "--budget", "15s", "--step-time", "10s"],
      "--budget (15s) must hold at least two steps"
    ),
    (["--slo", "p99<300ms", "--precision", "150%"], "bad --precision '150%'"),
    (["--slo", "p99<300ms", "--rate", "100"], "--rate sets the load's shape"),
    (["--slo", "p99<300ms", "--vusers", "10"], "--vusers sets the load's shape"),
    (["--slo", "p99<300ms", "--duration", "1m"], "--duration (find has --budget)"),
    (["--slo", "log_errors<1"], "needs a log source"),
  ]

  @Test("bad input: exit 2, one line, nothing sent, no run directory", arguments: badInput.indices)
  func badFlag(index: Int) async throws {
    let (args, says) = Self.badInput[index]
    try await withTestServer { server in
      let p = try RampartProcess(["find", server.url, "--no-tui"] + args)
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 20)
      #expect(status == 2, "exit \(String(describing: status)) for \(args): \(p.stderr)")
      #expect(p.stderr.split(separator: "\n").count == 1, "stderr: \(p.stderr)")
      #expect(p.stderr.contains(says), "'\(p.stderr)' should say \(says)")
      #expect(p.stdout.isEmpty, "stdout: \(p.stdout)")
      let runs = p.directory.appendingPathComponent("rampart-runs").path
      #expect(!FileManager.default.fileExists(atPath: runs), "a run directory was made")
      #expect(server.requestCount == 0 && server.connectionCount == 0, "something was sent")
    }
  }
}
