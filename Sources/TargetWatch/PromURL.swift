/// A `--watch-prom` URL taken apart: plain `http://` with a host, an optional port (80 when
/// absent) and a path (`/` when absent). HTTPS is refused: the scrape is a once-a-second read of
/// a local or in-cluster exporter, and a TLS stack here would be a heavier dependency than the
/// figure is worth.
struct PromURL: Sendable, Equatable {
  /// The host as written, without the brackets of an IPv6 literal.
  var host: String
  var port: Int
  /// The path and query, as sent in the request line.
  var target: String

  init(_ text: String) throws(WatchInputError) {
    func refuse(_ reason: String) -> WatchInputError { .badPrometheusURL(url: text, reason: reason) }
    guard let scheme = text.range(of: "://") else {
      throw refuse("not a URL (expected http://HOST[:PORT]/PATH)")
    }
    let schemeName = text[..<scheme.lowerBound].lowercased()
    guard schemeName == "http" else {
      throw refuse(
        schemeName == "https"
          ? "https is not supported; scrape the exporter over plain http://"
          : "only http:// URLs can be scraped")
    }
    let rest = text[scheme.upperBound...]
    let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
    var path = String(rest[authorityEnd...])
    if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
    if path.isEmpty || path.first == "?" { path = "/" + path }
    guard path.allSatisfy({ $0.isASCII && ($0.asciiValue ?? 0) > 0x20 && $0 != "\u{7F}" }) else {
      throw refuse("the path must be ASCII without spaces or control characters")
    }
    do {
      (host, port) = try Self.hostAndPort(rest[..<authorityEnd])
    } catch {
      throw refuse(error.reason)
    }
    target = path
  }

  /// The host and port of `host`, `host:port`, `[v6]` or `[v6]:port`.
  private static func hostAndPort(_ authority: Substring) throws(Refusal) -> (String, Int) {
    guard !authority.contains("@") else { throw Refusal("credentials in the URL are not supported") }
    var host: Substring
    var port: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else {
        throw Refusal("an IPv6 address without its ']'")
      }
      host = authority[authority.index(after: authority.startIndex)..<close]
      let after = authority[authority.index(after: close)...]
      guard after.isEmpty || after.hasPrefix(":") else {
        throw Refusal("unexpected text after the IPv6 address")
      }
      port = after.isEmpty ? nil : after.dropFirst()
      guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
        throw Refusal("'\(WatchInputError.shown(String(host)))' is not an IPv6 address")
      }
    } else {
      let colon = authority.firstIndex(of: ":")
      host = authority[..<(colon ?? authority.endIndex)]
      port = colon.map { authority[authority.index(after: $0)...] }
      guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else {
        throw Refusal("'\(WatchInputError.shown(String(authority)))' is not a host name or address")
      }
    }
    guard !host.isEmpty else { throw Refusal("no host") }
    guard let port else { return (String(host), 80) }
    guard let number = Int(port), (1...65535).contains(number) else {
      throw Refusal("'\(WatchInputError.shown(String(port)))' is not a port (1-65535)")
    }
    return (String(host), number)
  }

  /// Why an authority is refused, said after the URL.
  private struct Refusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// `host:port`, an IPv6 host in brackets: the source's name.
  var hostAndPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
