import Foundation
import TestKit
import Testing

@testable import TargetWatch

/// Every bad watch argument is refused at setup with one line naming the flag, the value and
/// the problem; good ones are named as the user will see them.
@Suite(.timeLimit(.minutes(1)))
struct WatchInputTests {
  static func refusal(_ spec: WatchSourceSpec, waitForMatch: Bool = false) -> WatchInputError? {
    do {
      _ = try WatchSampler(sources: [spec], options: .init(waitForMatch: waitForMatch))
      return nil
    } catch {
      return error
    }
  }

  /// A PID no process has: above the kernel's pid_max.
  static var unusedPID: Int32 {
    let max = (try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8))
      .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    return (max ?? 4_194_304) + 1
  }

  @Test("--watch-pid of a process that does not exist")
  func missingPID() {
    let pid = Self.unusedPID
    #expect(Self.refusal(.pid(pid)) == .noSuchProcess(pid: pid))
    #expect(Self.refusal(.pid(pid))?.description == "--watch-pid \(pid): no such process")
    #expect(Self.refusal(.pid(0)) == .noSuchProcess(pid: 0))
    #expect(Self.refusal(.pid(getpid())) == nil)
  }

  @Test("--watch-cgroup of a path that is not a cgroup directory")
  func notACgroup() throws {
    let directory = try TemporaryDirectory("watch-input")
    defer { directory.remove() }
    #expect(
      Self.refusal(.cgroup(path: directory.path))?.description
        == "--watch-cgroup \(directory.path): not a cgroup directory (no cpu.stat or cpuacct.usage in it or beside it)"
    )
    #expect(
      Self.refusal(.cgroup(path: "/no/such/dir"))?.description
        == "--watch-cgroup /no/such/dir: no such directory")
  }

  @Test("--watch-prom that is not http:// with a host")
  func badURLs() {
    #expect(
      Self.refusal(.prometheus(url: "https://127.0.0.1:9100/metrics"))?.description
        == "--watch-prom https://127.0.0.1:9100/metrics: https is not supported; scrape the exporter over plain http://"
    )
    #expect(
      Self.refusal(.prometheus(url: "localhost:9100"))?.description
        == "--watch-prom localhost:9100: not a URL (expected http://HOST[:PORT]/PATH)")
    #expect(
      Self.refusal(.prometheus(url: "http:///metrics"))?.description
        == "--watch-prom http:///metrics: no host")
    #expect(
      Self.refusal(.prometheus(url: "http://host:99999/"))?.description
        == "--watch-prom http://host:99999/: '99999' is not a port (1-65535)")
    #expect(
      Self.refusal(.prometheus(url: "gopher://host/"))?.description
        == "--watch-prom gopher://host/: only http:// URLs can be scraped")
    // A newline pasted into the argument stays one line.
    #expect(Self.refusal(.prometheus(url: "ftp://a\nb"))?.description.contains("\n") == false)
  }

  @Test("--watch-process matching nothing, unless waiting for a match; an empty pattern")
  func patterns() {
    let pattern = "rampart-no-such-process-\(UUID().uuidString)"
    #expect(Self.refusal(.process(pattern: pattern)) == .noMatchingProcess(pattern: pattern))
    #expect(
      Self.refusal(.process(pattern: pattern))?.description
        == "--watch-process '\(pattern)': no running process matches it (--watch-wait waits for one to start)"
    )
    #expect(Self.refusal(.process(pattern: pattern), waitForMatch: true) == nil)
    #expect(Self.refusal(.process(pattern: "")) == .emptyPattern)
    // The test process's own command line holds its name, but rampart (here: the test runner)
    // never matches itself.
    let ownName = ProcessInfo.processInfo.arguments[0]
    #expect(Self.refusal(.process(pattern: ownName)) == .noMatchingProcess(pattern: ownName))
  }

  @Test("names: the pattern, pid N, the cgroup's last component, host:port; made unique")
  func names() throws {
    let sampler = try WatchSampler(
      sources: [
        .pid(getpid()), .prometheus(url: "http://127.0.0.1:9100/metrics"),
        .prometheus(url: "http://127.0.0.1:9100/other"), .prometheus(url: "http://[::1]:9100/"),
        .process(pattern: "uvicorn"), .process(pattern: "uvicorn"),
      ], options: .init(waitForMatch: true))
    #expect(
      sampler.sourceNames == [
        "pid \(getpid())", "127.0.0.1:9100", "127.0.0.1:9100#2", "[::1]:9100", "uvicorn", "uvicorn#2",
      ])
    #expect(
      WatchSourceSpec.cgroup(path: "/sys/fs/cgroup/system.slice/app.service/").displayName == "app.service")
    #expect(
      WatchSourceSpec.uniqueNames([.process(pattern: "a#2"), .process(pattern: "a"), .process(pattern: "a")])
        == ["a#2", "a", "a#3"])
  }
}
