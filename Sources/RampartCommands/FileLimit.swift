import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The open-file limit bounds how many vusers can hold a connection. Like Locust, rampart raises
/// the soft limit to the hard limit at start and says so when it still caps concurrency.
struct FileLimit {
  var before: Int
  var now: Int

  static func raise() -> FileLimit {
    var limit = rlimit()
    guard getrlimit(resourceNoFile, &limit) == 0 else { return FileLimit(before: 1024, now: 1024) }
    let before = Int(clamping: limit.rlim_cur)
    if limit.rlim_cur < limit.rlim_max {
      var raised = limit
      raised.rlim_cur = limit.rlim_max
      if setrlimit(resourceNoFile, &raised) == 0 {
        return FileLimit(before: before, now: Int(clamping: raised.rlim_cur))
      }
    }
    return FileLimit(before: before, now: before)
  }

  /// Descriptors left free under the connection cap, for what opens files during a run: the
  /// journal's temporary files, /proc reads, a rotated log, libdispatch's thread monitor.
  static let headroom = 16

  /// Descriptors assumed open (stdio, journal, event loops, log followers) where they cannot be
  /// counted.
  static let assumedOpen = 48

  /// Connections that fit beside the descriptors open now and the headroom.
  func connectionCap(openNow: Int?) -> Int {
    max(1, now - (openNow ?? Self.assumedOpen) - Self.headroom)
  }

  /// Descriptors this process has open, nil where that cannot be listed.
  static func openDescriptors() -> Int? {
    #if os(Linux)
      let directory = "/proc/self/fd"
    #else
      let directory = "/dev/fd"
    #endif
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
    // The listing holds a descriptor of its own while it reads.
    return max(0, names.count - 1)
  }

  private static var resourceNoFile: Int32 {
    #if canImport(Glibc)
      Int32(RLIMIT_NOFILE.rawValue)
    #else
      RLIMIT_NOFILE
    #endif
  }
}
