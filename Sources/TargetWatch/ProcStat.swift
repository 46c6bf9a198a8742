/// The fields of one `/proc/PID/stat` line this module needs.
///
/// The line is `pid (comm) state ppid ...`, where comm is the process's name as it set it: it may
/// hold spaces and parentheses (`(sd-pam)`, `(a) b (c)`), so the fields after it are found from the
/// *last* `)` of the line, never by splitting the whole line on spaces.
struct ProcStat: Equatable, Sendable {
  var pid: Int32
  var comm: String
  var parent: Int32
  /// utime + stime: CPU time in user and kernel mode, in clock ticks (`sysconf(_SC_CLK_TCK)`),
  /// of every thread of the process. Children's time (cutime, cstime) is left out: a child is
  /// counted while it lives, and adding what the parent reaps would count it twice.
  var cpuTicks: UInt64
  /// When the process started, in clock ticks after boot; with the PID it names one process even
  /// when the PID is reused later.
  var startTicks: UInt64
  /// Resident pages: the same counter `/proc/PID/statm` reports as resident (the kernel's
  /// `get_mm_rss`), taken from the line already read rather than from a second file.
  var residentPages: UInt64
  /// Whether it has exited and waits to be reaped (state Z, or X while it goes): a zombie keeps
  /// its PID but is no longer the running process.
  var hasExited: Bool

  /// Parses one stat line; nil when it is not one (cut short, or a field is not a number).
  init?(_ line: [UInt8]) {
    guard let open = line.firstIndex(of: UInt8(ascii: "(")),
      let close = line.lastIndex(of: UInt8(ascii: ")")), open < close,
      let pid = Int32(String(decoding: line[..<open], as: UTF8.self).trimmingWhitespace())
    else { return nil }
    // After the comm: state (field 3), ppid (4), ... utime (14), stime (15), starttime (22), rss (24).
    let fields = line[(close + 1)...].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == 10 })
    guard fields.count >= 22 else { return nil }
    func number(_ index: Int) -> UInt64? { UInt64(String(decoding: fields[index], as: UTF8.self)) }
    guard let parent = Int32(String(decoding: fields[1], as: UTF8.self)),
      let user = number(11), let system = number(12), let start = number(19),
      // rss is signed in the kernel's format; a negative count (never seen) reads as 0.
      let rss = Int64(String(decoding: fields[21], as: UTF8.self))
    else { return nil }
    self.pid = pid
    self.comm = String(decoding: line[(open + 1)..<close], as: UTF8.self)
    self.parent = parent
    self.cpuTicks = user &+ system
    self.startTicks = start
    self.residentPages = UInt64(max(0, rss))
    self.hasExited = fields[0] == [UInt8(ascii: "Z")] || fields[0] == [UInt8(ascii: "X")]
  }

  /// The process's identity across readings: a PID and its start time.
  var key: ProcessKey { ProcessKey(pid: pid, startTicks: startTicks) }
}

/// One process over its life: its PID alone could be reused by another process after it exits.
struct ProcessKey: Hashable, Sendable {
  var pid: Int32
  var startTicks: UInt64
}
