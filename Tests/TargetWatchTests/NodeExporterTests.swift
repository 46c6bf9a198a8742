import Foundation
import TestKit
import TestSupport
import Testing

@testable import TargetWatch

/// A real prometheus-node-exporter (Debian's package, which CI installs) on 127.0.0.1, scraped
/// by the sampler: the machine's CPU and used memory come out plausible, and the exporter's own
/// small process_* series are not taken for them.
@Suite(.timeLimit(.minutes(2)))
struct NodeExporterTests {
  static let binary = "/usr/bin/prometheus-node-exporter"
  static var installed: Bool { FileManager.default.isExecutableFile(atPath: binary) }

  /// MemTotal from /proc/meminfo, in bytes.
  static func memTotal() throws -> Double {
    let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
    let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("MemTotal:") })
    let kib = try #require(Double(line.split(separator: " ")[1]))
    return kib * 1024
  }

  /// The exporter on a free port: a port found free is taken by the exporter a moment later, so
  /// if another process took it first the exporter exits and another port is tried.
  static func startExporter() async throws -> (ChildProcess, Int) {
    for _ in 0..<5 {
      let port = SimpleHTTP.unusedPort()
      let exporter = try WatchTesting.start([
        "timeout", "60", binary, "--web.listen-address=127.0.0.1:\(port)",
      ])
      let listening = try await Poll.until(seconds: 15) {
        !exporter.process.isRunning || (try? SimpleHTTP.get(port: port, path: "/")) != nil
      }
      if listening && exporter.process.isRunning { return (exporter, port) }
      exporter.kill()
    }
    throw TestSupportError("prometheus-node-exporter did not start on any of 5 ports")
  }

  @Test(
    "node_exporter scraped twice: 0 <= cores <= CPUs + 0.5, used memory in (100 MiB, MemTotal]",
    .enabled(
      if: NodeExporterTests.installed,
      "prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter)"))
  func realExporter() async throws {
    let (exporter, port) = try await Self.startExporter()
    defer { exporter.kill() }
    let sampler = try WatchSampler(sources: [.prometheus(url: "http://127.0.0.1:\(port)/metrics")])
    let name = "127.0.0.1:\(port)"
    sampler.start()
    // The first scrape has memory only; the second has the CPU rate too.
    let complete = try await Poll.until(seconds: 30) { sampler.latest()[name]?.cpuCores != nil }
    let figure = sampler.latest()[name]
    await WatchTesting.onOwnThread { sampler.stop() }
    try #require(complete, "no two scrapes in 30 s; lost: \(sampler.lostSources())")
    let cores = try #require(figure?.cpuCores)
    let used = try #require(figure?.rssBytes)
    let cpus = Double(ProcessInfo.processInfo.processorCount)
    print("node_exporter: \(cores) cores of \(Int(cpus)), \(used / 1_048_576) MiB used")
    #expect(cores >= 0 && cores <= cpus + 0.5)
    let total = try Self.memTotal()
    #expect(used > 100 * 1_048_576 && used <= total)
  }
}
