import Metrics
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One virtual user of the closed model: owns one keep-alive connection and loops send, wait,
/// think. Confined to its worker's event loop (hence `@unchecked Sendable`): every method runs on
/// that loop, so no state here is shared across threads.
final class VirtualUser: @unchecked Sendable {
  // The state below is module-internal, not private, so the scheduling and connection halves
  // (VirtualUserScheduling.swift, VirtualUserConnection.swift) share it; only this vuser's own
  // event loop ever touches it.
  // The worker outlives its vusers (it ends them before it goes), so no reference counting is
  // spent on the hot path to reach it.
  unowned(unsafe) let worker: LoopWorker
  let context: RunContext

  var channel: Channel?
  /// The context of this connection's handler: writing through it skips the pipeline's tail.
  var writeContext: ChannelHandlerContext?
  var generation = 0
  /// The connection's socket while requests are written on it directly (plain HTTP, nothing
  /// queued in NIO); nil = through NIO.
  var directSocket: Int32?
  var requestsOnConnection = 0
  /// The connection has carried no request byte yet: TCP connect, TLS handshake, or up with its
  /// first write still queued. A reset now is a failed connect (`connect_reset`), never an answer.
  var connectionInSetup = false
  private var parser = ResponseParser()

  /// From the moment a request is scheduled until it is booked.
  var inFlight = false
  /// The request bytes are on their way and a response is expected.
  private var awaitingResponse = false
  private var writeComplete = true
  /// The request waits in the worker's write queue.
  private var writeQueued = false
  private var responseBytesSeen = false
  private var pendingFailure: ErrorKind?
  private var firstSendNanos: UInt64 = 0
  private(set) var deadlineNanos: UInt64 = .max
  var redirects = 0
  /// Open model: this request is an arrival, due at `intendedNanos`; its latency counts from then.
  var isArrival = false
  var intendedNanos: UInt64 = 0
  /// The request was sent once more on a fresh connection (a stale keep-alive connection, or the
  /// previous response's excess in its place): at most once, and its latency runs from the first.
  var resent = false
  var request: ByteBuffer
  /// Which of the run's requests this iteration sends, and its flags.
  var variant = 0
  var flags: RequestVariants.Flags

  /// Failures of fresh connections in a row; drives the reconnect backoff.
  var connectFailures = 0
  var wakeUp: Scheduled<Void>?
  var retiring = false
  var parked = false

  init(worker: LoopWorker, context: RunContext) {
    self.worker = worker
    self.context = context
    self.request = worker.requestBuffers[0]
    self.flags = worker.variantFlags[0]
  }

  // MARK: request and response

  /// Prepares the request and queues its write for the end of this round of events.
  func send() {
    guard channel != nil else { return connect() }
    parser.reset(expectBody: flags.expectsResponseBody)
    responseBytesSeen = false
    pendingFailure = nil
    awaitingResponse = true
    // Until the write is done, a close fails a request that must not be resent as a write error.
    writeComplete = !flags.tracksWriteCompletion
    deadlineNanos = worker.nowNanos &+ context.requestTimeoutNanos
    if !writeQueued {
      writeQueued = true
      worker.queueWrite(self)
    }
  }

  /// Writes the queued request, after the loop has handled every event that was ready (as wrk
  /// does): the latency clock starts at the write itself, not at the response that freed this
  /// vuser while others were still waiting to be read.
  func writeQueuedRequest() {
    guard writeQueued else { return }
    writeQueued = false
    // The connection went, or the vuser was stopped, between queueing and now.
    guard awaitingResponse, channel != nil else { return }
    let now = RunContext.now()
    if redirects == 0 && !resent {
      firstSendNanos = now
      if isArrival, now > intendedNanos &+ ArrivalTally.lateNanos {
        worker.recorder.recordLate(second: worker.nowSecond)
      }
    }
    deadlineNanos = now &+ context.requestTimeoutNanos
    worker.recorder.recordBytes(second: worker.nowSecond, outbound: request.readableBytes)
    guard let directSocket else { return writeThroughNIO() }
    switch DirectSocket.send(request, on: directSocket) {
    case .sent:
      writeComplete = true
      connectionInSetup = false
    case .partial(let sent):
      // NIO sends the rest when the socket drains; the requests after it go through NIO too, so
      // nothing overtakes it.
      if sent > 0 { connectionInSetup = false }
      self.directSocket = nil
      writeThroughNIO(skipping: sent)
    case .failed(let code):
      // The request never left: the close books it as `write` (broken pipe, reset while sending),
      // or `connect_reset` on a connection that never carried a byte, unless it is a GET on a
      // reused connection, which is retried once on a fresh one.
      pendingFailure = ErrorClassifier.kind(errno: code, phase: connectionInSetup ? .connect : .write)
      channel?.close(promise: nil)
    }
  }

