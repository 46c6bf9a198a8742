#if canImport(Glibc)
  import Glibc
#endif

/// Every process of the machine at one moment, read from `/proc/*/stat`: what a process tree is
/// walked in (parents to children) and a command-line pattern is matched against.
struct ProcessTable: Sendable {
  /// The processes by PID.
  let processes: [Int32: ProcStat]
  /// The children of each process, by parent PID.
  let children: [Int32: [Int32]]
  /// Clock ticks since boot when the table was read, on the clock `startTicks` counts on: a
  /// process that started after a table was read has `startTicks` at or after its `bootTicks`.
  let bootTicks: UInt64
  /// The proc file system's mount point (a fixture directory in tests).
  let root: String

  init(processes: [Int32: ProcStat], bootTicks: UInt64, root: String = "/proc") {
    self.processes = processes
    self.bootTicks = bootTicks
    self.root = root
    var children: [Int32: [Int32]] = [:]
    for process in processes.values where process.parent != process.pid {
      children[process.parent, default: []].append(process.pid)
    }
    self.children = children
  }

  /// Reads every numbered directory of `root`. A process that exits while the table is read is
  /// simply left out.
  static func read(root: String = "/proc") -> ProcessTable {
    let bootTicks = SystemFigures.bootTicks()
    var processes: [Int32: ProcStat] = [:]
    guard let directory = opendir(root) else {
      return ProcessTable(processes: [:], bootTicks: bootTicks, root: root)
    }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      guard let pid = Int32(name), pid > 0,
        let line = SmallFile.read("\(root)/\(name)/stat", limit: 4096), let stat = ProcStat(line)
      else { continue }
      processes[pid] = stat
    }
    return ProcessTable(processes: processes, bootTicks: bootTicks, root: root)
  }

  /// `roots` and all their descendants, each once; the subtree of `excluded` (rampart's own
  /// process) is left out wherever it hangs below a root (a root is what was asked for).
  func tree(of roots: [Int32], excluding excluded: Int32? = nil) -> [ProcStat] {
    var seen: Set<Int32> = []
    var stack = roots
    var members: [ProcStat] = []
    while let pid = stack.popLast() {
      guard pid != excluded || roots.contains(pid), let process = processes[pid], seen.insert(pid).inserted
      else { continue }
      members.append(process)
      stack.append(contentsOf: children[pid] ?? [])
    }
    return members
  }

  /// The PIDs above `pid`: its parent, the parent's parent, ... up to init.
  func ancestors(of pid: Int32) -> Set<Int32> {
    var found: Set<Int32> = []
    var current = processes[pid]?.parent
    while let parent = current, parent > 0, found.insert(parent).inserted {
      current = processes[parent]?.parent
    }
    return found
  }

  /// The command line a pattern is matched against: `/proc/PID/cmdline`'s NUL-separated
  /// arguments joined by spaces, or the comm name where it is empty (kernel threads, zombies).
  /// Only pattern sources read it: the kernel takes the process's memory lock to copy it out, so
  /// a process stuck holding that lock can make the read wait, as it makes `ps` wait.
  func commandLine(of pid: Int32) -> String? {
    guard let process = processes[pid] else { return nil }
    guard let raw = SmallFile.read("\(root)/\(pid)/cmdline", limit: 16 << 10) else { return nil }
    var arguments = raw.split(separator: 0, omittingEmptySubsequences: false)
    while arguments.last?.isEmpty == true { arguments.removeLast() }
    guard !arguments.isEmpty else { return process.comm }
    return arguments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
  }

  /// The processes whose command line contains `pattern`, rampart (`own`) and the processes
  /// above it excepted (a shell or `timeout` that started rampart has the pattern in its own
  /// command line), reduced to roots: a match below another match (a uvicorn worker under its
  /// master) is counted in the master's tree, so it is not a root of its own.
  func roots(matching pattern: String, own: Int32) -> [Int32] {
    let excluded = ancestors(of: own).union([own])
    let matches = Set(
      processes.values.filter { process in
        !excluded.contains(process.pid) && !process.hasExited
          && (commandLine(of: process.pid)?.contains(pattern) ?? false)
      }.map(\.pid))
    return matches.filter { ancestors(of: $0).isDisjoint(with: matches) }.sorted()
  }
}

/// The machine's constants for turning /proc figures into seconds and bytes.
enum SystemFigures {
  /// Clock ticks per second of `/proc/PID/stat`'s time fields (USER_HZ, 100 on Linux).
  static let ticksPerSecond: Double = {
    let ticks = sysconf(Int32(_SC_CLK_TCK))
    return ticks > 0 ? Double(ticks) : 100
  }()

  /// Bytes per page of the resident counts.
  static let pageSize: Double = {
    let size = sysconf(Int32(_SC_PAGESIZE))
    return size > 0 ? Double(size) : 4096
  }()

  /// Clock ticks since boot now, on CLOCK_BOOTTIME: the clock a process's start time counts on.
  static func bootTicks() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_BOOTTIME, &now)
    let seconds = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    return UInt64(seconds * ticksPerSecond)
  }
}
