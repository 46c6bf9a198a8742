import LogValues

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Follows a path like GNU `tail -F`, by polling: survives rename rotation (draining the old file
/// first), copytruncate, deletion and recreation, and a path that does not exist yet. Never opens
/// anything that could block (FIFOs, devices) and never reads a huge file from its start.
public final class FileFollower: LogFollower {
  /// Bytes read per system call, and the size of the one reusable read buffer.
  static let chunkBytes = 64 * 1024
  /// How far back from the end the first poll looks for the last lines, so a 10 GiB file starts at
  /// once.
  static let historyWindowBytes = 64 * 1024
  /// First bytes of the file compared at each poll to notice a rewrite that left the file larger.
  static let fingerprintBytes = 256
  /// Delay before trying again a path that was refused or unreadable.
  static let retrySeconds = 1.0
  /// Old files kept open at most while they drain.
  static let maximumDrainingFiles = 8

  public let path: String
  private let roots: LogRoots?
  private let historyLines: Int
  private let drainSeconds: Double

  /// The file the path names now.
  private var current: FollowedFile?
  /// Files the path named before (renamed or deleted), oldest first. Writers keep their old
  /// descriptor for a moment after a rotation, so these are still read until they go quiet.
  private var draining: [FollowedFile] = []
  /// True until the path is seen missing, a file is followed or a non-regular file is found: only
  /// a file that was there from the start begins near its end; one that appears later is new and
  /// read from its start. (A file unreadable at first still begins near its end once readable.)
  private var startsNearEnd = true
  private var isFirstAttempt = true
  /// The problem last reported, so a state is reported once rather than at every poll.
  private var reportedProblem: SourceNotice?
  /// What to report when a file is next opened (`.appeared`, `.replaced`); nil on the first poll.
  private var noticeOnOpen: SourceNotice?
  /// The followed file was renamed away and nothing has taken the path yet. A rotation is normally
  /// completed at once; if not by this time, the file is reported deleted.
  private var renamedAwayDeadline: Double?
  private var nextOpenAttemptAt = -Double.infinity
  private var isClosed = false
  /// Test seam: runs before each read of the followed file, so a test can rewrite the file at the
  /// worst moment (after the truncation checks, before the read) deterministically.
  var beforeChunkRead: (() -> Void)?

  private let buffer: UnsafeMutableRawBufferPointer
  private let prefixScratch: UnsafeMutableRawBufferPointer

  public init(path: String, roots: [String] = [], historyLines: Int = 10, drainSeconds: Double = 1.0) {
    self.path = path
    self.roots = roots.isEmpty ? nil : LogRoots(roots)
    self.historyLines = max(0, historyLines)
    self.drainSeconds = drainSeconds
    buffer = .allocate(byteCount: Self.chunkBytes, alignment: 16)
    prefixScratch = .allocate(byteCount: Self.fingerprintBytes, alignment: 16)
  }

  deinit {
    close()
    buffer.deallocate()
    prefixScratch.deallocate()
  }

  public func poll(now: Double, byteBudget: Int, into output: inout [FollowerOutput]) {
    guard !isClosed else { return }
    var budget = max(0, byteBudget)
    // Old files first: their lines were written before the ones in the file that replaced them.
    readDrainingFiles(now: now, budget: &budget, into: &output)
    if let file = current {
      checkPathStillNames(file, now: now, budget: &budget, into: &output)
    } else if now >= nextOpenAttemptAt {
      openPath(now: now, into: &output)
    }
    if let file = current {
      readCurrent(file, now: now, budget: &budget, into: &output)
    } else if let deadline = renamedAwayDeadline, now >= deadline {
      renamedAwayDeadline = nil
      output.append(.notice(.deleted))
      reportedProblem = .waiting
      noticeOnOpen = .appeared
    }
  }

  public func close() {
    isClosed = true
    if let file = current { closeDescriptor(file.descriptor) }
    current = nil
    for file in draining { closeDescriptor(file.descriptor) }
    draining.removeAll()
  }

  // MARK: Path state

  /// Notices a rotation (the path names another file) or a deletion (it names none).
  private func checkPathStillNames(
    _ file: FollowedFile, now: Double, budget: inout Int, into output: inout [FollowerOutput]
  ) {
    var info = stat()
    if stat(path, &info) == 0 {
      if FileIdentity(info) == file.identity { return }
      readCurrent(file, now: now, budget: &budget, into: &output)
      retire(file, now: now)
      noticeOnOpen = .replaced
      openPath(now: now, into: &output)
      return
    }
    let error = errno
    // Anything else (a directory made unsearchable) says nothing about the file: keep reading it.
    guard error == ENOENT || error == ENOTDIR else { return }
    readCurrent(file, now: now, budget: &budget, into: &output)
    var own = stat()
    let isUnlinked = fstat(file.descriptor, &own) == 0 && own.st_nlink == 0
    retire(file, now: now)
    startsNearEnd = false
    nextOpenAttemptAt = now
    reportedProblem = .waiting
    if isUnlinked {
      output.append(.notice(.deleted))
      noticeOnOpen = .appeared
    } else {
      // Renamed away (the first half of a rotation): quiet, since the new file normally follows.
      renamedAwayDeadline = now + max(drainSeconds, 0.2)
      noticeOnOpen = .replaced
    }
  }

  /// Moves the followed file to the draining list; it is read until it has been quiet for
  /// `drainSeconds`.
  private func retire(_ file: FollowedFile, now: Double) {
    file.lastDataAt = now
    draining.append(file)
    current = nil
    // Rotations faster than the drain time, with writers that never let go, must not pile up
    // descriptors: the oldest is given up.
    if draining.count > Self.maximumDrainingFiles {
      let oldest = draining.removeFirst()
      closeDescriptor(oldest.descriptor)
    }
  }

  private func openPath(now: Double, into output: inout [FollowerOutput]) {
    let isFirst = isFirstAttempt
    isFirstAttempt = false
    nextOpenAttemptAt = now + Self.retrySeconds
    var info = stat()
    guard stat(path, &info) == 0 else {
      let error = errno
      guard error == ENOENT || error == ENOTDIR else {
        report(.unreadable(Self.describe(error)), into: &output)
        return
      }
      // Refused at once rather than after waiting for a file that would be refused anyway.
      if isFirst, let roots, !roots.contains(path) {
        report(.refused("outside the log roots"), into: &output)
        return
      }
      startsNearEnd = false
      nextOpenAttemptAt = now
      if renamedAwayDeadline == nil { report(.waiting, into: &output) }
      return
    }
    if let roots, !roots.contains(path) {
      report(.refused("outside the log roots"), into: &output)
      return
    }
    // stat before open: opening a FIFO without a writer would block the poll thread.
    if let kind = FileKind.irregularKind(of: info.st_mode) {
      // A regular file that takes this path later is a new file, read from its start.
      startsNearEnd = false
      report(.refused("not a regular file (\(kind))"), into: &output)
      return
    }
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      let error = errno
      if error == ENOENT {
        nextOpenAttemptAt = now
      } else {
        report(.unreadable(Self.describe(error)), into: &output)
      }
      return
    }
    var own = stat()
    guard fstat(descriptor, &own) == 0 else {
      report(.unreadable(Self.describe(errno)), into: &output)
      closeDescriptor(descriptor)
      return
    }
    // The path may have been swapped for something else between stat and open.
    if let kind = FileKind.irregularKind(of: own.st_mode) {
      closeDescriptor(descriptor)
      startsNearEnd = false
      report(.refused("not a regular file (\(kind))"), into: &output)
      return
    }
    let identity = FileIdentity(own)
    if let index = draining.firstIndex(where: { $0.identity == identity }) {
      // The same file came back (renamed away and back): resume where it was, so no line is read
      // twice.
      closeDescriptor(descriptor)
      current = draining.remove(at: index)
      if renamedAwayDeadline == nil, let notice = noticeOnOpen { output.append(.notice(notice)) }
    } else {
      let file = FollowedFile(descriptor: descriptor, identity: identity, now: now)
      current = file
      if let notice = noticeOnOpen { output.append(.notice(notice)) }
      if startsNearEnd {
        startNearEnd(file, size: Int(own.st_size), into: &output)
      }
      _ = fingerprintStillMatches(file)
    }
    startsNearEnd = false
    renamedAwayDeadline = nil
    noticeOnOpen = nil
    reportedProblem = nil
    nextOpenAttemptAt = now
  }

  private func report(_ problem: SourceNotice, into output: inout [FollowerOutput]) {
    noticeOnOpen = .appeared
    guard reportedProblem != problem else { return }
    reportedProblem = problem
    output.append(.notice(problem))
  }

  // MARK: Reading

  /// Shows the last `historyLines` complete lines of a file that was there from the start, and
  /// positions after the last complete line: a line being written is then read once, whole.
  private func startNearEnd(_ file: FollowedFile, size: Int, into output: inout [FollowerOutput]) {
    let windowStart = max(0, size - Self.historyWindowBytes)
    var filled = 0
    while filled < size - windowStart {
      let count = pread(
        file.descriptor, buffer.baseAddress! + filled, size - windowStart - filled,
        off_t(windowStart + filled))
      if count < 0, errno == EINTR { continue }
      if count <= 0 { break }
      filled += count
    }
    let window = UnsafeRawBufferPointer(start: buffer.baseAddress, count: filled)
    let newline = UInt8(ascii: "\n")
    guard let lastNewline = window.lastIndex(of: newline) else {
      // No line end in the window: all of a short file is one unfinished line, read it whole later;
      // in a huge file (sparse, or one giant line) start at the end, like `tail -n 0`.
      file.offset = windowStart == 0 ? 0 : windowStart + filled
      return
    }
    file.offset = windowStart + lastNewline + 1
    guard historyLines > 0 else { return }
    // The window may begin inside a line; that piece is not shown.
    let firstLineStart = windowStart == 0 ? 0 : window.firstIndex(of: newline)! + 1
    var historyStart = firstLineStart
    var newlinesSeen = 0
    var index = lastNewline - 1
    while index >= firstLineStart {
      if window[index] == newline {
        newlinesSeen += 1
        if newlinesSeen == historyLines {
          historyStart = index + 1
          break
        }
      }
      index -= 1
    }
    guard historyStart <= lastNewline else { return }
    var splitter = LineSplitter()
    splitter.feed(UnsafeRawBufferPointer(rebasing: window[historyStart...lastNewline])) {
      output.append(.history($0))
    }
  }

  /// Reads what the followed file has beyond the offset, restarting at 0 when it was truncated or
  /// rewritten (copytruncate).
  private func readCurrent(
    _ file: FollowedFile, now: Double, budget: inout Int, into output: inout [FollowerOutput]
  ) {
    guard now >= file.readRetryAt else { return }
    var info = stat()
    guard fstat(file.descriptor, &info) == 0 else { return }
    if Int(info.st_size) < file.offset || !fingerprintStillMatches(file) {
      restartAfterTruncation(file, into: &output)
    }
    guard Int(info.st_size) > file.offset else { return }
    var restarts = 0
    while budget > 0 {
      let wanted = min(budget, buffer.count)
      beforeChunkRead?()
      let count = pread(file.descriptor, buffer.baseAddress, wanted, off_t(file.offset))
      if count < 0 {
        let error = errno
        if error == EINTR { continue }
        report(.unreadable(Self.describe(error)), into: &output)
        file.readRetryAt = now + Self.retrySeconds
        return
      }
      if count == 0 { break }
      // Read, then verify: if the file was truncated and rewritten since the checks above, this
      // chunk came from the old offset of the new content, the torn middle of a new line. It is
      // dropped and the new content read from 0.
      if !fingerprintStillMatches(file) {
        restarts += 1
        // Rewritten again and again under us: leave the rest to the next poll.
        guard restarts <= 2 else { break }
        restartAfterTruncation(file, into: &output)
        continue
      }
      file.splitter.feed(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)) {
        output.append(.line($0))
      }
      file.offset += count
      file.lastDataAt = now
      budget -= count
      // Readable again: a later failure is a change worth reporting.
      if case .unreadable = reportedProblem { reportedProblem = nil }
      // A short read of a regular file means its end.
      if count < wanted { break }
    }
  }

  private func restartAfterTruncation(_ file: FollowedFile, into output: inout [FollowerOutput]) {
    output.append(.notice(.truncated))
    file.splitter.reset()
    file.offset = 0
    file.fingerprint.removeAll(keepingCapacity: true)
    _ = fingerprintStillMatches(file)
  }

  /// Compares the file's first bytes with those seen before, and records more of them while the
  /// file is shorter than the fingerprint. False when they differ or the file became shorter.
  private func fingerprintStillMatches(_ file: FollowedFile) -> Bool {
    var count = 0
    repeat {
      count = pread(file.descriptor, prefixScratch.baseAddress, Self.fingerprintBytes, 0)
    } while count < 0 && errno == EINTR
    // A read error is reported by the data read that follows, not taken for a rewrite.
    guard count >= 0 else { return true }
    let prefix = UnsafeRawBufferPointer(start: prefixScratch.baseAddress, count: count)
    let known = file.fingerprint.count
    if count < known { return false }
    if known > 0 {
      let matches = file.fingerprint.withUnsafeBytes {
        memcmp($0.baseAddress!, prefix.baseAddress!, known) == 0
      }
      guard matches else { return false }
    }
    if count > known {
      file.fingerprint.append(contentsOf: UnsafeRawBufferPointer(rebasing: prefix[known...]))
    }
    return true
  }

  /// Reads old files to their end and closes each once it has been quiet for `drainSeconds`.
  private func readDrainingFiles(now: Double, budget: inout Int, into output: inout [FollowerOutput]) {
    var index = 0
    while index < draining.count {
      let file = draining[index]
      let reachedEnd = readToEnd(file, now: now, budget: &budget, into: &output)
      if reachedEnd, now - file.lastDataAt >= drainSeconds {
        if let line = file.splitter.flushPartial() { output.append(.line(line)) }
        closeDescriptor(file.descriptor)
        draining.remove(at: index)
      } else {
        index += 1
      }
    }
  }

  /// Reads a draining file up to its current end or the budget; true when its end was reached.
  private func readToEnd(
    _ file: FollowedFile, now: Double, budget: inout Int, into output: inout [FollowerOutput]
  ) -> Bool {
    while budget > 0 {
      let wanted = min(budget, buffer.count)
      let count = pread(file.descriptor, buffer.baseAddress, wanted, off_t(file.offset))
      if count < 0, errno == EINTR { continue }
      // A read error on a file nobody names any more: nothing more will come from it.
      if count <= 0 { return true }
      file.splitter.feed(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)) {
        output.append(.line($0))
      }
      file.offset += count
      file.lastDataAt = now
      budget -= count
      if count < wanted { return true }
    }
    return false
  }

  private static func describe(_ error: Int32) -> String {
    String(cString: strerror(error))
  }
}
