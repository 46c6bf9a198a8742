import Foundation
import Metrics
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import LoadEngine

#if canImport(Glibc)
  import Glibc
#endif

/// Requests written with send(2) beside NIO: the descriptor must be the channel's own, a request
/// that does not go out whole must finish through NIO without anything overtaking it.
@Suite("Direct request writes", .timeLimit(.minutes(30)))
struct DirectSocketTests {
  @Test("the descriptor found for a NIO connection is that connection's socket")
  func descriptorOfAConnection() async throws {
    let server = try await TestHTTPServer()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channel = try await ClientBootstrap(group: group)
      .connect(host: "127.0.0.1", port: server.port).get()
    let fd = try #require(DirectSocket.descriptor(of: channel))
    var peer = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &peer) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
    }
    #expect(result == 0)
    #expect(Int(UInt16(bigEndian: peer.sin_port)) == server.port)
    try await channel.close()
    try await group.shutdownGracefully()
    await server.shutdown()
  }

  @Test("send reports whole, partial and failed writes")
  func sendOutcomes() throws {
    var pair: [Int32] = [-1, -1]
    #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
    defer { close(pair[0]) }
    #expect(fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK) == 0)
    #expect(DirectSocket.send(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"), on: pair[0]) == .sent)
    // Far more than a socket buffer holds while nobody reads: only part goes out.
    let big = ByteBuffer(repeating: 0x61, count: 8 * 1024 * 1024)
    guard case .partial(let sent) = DirectSocket.send(big, on: pair[0]) else {
      Issue.record("expected a partial write")
      return
    }
    #expect(sent >= 0 && sent < big.readableBytes)
    #expect(DirectSocket.send(big, on: pair[0]) == .partial(0))
    close(pair[1])
    #expect(DirectSocket.send(ByteBuffer(string: "x"), on: pair[0]) == .failed(EPIPE))
  }

  @Test("a body too big for one send finishes through NIO; the requests after it keep their order")
  func bigBodiesShareTheConnection() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let body = [UInt8](repeating: 0x62, count: 4 * 1024 * 1024)
      let config = try makeConfig(server.url, vusers: 2, requests: 16) { config in
        config.mix = [
          WeightedRequest(name: "small", template: try! RequestTemplate(), path: "/small", weight: 1),
          WeightedRequest(
            name: "big", template: try! RequestTemplate(method: "POST", body: body), path: "/big", weight: 1),
        ]
      }
      let run = try await runEngine(config)
      await server.shutdown()
      run.expectNothingLost()
      let small = server.requests("GET /small")
      let big = server.requests("POST /big")
      #expect(run.totals.ok == 16 && run.totals.errorCount == 0)
      #expect(small.count + big.count == 16)
      #expect(big.count > 0 && big.bodyBytes == big.count * body.count)
      // Every request of a vuser went over its one connection: nothing was out of order.
      #expect(server.connectionCount == 2)
    }
  }

  @Test("a GET whose send fails on a reused connection is sent once more on a fresh one")
  func failedSendOfAGetIsRetried() async throws {
    let server = try await SendBreakingServer()
    let run = try await runEngine(try makeConfig(server.url, vusers: 1, requests: 6))
    await server.shutdown()
    run.expectNothingLost()
    // Each connection answers one request, then the next send on it fails and is retried.
    #expect(run.totals.ok == 6 && run.totals.errorCount == 0)
    #expect(run.totals.staleRetries == 5)
    #expect(server.brokenCount == 6 && server.answeredCount == 6)
  }

  @Test("a POST whose send fails is booked as a write error, and nothing is resent")
  func failedSendOfAPostIsAWriteError() async throws {
    let server = try await SendBreakingServer()
    let config = try makeConfig(server.url, vusers: 1, requests: 6) { config in
      config.request = try! RequestTemplate(method: "POST", body: Array("{}".utf8))
    }
    let run = try await runEngine(config)
    await server.shutdown()
    run.expectNothingLost()
    // Every other request finds its connection broken and fails; the next one connects afresh.
    #expect(run.totals.ok == 3 && run.errors(.write) == 3 && run.totals.errorCount == 3)
    #expect(run.totals.staleRetries == 0)
    #expect(server.answeredCount == 3)
  }
}
