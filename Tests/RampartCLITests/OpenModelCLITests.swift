import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The open model with the built binary (issue 19): bad `--rate*` flags and plan files refused
/// before anything is sent, the `--json` contract of an open and a closed run, and `rampart ctl`
/// changing the rate of a running test. Loopback targets only; every wait is bounded; only
/// processes started here are ended, by their id.
@Suite("rampart run --rate: bad input, the --json contract, the control socket", .timeLimit(.minutes(30)))
struct OpenModelCLITests {
  // MARK: bad input

  static let badFlags: [(args: [String], says: String)] = [
    (["--rate", "0"], "--rate must be more than 0 requests per second, got 0"),
    (["--rate", "-5"], "--rate must be more than 0 requests per second, got -5"),
    (["--rate", "abc"], "The value 'abc' is invalid for '--rate <PER_SECOND>'"),
    (["--rate", "100", "--vusers", "5"], "--rate and --vusers do not go together"),
    (["--rate", "100", "--stage", "10s:5"], "--rate and --stage do not go together"),
    (["--rate", "100", "--think", "1s"], "--think is for the closed model's vusers"),
    (["--rate-stage", "1m:-5"], "bad --rate-stage '1m:-5': expected DURATION:RATE"),
    (["--rate-stage", "soon:5"], "bad --rate-stage 'soon:5': expected DURATION:RATE"),
    (["--rate-step", "10"], "--rate-start, --rate-step and --rate-every need --rate"),
    (["--max-vusers", "0", "--rate", "10"], "--max-vusers must be between 1 and 1000000, got 0"),
    (
      ["--max-vusers", "10"], "--max-vusers, --max-backlog and --arrivals are for the open model: add --rate"
    ),
    (
      ["--arrivals", "burst"], "--max-vusers, --max-backlog and --arrivals are for the open model: add --rate"
    ),
    (["--rate", "10", "--arrivals", "burst"], "--arrivals must be even or poisson, got 'burst'"),
  ]

  /// The same mistakes in a plan file (its `target` line comes first), and the flags that cannot
  /// go over a plan's `[rate]`.
  static let badPlans: [(plan: String, args: [String], says: String)] = [
    ("[rate]\nrate = 0\n", [], "plan.toml:3:1: rate.rate: must be more than 0 requests per second, got 0"),
    ("[rate]\nrate = -5\n", [], "plan.toml:3:1: rate.rate: must be more than 0 requests per second, got -5"),
    ("[rate]\nrate = \"abc\"\n", [], "plan.toml:3:1: rate.rate: expected a number of requests per second"),
    ("[rate]\nrate = 100\n[ramp]\nvusers = 5\n", [], "plan.toml:4:1: ramp: [ramp] and [rate] cannot be used"),
    (
      "[rate]\nrate = 100\n[[stages]]\nduration = \"10s\"\ntarget = 5\n", [],
      "plan.toml:4:1: stages: [[stages]] and [rate] cannot be used"
    ),
    ("think = \"1s\"\n[rate]\nrate = 100\n", [], "plan.toml:3:1: rate: think and [rate] cannot be used"),
    (
      "[[rate_stages]]\nduration = \"1m\"\ntarget = -5\n", [],
      "plan.toml:4:1: rate_stages[0].target: must be 0 or more requests per second, got -5"
    ),
    (
      "[[rate_stages]]\nduration = \"soon\"\ntarget = 5\n", [],
      "plan.toml:3:1: rate_stages[0].duration: expected a duration"
    ),
    ("[rate]\nstep = 10\n", [], "plan.toml:2:1: rate: missing 'rate'"),
    (
      "[rate]\nrate = 10\nmax_vusers = 0\n", [],
      "plan.toml:4:1: rate.max_vusers: must be an integer from 1 to 1000000, got 0"
    ),
    ("[rate]\nmax_vusers = 10\n", [], "plan.toml:2:1: rate: missing 'rate'"),
    (
      "[rate]\nrate = 10\narrivals = \"burst\"\n", [], "plan.toml:4:1: rate.arrivals: must be even or poisson"
    ),
    ("[rate]\nrate = 10\nrat = 5\n", [], "plan.toml:4:1: rate.rat: unknown key (did you mean 'rate.rate'?)"),
    ("[rate]\nrate = 10\n", ["--think", "1s"], "--think is for the closed model's vusers"),
    ("[rate]\nrate = 10\n", ["--max-vusers", "0"], "--max-vusers must be between 1 and 1000000, got 0"),
    ("[rate]\nrate = 10\n", ["--vusers", "2", "--arrivals", "even"], "are for the open model: add --rate"),
  ]

