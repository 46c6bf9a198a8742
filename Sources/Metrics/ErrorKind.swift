/// Why a request failed. The raw values are stable names used on screen, in the journal and in
/// `--json` output; they never carry messages, ports or addresses.
public enum ErrorKind: String, CaseIterable, Codable, Sendable, Comparable {
  case dns
  case connectRefused = "connect_refused"
  case connectTimeout = "connect_timeout"
  /// The peer reset the connection while it was being set up (TCP connect, TLS handshake, or
  /// connected with no request byte sent yet), as a server whose accept queue overflowed does.
  case connectReset = "connect_reset"
  case tls
  /// The connection broke (broken pipe, reset) while the request was still being sent.
  case write
  /// The peer reset the connection after the request was sent.
  case readReset = "read_reset"
  /// The peer closed the connection before the response was complete (early FIN, truncated body).
  case readEOF = "read_eof"
  case timeout
  /// The response was not valid HTTP/1.1.
  case `protocol`
  case tooManyRedirects = "too_many_redirects"
  case emfile
  case addrNotAvailable = "addr_not_available"
  case http4xx = "http_4xx"
  case http5xx = "http_5xx"

  /// Dense index for fixed-size per-kind counters on the hot path (a switch, not a lookup).
  public var index: Int {
    switch self {
    case .dns: 0
    case .connectRefused: 1
    case .connectTimeout: 2
    case .connectReset: 3
    case .tls: 4
    case .write: 5
    case .readReset: 6
    case .readEOF: 7
    case .timeout: 8
    case .protocol: 9
    case .tooManyRedirects: 10
    case .emfile: 11
    case .addrNotAvailable: 12
    case .http4xx: 13
    case .http5xx: 14
    }
  }

  public static let count = allCases.count

  public static func < (lhs: ErrorKind, rhs: ErrorKind) -> Bool { lhs.index < rhs.index }

  /// The error kind an HTTP status implies, or nil when the status counts as a success
  /// (1xx-3xx, as k6's default `http_req_failed`).
  public init?(status: Int) {
    switch status {
    case 400..<500: self = .http4xx
    case 500..<600: self = .http5xx
    default: return nil
    }
  }
}

/// Why a response was classified `protocol`, or a connection was dropped for bytes that answered
/// nothing (`unexpected_data`). Kept as a breakdown beside the error kinds so a malformed target can
/// be diagnosed without logging raw bytes.
public enum ProtocolViolation: String, CaseIterable, Codable, Sendable {
  // Declaration order is the dense index used by counters (see `index`).
  case badStatusLine = "bad_status_line"
  case unsupportedVersion = "unsupported_version"
  case bareLineFeed = "bare_lf"
  case badHeader = "bad_header"
  case headerTooLarge = "header_too_large"
  case badContentLength = "bad_content_length"
  case conflictingLength = "conflicting_length"
  case badChunk = "bad_chunk"
  /// Bytes after a complete response, or before the next request was written: they answer
  /// nothing, so the connection is dropped. Counted for the connection, not as a request error,
  /// unless a request could not be resent because of them (a non-idempotent one).
  case unexpectedData = "unexpected_data"
  case badRedirect = "bad_redirect"
}

extension ProtocolViolation {
  public var index: Int { Self.allCases.firstIndex(of: self)! }
}
