import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

@Suite("rampart run: headless output and the run directory", .timeLimit(.minutes(30)))
struct CLIRunTests {
  @Test("progress lines each second, a summary, and a complete run directory with safe modes")
  func headlessRun() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess([
        "run", server.url, "--vusers", "4", "--duration", "2s", "--no-tui", "--name", "smoke",
      ])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 30)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      let progress = p.stdout.split(separator: "\n").filter { $0.contains("vusers") && $0.contains("tps") }
      #expect(progress.count >= 2)
      for needle in ["rampart summary: complete", "requests", "tps", "p99", "status codes   200:", "run dir"]
      {
        #expect(p.stdout.contains(needle), "summary lacks \(needle)")
      }
      let dirs = p.runDirectories
      #expect(dirs.count == 1)
      let dir = try #require(dirs.first)
      #expect(dir.hasSuffix("-smoke"))
      #expect(try mode(dir) == 0o700)
      for file in ["meta.json", "series.jsonl", "events.jsonl", "latency.json", "summary.json"] {
        #expect(try mode("\(dir)/\(file)") == 0o600, "\(file)")
      }
      let run = try RunLoader.load(dir)
      #expect(run.outcome == .complete)
      #expect(run.discardedLines == 0)
      #expect(run.samples.count >= 2)
      let summary = try #require(run.summary)
      #expect(summary.requests == run.samples.reduce(0) { $0 + $1.completed })
      #expect(summary.ok == server.requestCount)
      #expect(run.events.first?.kind == .start)
      // The whole run's histogram: one entry per response, the summary's percentiles from it.
      let latencyData = try #require(FileManager.default.contents(atPath: "\(dir)/latency.json"))
      let latency = try JSONDecoder().decode(LatencyDistribution.self, from: latencyData)
      #expect(latency.count == UInt64(summary.ok))
      #expect(Double(latency.value(atPercentile: 50)) / 1000 == summary.p50Ms)
      #expect(Double(latency.value(atPercentile: 99)) / 1000 == summary.p99Ms)
    }
  }

  @Test("--json prints one JSON object with the documented keys on stdout")
  func jsonSummary() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let (status, stdout, _) = try await RampartProcess.run(
        ["run", server.url, "--vusers", "2", "--requests", "300", "--no-tui", "--json"])
      await server.shutdown()
      #expect(status == 0)
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "stdout: \(stdout)")
      let keys = [
        "requests", "duration_s", "tps", "tps_peak", "mtt_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms",
        "max_ms", "errors", "errors_by_kind", "status_codes", "run_dir",
      ]
      for key in keys { #expect(object[key] != nil, "missing \(key)") }
      #expect(object["requests"] as? Int == 300)
      #expect((object["status_codes"] as? [String: Int])?["200"] == 300)
    }
  }

  @Test("nGrinder vocabulary: --processes 2 --threads 3 runs 6 vusers; a POST body is read from @file")
  func processesThreadsAndBodyFile() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let directory = try TemporaryDirectory("rampart-body")
      defer { directory.remove() }
      let bodyFile = directory.appending("body.json")
      try Data(#"{"hello":"world"}"#.utf8).write(to: bodyFile)
      let (status, stdout, stderr) = try await RampartProcess.run([
        "run", server.url, "--processes", "2", "--threads", "3", "--duration", "1s", "-X", "POST",
        "-H", "Content-Type: application/json", "--body", "@\(bodyFile.path)", "--no-tui", "--json",
      ])
      await server.shutdown()
      #expect(status == 0, "\(stderr)")
      let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
      #expect(object["vusers_peak"] as? Int == 6)
      let requests = try #require(object["requests"] as? Int)
      // 17 body bytes per request, plus the head.
      #expect((object["bytes_out"] as? Int ?? 0) >= requests * (17 + 60))
    }
  }

  @Test("secrets in headers are redacted in meta.json")
  func redactsSecrets() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess([
        "run", server.url, "-H", "Authorization: Bearer s3cr3t-canary", "--requests", "5", "--no-tui",
      ])
      defer { p.cleanUp() }
      #expect(await p.wait(seconds: 30) == 0)
      await server.shutdown()
      let dir = try #require(p.runDirectories.first)
      for file in ["meta.json", "series.jsonl", "events.jsonl", "summary.json"] {
        let text = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)
        #expect(!text.contains("s3cr3t-canary"), "\(file) leaks the secret")
      }
    }
  }
}

func mode(_ path: String) throws -> Int {
  let attributes = try FileManager.default.attributesOfItem(atPath: path)
  return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
}