  @Test("bad --rate* flags: exit 2, one line, nothing sent, no run directory", arguments: badFlags.indices)
  func badFlag(index: Int) async throws {
    let (args, says) = Self.badFlags[index]
    try await HeavyTest.run { try await Self.expectRefused(args, files: [:], says: says) }
  }

  @Test("bad [rate] plans and flags over them: exit 2, one line, nothing sent", arguments: badPlans.indices)
  func badPlan(index: Int) async throws {
    let (plan, args, says) = Self.badPlans[index]
    try await HeavyTest.run {
      try await Self.expectRefused(["plan.toml"] + args, files: ["plan.toml": plan], says: says)
    }
  }

  /// Runs `rampart run ARGS` (a URL first unless a plan is given, whose target it fills in) and
  /// expects the refusal `says` as its only line.
  static func expectRefused(_ args: [String], files: [String: String], says: String) async throws {
    try await withTestServer { server in
      let target = "target = \"\(server.url)\"\n"
      let withTarget = files.mapValues { target + $0 }
      let url = files.isEmpty ? [server.url] : []
      let p = try RampartProcess(
        ["run"] + url + args + ["--duration", "1s", "--no-tui"], files: withTarget)
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 20)
      #expect(status == 2, "exit \(String(describing: status)) for \(args): \(p.stderr)")
      #expect(p.stderr.split(separator: "\n").count == 1, "stderr: \(p.stderr)")
      #expect(p.stderr.hasPrefix("rampart: error: "), "stderr: \(p.stderr)")
      #expect(p.stderr.contains(says), "'\(p.stderr)' should say \(says)")
      #expect(p.stdout.isEmpty, "stdout: \(p.stdout)")
      let runs = p.directory.appendingPathComponent("rampart-runs").path
      #expect(!FileManager.default.fileExists(atPath: runs), "a run directory was made")
      #expect(server.requestCount == 0 && server.connectionCount == 0, "something was sent")
    }
  }

  // MARK: the --json contract

  static let openKeys = ["offered_rps", "late", "dropped", "generator_limited_s", "uncorrected"]

  @Test(
    "--json: an open run says model open with its arrivals and offers exactly rate x duration; a closed run says closed"
  )
  func jsonContract() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        let p = try RampartProcess([
          "run", server.url, "--rate", "200", "--duration", "2s", "--no-tui", "--json",
        ])
        defer { p.cleanUp() }
        let status = await p.wait(seconds: 60)
        #expect(status == 0, "stderr: \(p.stderr)")
        let object = try Self.jsonObject(p.stdout)
        #expect(object["model"] as? String == "open", "\(object)")
        for key in Self.openKeys { #expect(object[key] != nil, "missing \(key): \(object)") }
        let uncorrected = try #require(object["uncorrected"] as? [String: Any], "\(object)")
        for key in ["mtt_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms"] {
          #expect(uncorrected[key] is NSNumber, "uncorrected lacks \(key): \(uncorrected)")
        }
        // Arrival n is due at n/200 s and none at or after 2 s: 400 offered, every one sent (a
        // vuser and a backlog place for each second of them), answered within the grace period.
        #expect(object["requests"] as? Int == 400, "\(object)")
        #expect(object["dropped"] as? Int == 0 && object["inflight_at_stop"] as? Int == 0, "\(object)")
        #expect(server.requestCount == 400)
        let duration = try #require(object["duration_s"] as? Double)
        let offeredRate = try #require(object["offered_rps"] as? Double)
        #expect(abs(offeredRate * duration - 400) < 0.5, "offered_rps \(offeredRate) over \(duration) s")
        let run = try RunLoader.load(try #require(p.runDirectories.first))
        #expect(run.samples.reduce(0) { $0 + ($1.offered ?? 0) } == 400, "\(run.samples.map(\.offered))")
        #expect(run.summary?.model == .open)
      }
      try await withTestServer { server in
        let (status, stdout, stderr) = try await RampartProcess.run(
          ["run", server.url, "--vusers", "2", "--requests", "50", "--no-tui", "--json"])
        #expect(status == 0, "stderr: \(stderr)")
        let object = try Self.jsonObject(stdout)
        #expect(object["model"] as? String == "closed", "\(object)")
        for key in Self.openKeys { #expect(object[key] == nil, "a closed run has \(key): \(object)") }
        #expect(object["requests"] as? Int == 50)
      }
    }
  }

  static func jsonObject(_ text: String) throws -> [String: Any] {
    let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    return try #require(object, "not one JSON object: \(text)")
  }

  // MARK: the control socket

  @Test(
    "rampart ctl: rate 400 taken and journalled in an open run; bad rates and vusers refused; rate refused in a closed run"
  )
  func controlSocket() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        try await Self.driveOpenRun(server)
        try await Self.driveClosedRun(server)
      }
    }
  }

  typealias Ctl = LiveControlE2ETests.Ctl

  static func driveOpenRun(_ server: TestHTTPServer) async throws {
    let directory = try LiveControlE2ETests.shortDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let socket = directory.appendingPathComponent("ctl.sock").path
    let runs = directory.appendingPathComponent("runs").path
    let p = try RampartProcess([
      "run", server.url, "--rate", "200", "--duration", "30s", "--no-tui", "--control", socket, "--out", runs,
    ])
    defer { Self.end(p) }
    let ctl = { (words: [String]) in try Ctl.send(socket, words) }
    // Waits return as soon as they hold; a busy machine can take seconds to start the run.
    let serving = try await Poll.until(seconds: 30) { (try? ctl(["status"]))?.status == 0 }
    try #require(serving, "the control socket never answered; stderr: \(p.stderr)")

    let before = try Ctl.status(ctl(["status"]))
    #expect(before["model"] as? String == "open", "\(before)")
    #expect(before["rate"] as? Double == 200, "\(before)")
    for key in ["offered", "late", "dropped"] {
      #expect(before[key] is NSNumber, "status lacks \(key): \(before)")
    }

    let rate = try ctl(["rate", "400"])
    #expect(rate.status == 0 && rate.stdout == "ok rate 400/s\n", "\(rate)")
    #expect(try Ctl.status(ctl(["status"]))["rate"] as? Double == 400)
    // A whole second after the change offers the new rate (arrivals are due at n/400 s); how
    // many exactly is read from the journal below.
    var offered = 0.0
    let raised = try await Poll.until(seconds: 30) {
      offered = try Ctl.status(ctl(["status"]))["offered"] as? Double ?? 0
      return offered >= 390
    }
    #expect(raised, "offered \(offered)/s after rate 400")

    // Refused: exit 2, one line, nothing journalled.
    let directories = RunLoader.runDirectories(root: runs)
    try #require(directories.count == 1, "run directories: \(directories)")
    let eventsFile = URL(fileURLWithPath: "\(directories[0])/events.jsonl")
    let eventsBefore = try Data(contentsOf: eventsFile)
    for (words, says) in [
      (["rate", "0"], "'rate' needs requests per second more than 0"),
      (["rate", "x"], "'rate' needs requests per second more than 0"),
      (["vusers", "5"], "an open-model run has a rate, not vusers"),
    ] {
      let reply = try ctl(words)
      #expect(reply.status == 2 && reply.stdout.isEmpty, "\(words): \(reply)")
      #expect(reply.stderr.hasPrefix("rampart: error: \(says)"), "\(words): \(reply)")
      #expect(reply.stderr.split(separator: "\n").count == 1, "\(words): \(reply)")
    }
    #expect(try Ctl.status(ctl(["status"]))["rate"] as? Double == 400)
    #expect(try Data(contentsOf: eventsFile) == eventsBefore, "a refused command was journalled")

    let stop = try ctl(["stop"])
    #expect(stop.status == 0 && stop.stdout == "ok stopping\n", "\(stop)")
    let exit = await p.wait(seconds: 30)
    #expect(exit == 130, "exit \(String(describing: exit)); stderr: \(p.stderr)")
    let run = try RunLoader.load(directories[0])
    let changes = run.events.filter { $0.kind == .setRate }
    #expect(changes.map(\.value) == [400], "events: \(run.events)")
    // The first whole second after the change offered 400. One due late across a boundary counts
    // in the next second, and was sent more than 1 ms late (the row's `late`, booked in the second
    // it went): the second may gain its own late ones and lose the next one's, a few more on a
    // quiet machine. (Read live from `status`, a busy machine's catch-up second read over 410.)
    let changedAt = try #require(changes.first?.elapsed)
    let first = try #require(
      run.samples.first { Double($0.t) >= changedAt && $0.isWhole }, "no second after the change")
    let lateIn = first.late ?? 0
    let lateNext = run.samples.first { $0.t == first.t + 1 }?.late ?? 0
    let offeredThen = first.offered ?? 0
    #expect(
      offeredThen <= 400 + 3 + lateIn && offeredThen >= 400 - 3 - lateNext,
      "second \(first.t) offered \(offeredThen), late \(lateIn) there and \(lateNext) next")
  }

  static func driveClosedRun(_ server: TestHTTPServer) async throws {
    let directory = try LiveControlE2ETests.shortDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let socket = directory.appendingPathComponent("ctl.sock").path
    let runs = directory.appendingPathComponent("runs").path
    let p = try RampartProcess([
      "run", server.url, "--vusers", "2", "--think", "50ms", "--duration", "30s", "--no-tui", "--control",
      socket, "--out", runs,
    ])
    defer { Self.end(p) }
    let ctl = { (words: [String]) in try Ctl.send(socket, words) }
    let serving = try await Poll.until(seconds: 30) { (try? ctl(["status"]))?.status == 0 }
    try #require(serving, "the control socket never answered; stderr: \(p.stderr)")
    let status = try Ctl.status(ctl(["status"]))
    #expect(status["model"] as? String == "closed" && status["rate"] == nil, "\(status)")

    let rate = try ctl(["rate", "100"])
    #expect(rate.status == 2 && rate.stdout.isEmpty, "\(rate)")
    #expect(rate.stderr.hasPrefix("rampart: error: this run has vusers, not a rate"), "\(rate)")
    #expect(rate.stderr.split(separator: "\n").count == 1, "\(rate)")

    let stop = try ctl(["stop"])
    #expect(stop.status == 0, "\(stop)")
    let exit = await p.wait(seconds: 30)
    #expect(exit == 130, "exit \(String(describing: exit)); stderr: \(p.stderr)")
    let run = try RunLoader.load(try #require(RunLoader.runDirectories(root: runs).first))
    #expect(!run.events.contains { $0.kind == .setRate }, "events: \(run.events)")
  }

  /// Kills the run if a failed expectation left it running, and removes its working directory.
  static func end(_ p: RampartProcess) {
    if p.process.isRunning {
      p.signal(SIGKILL)
      p.waitBlocking(seconds: 5)
    }
    p.cleanUp()
  }
}
