import Metrics
import NIOCore
import NIOSSL
import Testing

@testable import LoadEngine

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Error classification by errno and phase", .timeLimit(.minutes(1)))
struct ErrorClassifierTests {
  typealias Phase = ErrorClassifier.Phase

  /// errno, then the kind in the connect, write and read phases.
  static let table: [(Int32, ErrorKind, ErrorKind, ErrorKind)] = [
    (ECONNREFUSED, .connectRefused, .connectRefused, .connectRefused),
    (ENETUNREACH, .connectRefused, .connectRefused, .connectRefused),
    (EHOSTUNREACH, .connectRefused, .connectRefused, .connectRefused),
    (ECONNRESET, .connectReset, .write, .readReset),
    (ECONNABORTED, .connectReset, .write, .readReset),
    (EPIPE, .connectReset, .write, .write),
    (ETIMEDOUT, .connectTimeout, .timeout, .timeout),
    (EMFILE, .emfile, .emfile, .emfile),
    (ENFILE, .emfile, .emfile, .emfile),
    (EADDRNOTAVAIL, .addrNotAvailable, .addrNotAvailable, .addrNotAvailable),
    (EADDRINUSE, .addrNotAvailable, .addrNotAvailable, .addrNotAvailable),
  ]

  @Test("each errno maps to its kind in each phase; only ECONNREFUSED (and unreachable) is refused")
  func errnoByPhase() {
    for (code, connect, write, read) in Self.table {
      #expect(ErrorClassifier.kind(errno: code, phase: .connect) == connect, "errno \(code) connect")
      #expect(ErrorClassifier.kind(errno: code, phase: .write) == write, "errno \(code) write")
      #expect(ErrorClassifier.kind(errno: code, phase: .read) == read, "errno \(code) read")
    }
  }

  @Test("a reset reported by NIO as an IOError is classified by its errno")
  func ioErrors() {
    let reset = IOError(errnoCode: ECONNRESET, reason: "read")
    #expect(ErrorClassifier.kind(for: reset, phase: .connect) == .connectReset)
    #expect(ErrorClassifier.kind(for: reset, phase: .read) == .readReset)
    let refused = IOError(errnoCode: ECONNREFUSED, reason: "connect")
    #expect(ErrorClassifier.kind(for: refused, phase: .connect) == .connectRefused)
  }

  @Test("TLS failures are tls in every phase; an unclean TLS close is read_eof, or write while sending")
  func tlsErrors() {
    let handshake = NIOSSLError.handshakeFailed(.sslError([]))
    for phase in [Phase.connect, .write, .read] {
      #expect(ErrorClassifier.kind(for: handshake, phase: phase) == .tls)
    }
    #expect(ErrorClassifier.kind(for: NIOSSLError.uncleanShutdown, phase: .read) == .readEOF)
    #expect(ErrorClassifier.kind(for: NIOSSLError.uncleanShutdown, phase: .write) == .write)
  }

  @Test("NIO's connect timeout is connect_timeout")
  func connectTimeout() {
    #expect(
      ErrorClassifier.kind(for: ChannelError.connectTimeout(.seconds(1)), phase: .connect) == .connectTimeout)
  }
}
