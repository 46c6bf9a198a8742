import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Disk space set aside in the run directory when the run starts and given back just before the
/// files that close the run are written, so that a disk which filled up mid-run still takes them.
///
/// It is held until the end, not released when journalling stops: space freed mid-run would go to
/// whatever else is filling the disk (the target's own logs, typically) long before the summary
/// is due.
final class SpaceReserve: Sendable {
  /// summary.json (900 bytes measured; a few kB with thresholds and tags) + latency.json (35 kB
  /// measured for 50 vusers over 5 s: 3 600 buckets) + the event line saying journalling stopped
  /// (about 150 bytes), with room to spare. A wider latency spread can outgrow it, so after a
  /// stop the summary is written first (`RunJournal.finish`).
  static let bytes: off_t = 64 * 1024

  let path: String
  private let held: Atomic<Bool>

  /// Creates `path` (0600, exclusively) and allocates `bytes` to it. Throws when the disk has no
  /// room for it: such a run could journal nothing. A filesystem that cannot preallocate leaves
  /// the run without a reserve.
  init(path: String, bytes: off_t = SpaceReserve.bytes) throws(StoreError) {
    self.path = path
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw StoreError.io(path: path, errno: errno) }
    let code = posix_fallocate(fd, 0, bytes)
    close(fd)
    let error = StoreError.io(path: path, errno: code)
    if code != 0 { unlink(path) }
    if error.isDiskFull { throw error }
    held = Atomic(code == 0)
  }

  /// Whether the space is still set aside.
  var isHeld: Bool { held.load(ordering: .relaxed) }

  /// Gives the space back (once; later calls do nothing).
  func release() {
    if held.exchange(false, ordering: .relaxed) { unlink(path) }
  }
}
