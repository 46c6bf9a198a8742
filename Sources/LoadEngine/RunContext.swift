import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// What every vuser of a run shares, built once before the first request: the resolved address,
/// the requests already serialised, TLS context, clock origin and request budget.
final class RunContext: Sendable {
  let config: EngineConfig
  let address: SocketAddress
  let requests: RequestVariants
  let sslContext: NIOSSLContext?
  let sniHostname: String?
  /// Monotonic time the run started; set once by `markStart` just before the first vuser.
  private let start = Atomic<UInt64>(0)
  let thinkNanos: Int64
  let requestTimeoutNanos: UInt64
  let maxRedirects: Int
  /// Remaining requests when the run has a request cap.
  private let budget: Atomic<Int>
  private let hasBudget: Bool
  /// Connections open or opening, and how many may be: the cap keeps the last descriptors of a low
  /// open-file limit free for the journal and the runtime (libdispatch traps when it cannot open a
  /// file it needs), so vusers over it fail with emfile before asking the kernel.
  private let connections = Atomic<Int>(0)
  private let connectionCap = Atomic<Int>(.max)

  init(config: EngineConfig, address: SocketAddress) throws {
    self.config = config
    self.address = address
    self.requests = RequestVariants(config: config)
    self.maxRedirects = config.maxRedirects
    if config.target.scheme == .https {
      var tls = TLSConfiguration.makeClientConfiguration()
      if config.insecure { tls.certificateVerification = .none }
      self.sslContext = try NIOSSLContext(configuration: tls)
      self.sniHostname = config.target.hostIsAddress ? nil : config.target.host
    } else {
      self.sslContext = nil
      self.sniHostname = nil
    }
    self.thinkNanos = Int64(config.think * 1e9)
    self.requestTimeoutNanos = UInt64(max(0.001, config.requestTimeout) * 1e9)
    self.hasBudget = config.maxRequests != nil
    self.budget = Atomic(config.maxRequests ?? 0)
  }

  /// Takes one request from the budget; false once it is spent.
  func takeRequest() -> Bool {
    guard hasBudget else { return true }
    return budget.wrappingSubtract(1, ordering: .relaxed).oldValue > 0
  }

  func capConnections(at limit: Int) {
    connectionCap.store(max(1, limit), ordering: .relaxed)
  }

  var connectionLimit: Int { connectionCap.load(ordering: .relaxed) }

  /// Takes a connection slot for a connect attempt; false when the cap is reached.
  func claimConnection() -> Bool {
    if connections.wrappingAdd(1, ordering: .relaxed).newValue <= connectionCap.load(ordering: .relaxed) {
      return true
    }
    connections.wrappingSubtract(1, ordering: .relaxed)
    return false
  }

  /// Gives back the slot of a failed attempt or a closed connection.
  func releaseConnection() {
    connections.wrappingSubtract(1, ordering: .relaxed)
  }

  var budgetSpent: Bool { hasBudget && budget.load(ordering: .relaxed) <= 0 }

  var startNanos: UInt64 { start.load(ordering: .relaxed) }

  func markStart() { start.store(Self.now(), ordering: .relaxed) }

  @inline(__always) static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

  @inline(__always) func second(at nanos: UInt64) -> Int {
    let origin = startNanos
    return nanos > origin ? Int((nanos - origin) / 1_000_000_000) : 0
  }

  /// The request for a followed redirect: same headers, method per RFC 9110 15.4 (303, and 301/302
  /// after POST, become GET).
  func redirectBuffer(path: String, status: Int, variant: Int) -> ByteBuffer {
    let template = requests.variants[variant].request.template
    let method = template.method
    let switchToGet = status == 303 || ((status == 301 || status == 302) && method == "POST")
    let bytes = template.serialized(
      for: config.target, path: path, method: switchToGet && method != "HEAD" ? "GET" : method)
    return ByteBuffer(bytes: bytes)
  }
}
