import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One client of the control socket, owned by the server's thread. Its socket is non-blocking:
/// bytes are read when they are there, lines answered, replies written as far as the client
/// takes them. Nothing here ever waits on the client.
final class ControlConnection {
  let fd: Int32
  private var input: [UInt8] = []
  /// Replies not yet taken by the client, from `outputStart` on.
  private var output: [UInt8] = []
  private var outputStart = 0
  /// The client shut its side: answer what it sent, then hang up.
  private(set) var inputEnded = false
  /// Set after an over-long line: no more commands are read, the last reply goes out, then close.
  private(set) var closingAfterOutput = false
  /// When bytes last moved either way; a client idle for longer than the limit is dropped.
  private(set) var lastProgress: ContinuousClock.Instant

  init(fd: Int32, now: ContinuousClock.Instant) {
    self.fd = fd
    lastProgress = now
  }

  var pendingOutput: Int { output.count - outputStart }

  /// Whether a complete command waits to be answered (then nothing more is read: the input stays
  /// bounded by one read and one line, whatever the client sends).
  var hasCompleteLine: Bool { input.contains(10) }

  var wantsInput: Bool { !inputEnded && !closingAfterOutput && !hasCompleteLine }

  /// Dropped by the server (a failed socket, replies piling up): closed at the end of the turn.
  private(set) var isAbandoned = false

  /// Done: abandoned, or nothing more will come in and every reply went out.
  var isFinished: Bool {
    isAbandoned || ((inputEnded || closingAfterOutput) && !hasCompleteLine && pendingOutput == 0)
  }

  func abandon() { isAbandoned = true }

  enum ReadResult { case progressed, wouldBlock, failed }

  /// Reads what the client sent, at most `limit` bytes.
  func read(limit: Int, now: ContinuousClock.Instant) -> ReadResult {
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    var total = 0
    while total < limit {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count > 0 {
        input.append(contentsOf: buffer[0..<count])
        total += count
        lastProgress = now
        continue
      }
      if count == 0 {
        inputEnded = true
        return .progressed
      }
      if errno == EINTR { continue }
      if errno == EAGAIN || errno == EWOULDBLOCK { return total > 0 ? .progressed : .wouldBlock }
      return .failed
    }
    return .progressed
  }

  /// Answers up to `maximumLines` complete lines with `respond`, queueing each reply; stops early
  /// once more than `outputLimit` bytes wait to be written (the rest stay for a later turn).
  func answerLines(maximumLines: Int, outputLimit: Int, respond: (String) -> String) {
    var answered = 0
    var consumed = 0
    defer { input.removeFirst(consumed) }
    while answered < maximumLines, pendingOutput <= outputLimit,
      let newline = input[consumed...].firstIndex(of: 10)
    {
      let line = String(decoding: input[consumed..<newline], as: UTF8.self)
        .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
      consumed = newline + 1
      answered += 1
      queue(respond(line))
    }
    // An over-long line is refused whole, and the connection ends after the refusal.
    if !closingAfterOutput, input.count - consumed > ControlCommand.maximumLineBytes,
      !input[consumed...].contains(10)
    {
      queue("error: line longer than \(ControlCommand.maximumLineBytes) bytes")
      closingAfterOutput = true
      consumed = input.count
    }
  }

  enum WriteResult { case progressed, wouldBlock, failed }

  /// Writes as much of the queued replies as the socket takes now.
  func write(now: ContinuousClock.Instant) -> WriteResult {
    var wrote = false
    while pendingOutput > 0 {
      let sent = UnixSocket.send(fd, output[outputStart...])
      if sent > 0 {
        outputStart += sent
        wrote = true
        lastProgress = now
        continue
      }
      if sent < 0 && errno == EINTR { continue }
      if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
      return .failed
    }
    if outputStart == output.count {
      output.removeAll(keepingCapacity: true)
      outputStart = 0
    }
    return wrote ? .progressed : .wouldBlock
  }

  private func queue(_ reply: String) {
    output.append(contentsOf: reply.utf8)
    output.append(10)
  }
}
