import LogValues

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Cuts a byte stream into lines. A line without its `\n` yet is held until the rest arrives, so
/// a line written in two pieces is delivered once, whole. Only the first `LineLimits.keptBytes`
/// bytes of a line are kept; the rest is counted, so a 10 MiB line costs no more than a short one.
struct LineSplitter {
  private static let newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  /// The kept bytes of the line that has no `\n` yet.
  private var partial: [UInt8] = []
  /// Bytes of that line beyond the cap.
  private var partialDroppedBytes = 0
  /// The last byte of that line, kept or not: a `\r` before the `\n` is removed even when it fell
  /// beyond the cap.
  private var partialLastByte: UInt8?

  init() {}

  /// Whether bytes of an unterminated line are held.
  var hasPartial: Bool { partialLastByte != nil }

  /// Emits every line completed by `bytes`, in order, and holds the unterminated rest.
  mutating func feed(_ bytes: UnsafeRawBufferPointer, emit: (RawLine) -> Void) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    var start = 0
    while start < bytes.count {
      let remaining = bytes.count - start
      // memchr finds the line end at memory speed; a byte loop costs ten times more on long lines.
      guard let found = memchr(base + start, Int32(Self.newline), remaining) else {
        append(UnsafeRawBufferPointer(start: base + start, count: remaining))
        return
      }
      let end = base.distance(to: UnsafeRawPointer(found))
      if !hasPartial {
        // The common case: the whole line is in this buffer, so it is copied once.
        emit(Self.line(from: UnsafeRawBufferPointer(start: base + start, count: end - start)))
      } else {
        append(UnsafeRawBufferPointer(start: base + start, count: end - start))
        emit(takePartial())
      }
      start = end + 1
    }
  }

  /// The held unterminated line, if any, which is then forgotten. For a file that is closed after
  /// draining: its last line will never get a `\n`.
  mutating func flushPartial() -> RawLine? {
    hasPartial ? takePartial() : nil
  }

  /// Forgets the held unterminated line (the file was truncated under it).
  mutating func reset() {
    partial.removeAll(keepingCapacity: true)
    partialDroppedBytes = 0
    partialLastByte = nil
  }

  private mutating func append(_ bytes: UnsafeRawBufferPointer) {
    guard let last = bytes.last else { return }
    let room = LineLimits.keptBytes - partial.count
    if bytes.count <= room {
      partial.append(contentsOf: bytes)
    } else {
      partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room]))
      partialDroppedBytes += bytes.count - room
    }
    partialLastByte = last
  }

  private mutating func takePartial() -> RawLine {
    var kept = partial.count
    var dropped = partialDroppedBytes
    if partialLastByte == Self.carriageReturn {
      if dropped > 0 { dropped -= 1 } else { kept -= 1 }
    }
    // A copy of exactly the line, so the held buffer is reused without being reallocated.
    let line = RawLine(Array(partial[0..<kept]), droppedBytes: dropped)
    reset()
    return line
  }

  /// A line found whole in one buffer, without its `\r`, cut to the cap.
  private static func line(from bytes: UnsafeRawBufferPointer) -> RawLine {
    var count = bytes.count
    if count > 0, bytes[count - 1] == carriageReturn { count -= 1 }
    let kept = min(count, LineLimits.keptBytes)
    return RawLine(Array(UnsafeRawBufferPointer(rebasing: bytes[0..<kept])), droppedBytes: count - kept)
  }
}
