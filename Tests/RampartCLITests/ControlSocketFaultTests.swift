import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The control socket under hostile clients, with the built binary (issue 18): a client that
/// floods commands and never reads, silent ones, a second signal while they hold the socket, and
/// replies that try to drive the terminal. Before the fix, the first kept rampart alive after its
/// run for as long as the client slept, and ignored a second SIGTERM.
@Suite("control socket: hostile clients never hold the run", .timeLimit(.minutes(30)))
struct ControlSocketFaultTests {
  /// A run with `--control`, served once `rampart ctl status` answers.
  static func startRun(
    _ server: TestHTTPServer, socket: String, runs: String, duration: String, extra: [String] = []
  ) async throws -> RampartProcess {
    let p = try RampartProcess(
      [
        "run", server.url, "--vusers", "2", "--think", "20ms", "--duration", duration, "--no-tui",
        "--control", socket, "--out", runs,
      ] + extra)
    // Returns as soon as it answers; a busy machine can take seconds to start the run.
    let serving = try await Poll.until(seconds: 30) {
      (try? LiveControlE2ETests.Ctl.send(socket, ["status"]))?.status == 0
    }
    try #require(serving, "the control socket never answered; stderr: \(p.stderr)")
    return p
  }

  /// One client that wrote commands and reads nothing back (its replies sit unread) and four that
  /// connected and said nothing, all kept open by the caller.
  static func hostileClients(_ socket: String) throws -> [RawUnixClient] {
    let reader = try #require(RawUnixClient(path: socket))
    #expect(reader.flood("status", times: 100, seconds: 10) == .stillOpen(afterBytes: 700))
    return [reader] + (0..<4).compactMap { _ in RawUnixClient(path: socket) }
  }

