/// Where a cgroup's CPU and memory counters are, found once when the source is set up.
///
/// cgroup v2 keeps both in one directory (`cpu.stat`'s `usage_usec`, `memory.current`). v1 keeps
/// each controller in a hierarchy of its own (`/sys/fs/cgroup/cpuacct/REL/cpuacct.usage` in
/// nanoseconds, `/sys/fs/cgroup/memory/REL/memory.usage_in_bytes`), and on a hybrid machine the
/// path a user copies may name either hierarchy, or none (`/sys/fs/cgroup/REL`, the v2 spelling):
/// the other controller is looked for at the same relative path beside it.
struct CgroupFiles: Sendable, Equatable {
  enum CPUCounter: Sendable, Equatable {
    /// v2 `cpu.stat`, the `usage_usec` line, in microseconds.
    case usageMicroseconds(String)
    /// v1 `cpuacct.usage`, in nanoseconds.
    case usageNanoseconds(String)
  }

  var cpu: CPUCounter
  /// `memory.current` (v2) or `memory.usage_in_bytes` (v1); nil when no memory controller is
  /// found (the figure then has no memory).
  var memory: String?

  /// The hierarchy directory names a v1 controller may be mounted under.
  static let cpuHierarchies = ["cpuacct", "cpu,cpuacct", "cpuacct,cpu"]
  static let memoryHierarchies = ["memory"]

  /// Finds the counters for the cgroup at `path`.
  static func find(_ path: String) throws(WatchInputError) -> CgroupFiles {
    let directory = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    if SmallFile.exists("\(directory)/cpu.stat") {
      let memory = "\(directory)/memory.current"
      return CgroupFiles(
        cpu: .usageMicroseconds("\(directory)/cpu.stat"),
        memory: SmallFile.exists(memory) ? memory : v1File(near: directory, "memory.usage_in_bytes"))
    }
    if let usage = v1File(near: directory, "cpuacct.usage") {
      return CgroupFiles(
        cpu: .usageNanoseconds(usage), memory: v1File(near: directory, "memory.usage_in_bytes"))
    }
    let reason =
      !SmallFile.exists(directory)
      ? "no such directory"
      : SmallFile.isDirectory(directory)
        ? "not a cgroup directory (no cpu.stat or cpuacct.usage in it or beside it)"
        : "not a directory"
    throw .notACgroup(path: path, reason: reason)
  }

  /// A v1 controller file for the cgroup at `directory`: in the directory itself, else at the same
  /// relative path in the controller's own hierarchy, the nearest split of the path first.
  static func v1File(near directory: String, _ file: String) -> String? {
    let direct = "\(directory)/\(file)"
    if SmallFile.exists(direct) { return direct }
    let hierarchies = file.hasPrefix("cpuacct") ? cpuHierarchies : memoryHierarchies
    let absolute = directory.hasPrefix("/")
    let components = directory.split(separator: "/").map(String.init)
    for index in components.indices.reversed() {
      let prefix = (absolute ? "/" : "") + components[..<index].joined(separator: "/")
      let base = prefix.isEmpty || prefix == "/" ? prefix : prefix + "/"
      // Either this component is another controller's hierarchy (…/memory/REL given, cpuacct
      // wanted) and is replaced, or the path has no hierarchy in it (…/REL) and one is inserted.
      var relatives = [components[index...].joined(separator: "/")]
      if isHierarchyName(components[index]) {
        relatives.insert(components[(index + 1)...].joined(separator: "/"), at: 0)
      }
      for hierarchy in hierarchies {
        for relative in relatives {
          let candidate =
            relative.isEmpty ? "\(base)\(hierarchy)/\(file)" : "\(base)\(hierarchy)/\(relative)/\(file)"
          if SmallFile.exists(candidate) { return candidate }
        }
      }
    }
    return nil
  }

  /// Whether a path component is a v1 hierarchy's mount directory (`cpu,cpuacct`, `memory`,
  /// `unified`, `systemd`, ...), which the other controllers' paths do not share.
  static func isHierarchyName(_ component: String) -> Bool {
    let controllers: Set<Substring> = [
      "cpu", "cpuacct", "cpuset", "memory", "blkio", "devices", "freezer", "pids", "net_cls",
      "net_prio", "perf_event", "hugetlb", "rdma", "misc", "unified", "systemd", "name=systemd",
    ]
    return component.split(separator: ",").allSatisfy { controllers.contains($0) }
  }
}
