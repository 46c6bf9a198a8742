import Metrics
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Maps transport errors to error kinds by type and errno, never by message text.
enum ErrorClassifier {
  /// Where the connection was when it broke. `connect` lasts until a request byte has left: the
  /// TCP connect, the TLS handshake, and a connection that is up with its first write still queued.
  enum Phase { case connect, write, read }

  static func kind(for error: any Error, phase: Phase) -> ErrorKind {
    if let ssl = error as? NIOSSLError {
      if case .uncleanShutdown = ssl { return phase == .write ? .write : .readEOF }
      return .tls
    }
    if error is BoringSSLError { return .tls }
    if let channelError = error as? ChannelError {
      switch channelError {
      case .connectTimeout: return .connectTimeout
      default: return fallback(phase)
      }
    }
    if let io = error as? IOError { return kind(errno: io.errnoCode, phase: phase) }
    if let connection = error as? NIOConnectionError {
      if connection.dnsAError != nil || connection.dnsAAAAError != nil,
        connection.connectionErrors.isEmpty
      {
        return .dns
      }
      if let first = connection.connectionErrors.first { return kind(for: first.error, phase: .connect) }
      return .connectRefused
    }
    return fallback(phase)
  }

  static func kind(errno code: Int32, phase: Phase) -> ErrorKind {
    switch code {
    // Only a refusal is a refusal; unreachable networks and hosts are counted with it (docs/usage.md, "Error kinds").
    case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH: return .connectRefused
    case ETIMEDOUT: return phase == .connect ? .connectTimeout : .timeout
    case EMFILE, ENFILE: return .emfile
    case EADDRNOTAVAIL, EADDRINUSE: return .addrNotAvailable
    // A broken pipe before any request byte left means the reset was already consumed: still a
    // connection that broke while being set up.
    case EPIPE: return phase == .connect ? .connectReset : .write
    case ECONNRESET, ECONNABORTED:
      switch phase {
      case .connect: return .connectReset
      case .write: return .write
      case .read: return .readReset
      }
    default: return fallback(phase)
    }
  }

  private static func fallback(_ phase: Phase) -> ErrorKind {
    switch phase {
    case .connect: .connectRefused
    case .write: .write
    case .read: .readEOF
    }
  }
}
