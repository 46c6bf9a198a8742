/// The request every vuser sends, serialised once into the exact bytes that go on the wire so
/// each request is one write of a shared buffer.
public struct RequestTemplate: Sendable, Equatable {
  public var method: String
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public init(method: String = "GET", headers: [(name: String, value: String)] = [], body: [UInt8] = [])
    throws(ConfigError)
  {
    let upper = method.uppercased()
    guard !upper.isEmpty, upper.utf8.allSatisfy(Self.isTokenByte) else {
      throw ConfigError("invalid HTTP method '\(method)'")
    }
    for (name, value) in headers {
      guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
        throw ConfigError("invalid header name '\(Self.printable(name))'")
      }
      if value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
        throw ConfigError("header '\(name)' contains CR, LF or NUL: refusing to send it")
      }
    }
    self.method = upper
    self.headers = headers
    self.body = body
  }

  public static func == (a: RequestTemplate, b: RequestTemplate) -> Bool {
    a.method == b.method && a.body == b.body && a.headers.elementsEqual(b.headers) { $0 == $1 }
  }

  /// Safe to resend once when a reused keep-alive connection turned out to be closed (RFC 9110 9.2.2).
  public var isIdempotent: Bool {
    ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method)
  }

  public var expectsNoBody: Bool { method == "HEAD" }

  /// The wire bytes for `path` on `target`. Host, Content-Length and User-Agent are added unless
  /// the user set them.
  public func serialized(for target: HTTPTarget, path: String? = nil, method override: String? = nil)
    -> [UInt8]
  {
    let m = override ?? method
    let sendBody = override == nil || override == method
    var text = "\(m) \(path ?? target.pathAndQuery) HTTP/1.1\r\n"
    let lowered = Set(headers.map { $0.name.lowercased() })
    if !lowered.contains("host") { text += "Host: \(target.hostHeader)\r\n" }
    if !lowered.contains("user-agent") { text += "User-Agent: rampart/\(RampartVersion.current)\r\n" }
    for (name, value) in headers where sendBody || name.lowercased() != "content-type" {
      if !sendBody && name.lowercased() == "content-length" { continue }
      text += "\(name): \(value)\r\n"
    }
    if sendBody && !lowered.contains("content-length")
      && (!body.isEmpty || ["POST", "PUT", "PATCH"].contains(m))
    {
      text += "Content-Length: \(body.count)\r\n"
    }
    text += "\r\n"
    var bytes = Array(text.utf8)
    if sendBody { bytes += body }
    return bytes
  }

  static func isTokenByte(_ b: UInt8) -> Bool { isHTTPTokenByte(b) }

  static func printable(_ s: String) -> String {
    String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
  }
}

public enum RampartVersion {
  public static let current = "0.1.0"
}
