import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The control server's one thread: a poll(2) loop over the listening socket, a wake pipe and
/// every client, all non-blocking. Clients are served side by side; one that sends nothing costs
/// the others nothing, one that does not read its replies is disconnected once they pile up, and
/// the loop ends as soon as the wake pipe says so, whatever the clients are doing.
///
/// Written on poll(2) rather than SwiftNIO because NIO stays in the load engine, the demo target and
/// the target watch's scrapes (the module rule), and a handful of line-oriented clients on one
/// thread need nothing more.
final class ControlLoop {
  private let listener: Int32
  private let wake: Int32
  private let responder: ControlResponder
  private let limits: ControlServer.Limits
  private var clients: [ControlConnection] = []

  init(listener: Int32, wake: Int32, responder: ControlResponder, limits: ControlServer.Limits) {
    self.listener = listener
    self.wake = wake
    self.responder = responder
    self.limits = limits
  }

  /// Serves until the wake pipe is written to (or closed), then closes every client and the
  /// listener. Pending replies are dropped, never waited for.
  func run() {
    defer {
      for client in clients { _ = Glibc.close(client.fd) }
      clients.removeAll()
      _ = Glibc.close(listener)
      _ = Glibc.close(wake)
    }
    while true {
      var fds = [
        pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
      ]
      for client in clients {
        var events: Int32 = 0
        if client.wantsInput { events |= Int32(POLLIN) }
        if client.pendingOutput > 0 { events |= Int32(POLLOUT) }
        fds.append(pollfd(fd: client.fd, events: Int16(events), revents: 0))
      }
      let ready = poll(&fds, nfds_t(fds.count), pollTimeout())
      if ready < 0 && errno != EINTR { return }
      if fds[0].revents != 0 { return }
      let now = ContinuousClock.now
      // Clients first, against the list the poll was built from; new ones join afterwards.
      for (index, client) in clients.enumerated() {
        serve(client, revents: Int32(fds[index + 2].revents), now: now)
      }
      clients.removeAll { client in
        let over = client.isFinished || now - client.lastProgress > limits.idle
        if over { _ = Glibc.close(client.fd) }
        return over
      }
      if fds[1].revents != 0 { acceptClients(now: now) }
    }
  }

  /// Milliseconds until the nearest client would count as idle; 0 when a client has lines queued
  /// that a previous turn left unanswered.
  private func pollTimeout() -> Int32 {
    if clients.contains(where: { $0.hasCompleteLine }) { return 0 }
    guard let oldest = clients.map(\.lastProgress).min() else { return -1 }
    return Int32(clamping: UnixSocket.milliseconds(limits.idle - (ContinuousClock.now - oldest)) + 1)
  }

  private func serve(_ client: ControlConnection, revents: Int32, now: ContinuousClock.Instant) {
    if revents & Int32(POLLNVAL) != 0 { return client.abandon() }
    if client.wantsInput, revents & Int32(POLLIN | POLLHUP | POLLERR) != 0 {
      if client.read(limit: limits.readBytesPerTurn, now: now) == .failed { return client.abandon() }
    }
    client.answerLines(
      maximumLines: limits.linesPerTurn, outputLimit: limits.outputBytes, respond: responder.respond(to:))
    if client.pendingOutput > 0, client.write(now: now) == .failed { return client.abandon() }
    // A client that does not read its replies is dropped once they pile up, never waited on.
    if client.pendingOutput > limits.outputBytes { client.abandon() }
  }

  /// Accepts every waiting connection; over the limit, each gets one refusal line and is closed.
  private func acceptClients(now: ContinuousClock.Instant) {
    for _ in 0..<limits.backlog {
      let fd = UnixSocket.acceptNonBlocking(listener)
      if fd < 0 {
        if errno == EINTR || errno == ECONNABORTED { continue }
        return
      }
      guard clients.count < limits.clients else {
        refuse(fd)
        continue
      }
      clients.append(ControlConnection(fd: fd, now: now))
    }
  }

  /// One line saying why, sent if the socket takes it at once, then the connection ends.
  private func refuse(_ fd: Int32) {
    _ = UnixSocket.send(fd, ArraySlice(Array((ControlServer.busyReply(limits.clients) + "\n").utf8)))
    _ = Glibc.close(fd)
  }
}
