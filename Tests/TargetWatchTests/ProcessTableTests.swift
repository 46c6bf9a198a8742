import Foundation
import TestKit
import Testing

@testable import TargetWatch

/// The /proc side without real processes: stat lines whose names hold spaces and parentheses,
/// trees and pattern roots in a fixture table, and the tree's CPU arithmetic against an injected
/// clock.
@Suite(.timeLimit(.minutes(1)))
struct ProcessTableTests {
  /// A stat line as the kernel writes it, with the fields this module reads set.
  static func statLine(
    pid: Int32, comm: String, parent: Int32, user: UInt64 = 0, system: UInt64 = 0, start: UInt64 = 0,
    rss: Int64 = 0
  ) -> String {
    "\(pid) (\(comm)) S \(parent) \(pid) \(pid) 0 -1 4194560 100 0 0 0 \(user) \(system) 7 8 20 0 1 0 "
      + "\(start) 123456789 \(rss) 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
  }

  static func stat(
    _ pid: Int32, _ comm: String = "proc", parent: Int32, ticks: UInt64 = 0, start: UInt64 = 0, rss: Int64 = 0
  ) -> ProcStat {
    ProcStat(Array(statLine(pid: pid, comm: comm, parent: parent, user: ticks, start: start, rss: rss).utf8))!
  }

  @Test("the comm field may hold spaces and parentheses: fields are read after the last ')'")
  func commWithParentheses() throws {
    for comm in ["python3", "sd-pam)", "(sd-pam)", "a) b (c", "tmux: server", ") S 99 99 (", ""] {
      let line = Self.statLine(
        pid: 4242, comm: comm, parent: 17, user: 150, system: 50, start: 9000, rss: 2560)
      let stat = try #require(ProcStat(Array(line.utf8)), "comm \(comm)")
      #expect(stat.comm == comm)
      #expect(stat.pid == 4242 && stat.parent == 17)
      #expect(stat.cpuTicks == 200 && stat.startTicks == 9000 && stat.residentPages == 2560)
    }
    #expect(ProcStat(Array("4242 (cut short) S 1 2 3".utf8)) == nil)
    #expect(ProcStat(Array("no parentheses at all".utf8)) == nil)
  }

  @Test("a tree is the process and all its descendants, rampart's own subtree left out")
  func treeWalk() {
    let table = ProcessTable(
      processes: [
        1: Self.stat(1, parent: 0), 10: Self.stat(10, parent: 1), 11: Self.stat(11, parent: 10),
        12: Self.stat(12, parent: 11), 13: Self.stat(13, parent: 10), 20: Self.stat(20, parent: 1),
        14: Self.stat(14, parent: 13), 15: Self.stat(15, parent: 14),
      ], bootTicks: 0)
    #expect(Set(table.tree(of: [10]).map(\.pid)) == [10, 11, 12, 13, 14, 15])
    #expect(Set(table.tree(of: [10], excluding: 13).map(\.pid)) == [10, 11, 12])
    #expect(table.ancestors(of: 12) == [11, 10, 1])
  }

  @Test("pattern roots: a match under another match is not a root; rampart and its starters never match")
  func patternRoots() throws {
    let directory = try TemporaryDirectory("watch-proc")
    defer { directory.remove() }
    let commands: [Int32: (parent: Int32, cmdline: String)] = [
      1: (0, "/sbin/init"),
      100: (1, "/bin/sh\0-c\0rampart run --watch-process uvicorn\0"),  // started rampart
      101: (100, "rampart\0run\0--watch-process\0uvicorn\0"),  // rampart itself
      200: (1, "/usr/bin/python3\0/usr/bin/uvicorn\0app:main\0--workers\u{0}2\0"),  // master
      201: (200, "/usr/bin/python3\0-c\0from multiprocessing.spawn import spawn_main\0"),  // worker
      202: (200, "uvicorn worker\0"),  // a worker that matches too
      300: (1, "uvicorn\0--port\u{0}9000\0"),  // a second server
      400: (1, ""),  // a kernel thread: its comm is matched
    ]
    var processes: [Int32: ProcStat] = [:]
    for (pid, entry) in commands {
      let folder = directory.appending("\(pid)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(entry.cmdline.utf8).write(to: folder.appendingPathComponent("cmdline"))
      let comm = pid == 400 ? "kuvicornd" : "proc"
      let line = Self.statLine(pid: pid, comm: comm, parent: entry.parent)
      try Data(line.utf8).write(to: folder.appendingPathComponent("stat"))
      processes[pid] = Self.stat(pid, comm, parent: entry.parent)
    }
    let read = ProcessTable.read(root: directory.path)
    #expect(read.processes == processes)
    #expect(read.commandLine(of: 200) == "/usr/bin/python3 /usr/bin/uvicorn app:main --workers 2")
    #expect(read.commandLine(of: 400) == "kuvicornd")
    #expect(read.roots(matching: "uvicorn", own: 101) == [200, 300, 400])
    #expect(read.roots(matching: "app:main", own: 101) == [200])
    #expect(read.roots(matching: "no such thing", own: 101).isEmpty)
  }

  @Test("tree CPU: per-process deltas, a new child's whole time, a joining old process's none")
  func treeCPUArithmetic() {
    let page = SystemFigures.pageSize
    let tick = SystemFigures.ticksPerSecond
    var reader = ProcessTreeReader(target: .process(ProcessKey(pid: 10, startTicks: 50)), own: 1)
    let first = ProcessTable(
      processes: [
        10: Self.stat(10, parent: 1, ticks: 100, start: 50, rss: 1000),
        11: Self.stat(11, parent: 10, ticks: 50, start: 60, rss: 500),
      ], bootTicks: 1000)
    #expect(reader.read(first, now: 10) == .read(WatchFigure(cpuCores: nil, rssBytes: 1500 * page)))
    // A second later by the injected clock (2 s): 10 used 0.5 s, 11 exited, 12 started since
    // the first reading and used 0.3 s, 13 is old and only now below 10 (a baseline, no CPU).
    let second = ProcessTable(
      processes: [
        10: Self.stat(10, parent: 1, ticks: 100 + UInt64(0.5 * tick), start: 50, rss: 1200),
        12: Self.stat(12, parent: 10, ticks: UInt64(0.3 * tick), start: 1010, rss: 300),
        13: Self.stat(13, parent: 10, ticks: 99_999, start: 500, rss: 100),
      ], bootTicks: 1100)
    let figure = reader.read(second, now: 12).figure
    #expect(figure?.rssBytes == 1600 * page)
    #expect(abs((figure?.cpuCores ?? -1) - 0.4) < 1e-9)
    // The PID reused by another process (another start time) is the watched process gone.
    let reused = ProcessTable(
      processes: [10: Self.stat(10, parent: 1, ticks: 5, start: 2000)], bootTicks: 2100)
    #expect(reader.read(reused, now: 13) == .failed("pid 10 exited"))
  }
}
