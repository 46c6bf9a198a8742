import Foundation
import TestKit
import Testing

@testable import TargetWatch

/// cgroups read from fixture trees the tests write (v2, v1, and the hybrid spellings of a v1
/// path), the counters moved between two readings against an injected clock, so the figures are
/// exact; and this machine's own cgroup read for plausibility where it has one.
@Suite(.timeLimit(.minutes(1)))
struct CgroupTests {
  static func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  @Test("v2: cpu.stat usage_usec and memory.current give exact cores and bytes")
  func version2() throws {
    let root = try TemporaryDirectory("watch-cgroup")
    defer { root.remove() }
    let service = root.appending("system.slice/app.service")
    try Self.write(
      "usage_usec 1000000\nuser_usec 700000\nsystem_usec 300000\n",
      to: service.appendingPathComponent("cpu.stat"))
    try Self.write("104857600\n", to: service.appendingPathComponent("memory.current"))
    var reader = try CgroupReader(path: service.path)
    #expect(reader.read(now: 100) == .read(WatchFigure(cpuCores: nil, rssBytes: 104_857_600)))
    // 1.5 CPU seconds in 1.25 s of the injected clock: 1.2 cores.
    try Self.write(
      "usage_usec 2500000\nuser_usec 1700000\nsystem_usec 800000\n",
      to: service.appendingPathComponent("cpu.stat"))
    try Self.write("209715200\n", to: service.appendingPathComponent("memory.current"))
    #expect(reader.read(now: 101.25) == .read(WatchFigure(cpuCores: 1.2, rssBytes: 209_715_200)))
    #expect(WatchSourceSpec.cgroup(path: service.path).displayName == "app.service")
    // The cgroup removed (the service stopped): lost; recreated with a fresh counter: no CPU yet.
    try FileManager.default.removeItem(at: service)
    #expect(reader.read(now: 102.25) == .failed("cpu.stat unreadable"))
    try Self.write("usage_usec 10\n", to: service.appendingPathComponent("cpu.stat"))
    #expect(reader.read(now: 103.25) == .read(WatchFigure(cpuCores: nil, rssBytes: nil)))
  }

  @Test("v1: cpuacct.usage in nanoseconds, memory.usage_in_bytes from the memory hierarchy beside it")
  func version1() throws {
    let root = try TemporaryDirectory("watch-cgroup")
    defer { root.remove() }
    let cpu = root.appending("cpu,cpuacct/system.slice/app.service")
    let memory = root.appending("memory/system.slice/app.service")
    try Self.write("5000000000\n", to: cpu.appendingPathComponent("cpuacct.usage"))
    try Self.write("52428800\n", to: memory.appendingPathComponent("memory.usage_in_bytes"))
    // Named by the CPU hierarchy, by the memory hierarchy, or in the v2 spelling without one.
    for given in [cpu.path, memory.path, root.appending("system.slice/app.service").path] {
      let files = try CgroupFiles.find(given)
      #expect(files.cpu == .usageNanoseconds(cpu.appendingPathComponent("cpuacct.usage").path), "\(given)")
      #expect(files.memory == memory.appendingPathComponent("memory.usage_in_bytes").path, "\(given)")
    }
    var reader = try CgroupReader(path: cpu.path)
    #expect(reader.read(now: 7) == .read(WatchFigure(cpuCores: nil, rssBytes: 52_428_800)))
    try Self.write("5750000000\n", to: cpu.appendingPathComponent("cpuacct.usage"))
    try Self.write("62914560\n", to: memory.appendingPathComponent("memory.usage_in_bytes"))
    #expect(reader.read(now: 9.5) == .read(WatchFigure(cpuCores: 0.3, rssBytes: 62_914_560)))
  }

  @Test("a directory without cpu.stat or cpuacct.usage, a missing path and a file are refused")
  func notCgroups() throws {
    let root = try TemporaryDirectory("watch-cgroup")
    defer { root.remove() }
    try Self.write("x", to: root.appending("plain/file.txt"))
    #expect(
      throws: WatchInputError.notACgroup(
        path: root.appending("plain").path,
        reason: "not a cgroup directory (no cpu.stat or cpuacct.usage in it or beside it)")
    ) {
      try CgroupReader(path: root.appending("plain").path)
    }
    #expect(
      throws: WatchInputError.notACgroup(path: root.appending("gone").path, reason: "no such directory")
    ) {
      try CgroupReader(path: root.appending("gone").path)
    }
    let file = root.appending("plain/file.txt").path
    #expect(throws: WatchInputError.notACgroup(path: file, reason: "not a directory")) {
      try CgroupReader(path: file)
    }
  }

  /// This process's own cgroup from /proc/self/cgroup: the v2 line `0::PATH` under the unified
  /// mount, or the v1 cpuacct line.
  static func ownCgroup() -> String? {
    guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
    var candidates: [String] = []
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count == 3 else { continue }
      let path = parts[2] == "/" ? "" : String(parts[2])
      if parts[1].split(separator: ",").contains("cpuacct") {
        candidates.append("/sys/fs/cgroup/\(parts[1])\(path)")
      } else if parts[0] == "0" && parts[1].isEmpty {
        candidates += ["/sys/fs/cgroup\(path)", "/sys/fs/cgroup/unified\(path)"]
      }
    }
    return candidates.first { (try? CgroupFiles.find($0)) != nil }
  }

  @Test(
    "this machine's own cgroup reads plausible figures",
    .enabled(if: CgroupTests.ownCgroup() != nil, "no cgroup of this process found under /sys/fs/cgroup"))
  func ownCgroupIsPlausible() async throws {
    var reader = try CgroupReader(path: try #require(Self.ownCgroup()))
    let start = WatchTesting.now()
    #expect(reader.read(now: start).figure != nil)
    try await Task.sleep(for: .milliseconds(500))  // a window for the counter to move in
    let figure = try #require(reader.read(now: WatchTesting.now()).figure)
    let cores = try #require(figure.cpuCores)
    #expect(cores >= 0 && cores <= Double(ProcessInfo.processInfo.activeProcessorCount) + 0.5)
    if let bytes = figure.rssBytes { #expect(bytes > 0) }
  }
}
