import EngineFakes
import Foundation
import Metrics
import Synchronization
import Testing

@testable import Control

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.timeLimit(.minutes(5))) struct ControlCommandTests {
  @Test func everyCommandParses() throws {
    let table: [(String, ControlCommand)] = [
      ("pause", .pause), ("resume", .resume), ("vusers 250", .vusers(250)), ("vusers 0", .vusers(0)),
      ("step 10", .step(10)), ("every 5s", .every(5)), ("every 500ms", .every(0.5)), ("hold", .hold(nil)),
      ("hold on", .hold(true)), ("hold off", .hold(false)), ("release", .hold(false)), ("next", .next),
      ("tag", .tag("knee?")), ("tag db failover at 12:03", .tag("db failover at 12:03")), ("stop", .stop),
      ("status", .status), ("  PAUSE  ", .pause), ("Tag  Two  spaces", .tag("Two  spaces")),
    ]
    for (line, expected) in table {
      #expect(try ControlCommand.parse(line) == expected, "\(line)")
    }
  }

  @Test func malformedCommandsSayWhy() {
    let table: [(String, String)] = [
      ("", "empty command"), ("jump", "unknown command 'jump'"), ("vusers", "needs one number"),
      ("vusers -5", "got '-5'"), ("vusers ten", "got 'ten'"), ("vusers 1 2", "needs one number"),
      ("step 0", "1 or more, got 0"), ("every soon", "needs a duration"), ("every 0s", "needs a duration"),
      ("pause now", "takes no argument"), ("hold maybe", "'hold' takes nothing"),
      ("tag a\u{1B}[2Jb", "control characters"), ("vusers ４", "got '４'"),
    ]
    for (line, fragment) in table {
      do {
        _ = try ControlCommand.parse(line)
        Issue.record("'\(line)' parsed")
      } catch {
        #expect(error.message.contains(fragment), "'\(line)': \(error.message)")
      }
    }
  }
}

/// The shared fake engine as the control socket's tests want it: a run 12 s in, 20 vusers, a
/// ramp of 5 every 2 s, one second of 90 responses.
func fakeControl() -> FakeEngine {
  FakeEngine(
    status: EngineStatus(
      phase: .running, elapsed: 12, planElapsed: 12, pausedFor: 0, targetVusers: 20, rampHeld: false,
      ramp: .init(step: 5, every: 2))
  ) {
    let store = MetricsStore()
    var bucket = SecondBucket(second: 0)
    bucket.ok = 90
    bucket.started = 90
    store.ingest(
      bucket, gauges: EngineGauges(vusers: 20, targetVusers: 20, connections: 20, paused: false), duration: 1)
    return store.snapshot()
  }
}

@Suite(.timeLimit(.minutes(5))) struct ControlResponderTests {
  @Test func commandsActLikeTheKeysAndRefusalsChangeNothing() throws {
    let fake = fakeControl()
    let responder = ControlResponder(control: fake, engine: fake, metrics: fake)
    #expect(responder.respond(to: "pause") == "ok paused")
    #expect(responder.respond(to: "resume") == "ok resumed")
    #expect(responder.respond(to: "vusers 300") == "ok vusers 300")
    #expect(
      responder.respond(to: "vusers 5000") == "error: 5000 vusers exceed the open-file limit (at most 1000)")
    #expect(responder.respond(to: "step 50") == "ok step 50")
    #expect(responder.respond(to: "every 10s") == "ok every 10s")
    #expect(responder.respond(to: "hold") == "ok held")
    #expect(responder.respond(to: "hold") == "ok released")
    #expect(responder.respond(to: "next") == "error: there is no next stage")
    #expect(responder.respond(to: "tag") == "ok tagged knee?")
    #expect(responder.respond(to: "launch").hasPrefix("error: unknown command 'launch'"))
    #expect(
      fake.calls == [
        "pause", "resume", "vusers 300", "step 50", "every 10.0", "hold true", "hold false", "tag knee?",
      ])
  }

  @Test func statusIsOneJSONLine() throws {
    let fake = fakeControl()
    let line = ControlResponder(control: fake, engine: fake, metrics: fake).respond(to: "status")
    #expect(!line.contains("\n"))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["phase"] as? String == "running")
    #expect(object["target_vusers"] as? Int == 20)
    #expect(object["tps"] as? Double == 90)
    #expect(object["ramp_step"] as? Int == 5)
    #expect(object["requests"] as? Int == 90)
  }

  @Test func afterTheEndOnlyStatusAndStopAnswer() {
    let fake = fakeControl()
    fake.set(.done)
    let responder = ControlResponder(control: fake, engine: fake, metrics: fake)
    #expect(responder.respond(to: "vusers 3") == "error: the run is over: nothing to change")
    #expect(responder.respond(to: "status").hasPrefix("{"))
    #expect(responder.respond(to: "stop") == "ok stopping")
    #expect(fake.calls == ["stop"])
  }
}