  private func writeThroughNIO(skipping sent: Int = 0) {
    guard let channel else { return }
    var promise: EventLoopPromise<Void>?
    // A plain connection's first write through NIO ends its setup once the bytes are out, or tells
    // how the connection broke before they left: NIO closes on a failed write without reporting it.
    // (A TLS connection's setup ends with its handshake.)
    let settingUp = connectionInSetup && context.sslContext == nil
    if flags.tracksWriteCompletion || settingUp {
      promise = channel.eventLoop.makePromise(of: Void.self)
      let generation = self.generation
      promise?.futureResult.whenComplete { [self] result in
        guard generation == self.generation else { return }
        switch result {
        case .success:
          writeComplete = true
          connectionInSetup = false
        case .failure(let error):
          if settingUp, pendingFailure == nil {
            pendingFailure = ErrorClassifier.kind(for: error, phase: .connect)
          }
        }
      }
    }
    var bytes = request
    bytes.moveReaderIndex(forwardBy: sent)
    if let writeContext {
      writeContext.writeAndFlush(NIOAny(bytes), promise: promise)
    } else {
      channel.writeAndFlush(bytes, promise: promise)
    }
  }

  func received(_ buffer: ByteBuffer, generation: Int) {
    guard generation == self.generation else { return }
    worker.tick()
    worker.writeCarried()
    let count = buffer.readableBytes
    worker.recorder.recordBytes(second: worker.nowSecond, inbound: count)
    guard awaitingResponse else {
      // Bytes while idle answer nothing: the last response's excess, arriving late.
      return dropForExcess()
    }
    if requestsOnConnection > 0, !responseBytesSeen,
      writeQueued || !buffer.withUnsafeReadableBytes({ ResponseParser.couldStartStatusLine($0) })
    {
      // Before this request was written, or not the start of a response: the previous
      // response's excess reached the connection's next request, and is not its answer.
      return excessInPlaceOfResponse()
    }
    responseBytesSeen = true
    let outcome = buffer.withUnsafeReadableBytes { parser.consume($0) }
    switch outcome {
    case .needMore:
      return
    case .failed(let violation):
      dropConnection()
      finish(.failure(.protocol), latency: nil, violation: violation)
    case .complete(let consumed):
      // Bytes after a complete response (curl: "Excess found"): the response stands; the
      // connection cannot be trusted to frame another.
      if consumed < count { dropForExcess() }
      responseComplete()
    }
  }

  /// Counts the connection's `unexpected_data`, which fails no request, and drops it.
  private func dropForExcess() {
    worker.recorder.recordViolation(.unexpectedData, second: worker.nowSecond)
    dropConnection()
  }

  /// The previous response's excess arrived where this request's answer should: the request goes
  /// once more on a fresh connection if it was not written yet or may be resent (idempotent, not
  /// resent before); a POST already written fails as `protocol`, since the target may have run it.
  private func excessInPlaceOfResponse() {
    let written = !writeQueued
    guard !written || (flags.isIdempotent && !resent) else {
      dropConnection()
      return finish(.failure(.protocol), latency: nil, violation: .unexpectedData)
    }
    dropForExcess()
    // An unwritten request keeps its clock unstarted: the first write starts it.
    if written { resent = true }
    awaitingResponse = false
    connect()
  }

  private func responseComplete() {
    connectFailures = 0
    let status = parser.status
    if !parser.keepAlive { dropConnection() }
    requestsOnConnection += 1
    let step = RedirectStep.of(
      status: status, location: parser.location, target: context.config.target,
      following: context.maxRedirects > 0)
    switch step {
    case .answer:
      finish(.response(status: status), latency: latencySinceFirstSend())
    case .badLocation:
      dropConnection()
      finish(.failure(.protocol), latency: nil, violation: .badRedirect)
    case .follow(let path):
      redirects += 1
      worker.recorder.recordIntermediateStatus(status, second: worker.nowSecond)
      guard redirects <= context.maxRedirects else {
        return finish(.failure(.tooManyRedirects), latency: nil)
      }
      request = context.redirectBuffer(path: path, status: status, variant: variant)
      awaitingResponse = false
      if channel == nil { connect() } else { send() }
    }
  }