  @Test("5,000 commands never read, and silent clients: ctl answers at once, the run ends on time")
  func floodAndSilenceHoldNothing() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        let directory = try LiveControlE2ETests.shortDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("ctl.sock").path
        let runs = directory.appendingPathComponent("runs").path
        let p = try await Self.startRun(server, socket: socket, runs: runs, duration: "4s")
        defer {
          if p.process.isRunning { p.signal(SIGKILL) }
          p.waitBlocking(seconds: 5)
          p.cleanUp()
        }
        // The reproduction: 5,000 `status` lines, nothing read. The server hangs up on it.
        let flooder = try #require(RawUnixClient(path: socket))
        // Until the server hangs up, which takes answering the ~1,000 `status` lines that fill the
        // kernel's buffers and pass its bound: seconds of its CPU in a debug build, more on a busy
        // machine (the wait returns at the hang-up).
        let flood = flooder.floodUntilHungUp("status", times: 5000, seconds: 60)
        guard case .serverHungUp = flood else {
          Issue.record("a client that never reads is still connected: \(flood)")
          return
        }
        let held = try Self.hostileClients(socket)
        let started = ContinuousClock.now
        let status = try LiveControlE2ETests.Ctl.send(socket, ["status"])
        let took = ContinuousClock.now - started
        #expect(status.status == 0 && status.stdout.hasPrefix("{"), "\(status)")
        // The process start of `rampart ctl` included, which a busy machine can make seconds
        // long; the old server made it wait 5 s for each of the four silent clients (20 s).
        #expect(took < .seconds(10), "ctl took \(took) beside five clients holding connections")
        // The run ends by itself while every hostile client is still connected.
        let exit = await p.wait(seconds: 30)
        #expect(exit == 0, "exit \(String(describing: exit)); stderr: \(p.stderr)")
        #expect(p.stdout.contains("rampart summary: complete"), "\(p.stdout)")
        for client in held {
          #expect(client.waitForHangUp(seconds: 2), "a client's connection outlived the run")
        }
        var info = stat()
        #expect(lstat(socket, &info) != 0, "the socket file is still there after the exit")
      }
    }
  }

  @Test("while clients hold the socket: one SIGTERM stops gracefully (130), a second exits at once (131)")
  func signalsWhileClientsHoldTheSocket() async throws {
    try await HeavyTest.run {
      // Each response takes longer than any grace period here: a graceful stop waits out all its
      // grace for the requests in flight, whenever the signal lands (with answers due sooner it
      // could end before a second signal on a busy machine).
      let server = try await TestHTTPServer(delay: 60)
      defer { Task { await server.shutdown() } }
      for signals in [1, 2] {
        let directory = try LiveControlE2ETests.shortDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("ctl.sock").path
        let runs = directory.appendingPathComponent("runs").path
        // 2 s of grace for the one signal (the run waits it out), 30 s for two (the second must
        // end it well before).
        let grace = signals == 1 ? 2.0 : 30.0
        let p = try await Self.startRun(
          server, socket: socket, runs: runs, duration: "60s", extra: ["--grace", "\(Int(grace))s"])
        defer {
          if p.process.isRunning { p.signal(SIGKILL) }
          p.waitBlocking(seconds: 5)
          p.cleanUp()
        }
        let held = try Self.hostileClients(socket)
        p.signal(SIGTERM)
        // The first signal was taken (rampart says so) before any second: sent together, a busy
        // machine could take both at once. More than the 50 ms within which two deliveries count
        // as one request.
        let taken = try await Poll.until(seconds: 30) { p.stderr.contains("rampart: stopping") }
        #expect(taken, "the first signal was not taken: \(p.stderr)")
        try await Task.sleep(for: .milliseconds(300))
        if signals == 2 {
          #expect(p.process.isRunning, "the graceful stop did not wait for the requests in flight")
          p.signal(SIGTERM)
        }
        let started = ContinuousClock.now
        let exit = await p.wait(seconds: grace + 30)
        let took = ContinuousClock.now - started
        if signals == 1 {
          #expect(exit == 130, "exit \(String(describing: exit)); \(p.stderr)")
          // The graceful stop waited out its grace for the requests in flight, on the run's own
          // clock, and ended them then.
          let run = try RunLoader.load(try #require(RunLoader.runDirectories(root: runs).first))
          let summary = try #require(run.summary)
          let stopAt = try #require(run.events.first { $0.kind == .stop }?.elapsed)
          #expect(
            summary.durationS - stopAt >= grace - 0.1, "stopped at \(stopAt), ended at \(summary.durationS)")
          #expect(summary.inflightAtStop == 2, "in flight at the end of the grace: \(summary.inflightAtStop)")
        } else {
          #expect(exit == 131, "exit \(String(describing: exit)); \(p.stderr)")
          // At once: well before the 30 s the graceful stop would take.
          #expect(took < .seconds(10), "the second signal took \(took) to end the process")
        }
        withExtendedLifetime(held) {}
      }
    }
  }

  @Test("rampart ctl prints a hostile reply inert and gives up on a socket that never answers")
  func ctlIsInertAndBounded() async throws {
    let directory = try LiveControlE2ETests.shortDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("fake.sock").path
    let listener = try UnixListener(path: path)
    defer { listener.close() }
    // A fake run that answers every connection with escape sequences (title, clear screen, bell).
    let answering = Thread {
      guard let client = listener.acceptOne() else { return }
      var buffer = [UInt8](repeating: 0, count: 256)
      _ = read(client, &buffer, buffer.count)
      let reply = Array("ok \u{1B}]0;pwn\u{07}\u{1B}[2J done\n".utf8)
      _ = write(client, reply, reply.count)
      close(client)
    }
    answering.start()
    let inert = try LiveControlE2ETests.Ctl.send(path, ["status"])
    #expect(inert.status == 0, "\(inert)")
    #expect(inert.stdout == "ok ^[]0;pwn^G^[[2J done\n", "\(inert)")
    #expect(!inert.stdout.utf8.contains(0x1B) && !inert.stdout.utf8.contains(0x07))

    // Connected, never answered: one line naming the wait, exit 1, on time.
    let started = ContinuousClock.now
    let (status, _, stderr) = try RampartProcess.runBlocking(["ctl", "--timeout", "300ms", path, "status"])
    let silent = LiveControlE2ETests.Ctl.Reply(status: status, stdout: "", stderr: stderr)
    let took = ContinuousClock.now - started
    #expect(silent.status == 1, "\(silent)")
    #expect(
      silent.stderr.hasSuffix("within 300ms\n") && silent.stderr.split(separator: "\n").count == 1,
      "\(silent)")
    #expect(took < .seconds(5), "ctl --timeout 300ms took \(took)")
    let (badStatus, _, badError) = try RampartProcess.runBlocking([
      "ctl", "--timeout", "soon", path, "status",
    ])
    let bad = LiveControlE2ETests.Ctl.Reply(status: badStatus, stdout: "", stderr: badError)
    #expect(bad.status == 2 && bad.stderr.contains("--timeout needs a duration"), "\(bad)")
  }
}

/// A listening Unix socket that accepts only when asked: the test plays the run.
final class UnixListener: @unchecked Sendable {
  let fd: Int32
  let path: String

  init(path: String) throws {
    self.path = path
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8)) }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard bound == 0, listen(fd, 8) == 0 else { throw TestSupportError("cannot listen at \(path)") }
  }

  /// The next connection, or nil after 10 s.
  func acceptOne() -> Int32? {
    var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&ready, 1, 10_000) > 0 else { return nil }
    let client = accept(fd, nil, nil)
    return client >= 0 ? client : nil
  }

  func close() {
    _ = Glibc.close(fd)
    unlink(path)
  }
}