@Suite(.timeLimit(.minutes(5))) struct ControlServerTests {
  static func socketPath(_ name: String) -> String {
    "/tmp/rampart-ctl-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max)).sock"
  }

  @Test func servesLinesOnAPrivateSocketAndRemovesIt() throws {
    let path = Self.socketPath("serve")
    let fake = fakeControl()
    let server = try ControlServer(
      path: path, responder: ControlResponder(control: fake, engine: fake, metrics: fake))
    var info = stat()
    #expect(lstat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    #expect((info.st_mode & S_IFMT) == S_IFSOCK)
    #expect(try ControlClient.send("pause", to: path) == "ok paused")
    #expect(try ControlClient.send("vusers nine", to: path).hasPrefix("error: 'vusers' needs a whole number"))
    #expect(try ControlClient.send("status", to: path).hasPrefix("{\""))
    server.close()
    #expect(lstat(path, &info) != 0)
    #expect(fake.calls == ["pause"])
    #expect(throws: ControlClient.Failure.self) { try ControlClient.send("status", to: path) }
  }

  @Test func aStaleSocketIsReplacedButNothingElseIs() throws {
    let fake = fakeControl()
    let responder = ControlResponder(control: fake, engine: fake, metrics: fake)
    // A socket left behind by a killed run: bound, never listened on, nobody answers.
    let stale = Self.socketPath("stale")
    let leftover = try ControlServer(path: stale, responder: responder)
    // A live run at the path is refused.
    #expect(throws: ControlSocketError.self) { try ControlServer(path: stale, responder: responder) }
    leftover.close()
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: Array(stale.utf8))
    }
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    close(fd)
    let replaced = try ControlServer(path: stale, responder: responder)
    #expect(try ControlClient.send("status", to: stale).hasPrefix("{"))
    replaced.close()

    // A regular file is never removed.
    let file = Self.socketPath("file")
    _ = FileManager.default.createFile(atPath: file, contents: Data("keep".utf8))
    defer { unlink(file) }
    #expect(throws: ControlSocketError.self) { try ControlServer(path: file, responder: responder) }
    #expect(FileManager.default.contents(atPath: file) == Data("keep".utf8))
    // Longer than sun_path.
    #expect(throws: ControlSocketError.self) {
      try ControlServer(path: "/tmp/" + String(repeating: "x", count: 200), responder: responder)
    }
  }

  @Test func severalCommandsOnOneConnectionAndAnOverlongLine() throws {
    let path = Self.socketPath("lines")
    let fake = fakeControl()
    let server = try ControlServer(
      path: path, responder: ControlResponder(control: fake, engine: fake, metrics: fake))
    defer { server.close() }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8)) }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    #expect(connected == 0)
    let request = Array("pause\r\nresume\ntag one\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 5000)
    _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1024)
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      reply += buffer[0..<n]
    }
    let lines = String(decoding: reply, as: UTF8.self).split(separator: "\n").map(String.init)
    #expect(lines == ["ok paused", "ok resumed", "ok tagged one", "error: line longer than 4096 bytes"])
    #expect(fake.calls == ["pause", "resume", "tag one"])
  }
}
