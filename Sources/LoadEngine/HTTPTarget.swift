import Foundation

/// Where the load goes: an http or https origin plus the request path.
public struct HTTPTarget: Sendable, Equatable, CustomStringConvertible {
  public enum Scheme: String, Sendable { case http, https }

  public var scheme: Scheme
  /// Host as written in the URL, without IPv6 brackets.
  public var host: String
  public var port: Int
  /// Path and query, always starting with "/".
  public var pathAndQuery: String

  public init(scheme: Scheme, host: String, port: Int, pathAndQuery: String) {
    self.scheme = scheme
    self.host = host
    self.port = port
    self.pathAndQuery = pathAndQuery
  }

  /// Parses and validates a target URL; the error message names what is wrong.
  public init(parsing text: String) throws(ConfigError) {
    // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
    if text.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
      throw ConfigError("URL contains a control character (CR, LF or NUL): refusing to send it")
    }
    guard let components = URLComponents(string: text), let rawScheme = components.scheme else {
      throw ConfigError("not a URL: '\(text)' (expected http://host[:port]/path)")
    }
    guard let scheme = Scheme(rawValue: rawScheme.lowercased()) else {
      throw ConfigError("unsupported scheme '\(rawScheme)' in '\(text)' (use http or https)")
    }
    guard let host = components.host, !host.isEmpty else {
      throw ConfigError("URL has no host: '\(text)'")
    }
    if components.user != nil || components.password != nil {
      throw ConfigError("credentials in the URL are not supported; send an Authorization header with -H")
    }
    let port = components.port ?? (scheme == .https ? 443 : 80)
    guard (1...65535).contains(port) else {
      throw ConfigError("port \(port) out of range 1-65535 in '\(text)'")
    }
    var path = components.percentEncodedPath
    if path.isEmpty { path = "/" }
    if let query = components.percentEncodedQuery { path += "?" + query }
    if path.contains(" ") {
      throw ConfigError("URL path contains a space: encode it as %20")
    }
    let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
    self.init(scheme: scheme, host: bareHost, port: port, pathAndQuery: path)
  }

  /// The Host header value: the port is omitted when it is the scheme's default.
  public var hostHeader: String {
    let h = host.contains(":") ? "[\(host)]" : host
    let defaultPort = scheme == .https ? 443 : 80
    return port == defaultPort ? h : "\(h):\(port)"
  }

  /// True when `host` is a literal IPv4 or IPv6 address (no SNI is sent for those).
  public var hostIsAddress: Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  public var origin: String { "\(scheme.rawValue)://\(hostHeader)" }
  public var description: String { origin + pathAndQuery }

  /// The path a redirect `Location` points to when it stays on this origin, else nil. Redirects to
  /// other origins are not followed: a vuser owns one connection to one target.
  /// A Location with spaces or control characters is never followed (it would break the request
  /// line); the caller classifies it as a bad redirect.
  public func sameOriginPath(forLocation location: String) -> String? {
    if location.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) { return nil }
    if location.hasPrefix("/") && !location.hasPrefix("//") { return location }
    guard let other = try? HTTPTarget(parsing: location),
      other.scheme == scheme, other.host.lowercased() == host.lowercased(), other.port == port
    else { return nil }
    return other.pathAndQuery
  }
}

/// A configuration problem found before anything is sent. The CLI prints the message on one line
/// and exits with code 2.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