  private func latencySinceFirstSend() -> UInt64 {
    (worker.nowNanos &- firstSendNanos) / 1000
  }

  func connectionFailed(_ error: any Error, generation: Int) {
    guard generation == self.generation else { return }
    let phase: ErrorClassifier.Phase = connectionInSetup ? .connect : writeComplete ? .read : .write
    pendingFailure = ErrorClassifier.kind(for: error, phase: phase)
  }

  func connectionClosed(generation: Int) {
    guard generation == self.generation else { return }
    worker.tick()
    let failure = pendingFailure
    dropConnection()
    guard awaitingResponse else { return }
    if parser.finishAtEOF() {
      // A body delimited by the close: the response is whole (and may be a redirect to follow).
      return responseComplete()
    }
    if connectionInSetup, let failure {
      // Broken before any request byte left (reset, TLS handshake failed): a failed connect, and
      // backed off as one.
      connectFailures += 1
      return finish(.failure(failure), latency: nil)
    }
    if failure == .tls {
      if requestsOnConnection == 0 { connectFailures += 1 }
      return finish(.failure(.tls), latency: nil)
    }
    if !writeComplete { return finish(.failure(.write), latency: nil) }
    if !responseBytesSeen, requestsOnConnection > 0, !resent,
      flags.isIdempotent
    {
      // The server closed a reused keep-alive connection just as the request went out: nothing
      // was processed, so the request is sent once more on a fresh connection.
      resent = true
      awaitingResponse = false
      worker.recorder.recordStaleRetry(second: worker.nowSecond)
      return connect()
    }
    // A fresh connection closed before any response byte is a flapping target: back off as for a
    // failed connect. A response cut short is the target's answer, not a reason to slow down.
    if requestsOnConnection == 0 && !responseBytesSeen { connectFailures += 1 }
    if let violation = parser.violationAtEOF {
      return finish(.failure(.protocol), latency: nil, violation: violation)
    }
    finish(.failure(failure ?? .readEOF), latency: nil)
  }

  /// Called by the worker's sweep: the request outlived its timeout and is aborted.
  func timeOutIfDue(now: UInt64) {
    guard awaitingResponse, now > deadlineNanos else { return }
    dropConnection()
    finish(.failure(.timeout), latency: nil)
  }

  /// Books the request and moves on to the next one.
  func finish(_ result: RequestResult, latency: UInt64?, violation: ProtocolViolation? = nil) {
    guard inFlight else { return }
    inFlight = false
    awaitingResponse = false
    deadlineNanos = .max
    guard isArrival else {
      worker.recorder.record(result, latencyMicros: latency, second: worker.nowSecond, violation: violation)
      return scheduleNext(after: connectFailures > 0 ? backoffNanos : context.thinkNanos)
    }
    // From the intended start (what a user arriving then waited), and from the first byte sent.
    let corrected = latency.map { _ in (worker.nowNanos &- intendedNanos) / 1000 }
    worker.recorder.record(
      result, latencyMicros: corrected, second: worker.nowSecond, violation: violation,
      uncorrectedMicros: latency)
    freeForNextArrival()
  }

  /// Open model: back in the pool for the next arrival, after the reconnect backoff when the
  /// target refused or reset its connections.
  private func freeForNextArrival() {
    guard !worker.stopping, let arrivals = worker.arrivals else { return }
    let delay = connectFailures > 0 ? backoffNanos : 0
    guard delay > 0 else { return arrivals.vuserFree(self) }
    wakeUp = worker.loop.scheduleTask(in: .nanoseconds(delay)) { [self] in
      wakeUp = nil
      worker.tick()
      if !worker.stopping { worker.arrivals?.vuserFree(self) }
    }
  }

  // MARK: lifecycle

  /// Wakes a parked vuser (after a resume or a budget refill).
  func wake() {
    if parked { startRequest() }
  }

  /// Ends the vuser: closes its connection and cancels its timers. Returns true when a request was
  /// still in flight (it is then counted as in flight at stop, not as a result).
  @discardableResult
  func shutdown() -> Bool {
    let wasInFlight = inFlight
    inFlight = false
    awaitingResponse = false
    parked = false
    wakeUp?.cancel()
    wakeUp = nil
    dropConnection()
    return wasInFlight
  }
}
