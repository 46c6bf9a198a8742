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
    let authority = rest[..<authorityEnd]
    var path = String(rest[authorityEnd...])
    if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
    if path.isEmpty || path.first == "?" { path = "/" + path }
    guard !authority.contains("@") else { throw refuse("credentials in the URL are not supported") }
    guard
      path.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\u{7F}" && ($0.asciiValue ?? 0) >= 0x20 })
    else { throw refuse("the path must be ASCII without spaces or control characters") }

    var hostPart: Substring
    var portPart: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else { throw refuse("an IPv6 address without its ']'") }
      hostPart = authority[authority.index(after: authority.startIndex)..<close]
      let after = authority[authority.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { throw refuse("unexpected text after the IPv6 address") }
        portPart = after.dropFirst()
      }
    } else if let colon = authority.lastIndex(of: ":") {
      hostPart = authority[..<colon]
      portPart = authority[authority.index(after: colon)...]
    } else {
      hostPart = authority
    }
    guard !hostPart.isEmpty else { throw refuse("no host") }
    guard
      hostPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" })
    else { throw refuse("'\(WatchInputError.shown(String(hostPart)))' is not a host name or address") }
    host = String(hostPart)
    if let portPart {
      guard let number = Int(portPart), (1...65535).contains(number) else {
        throw refuse("'\(WatchInputError.shown(String(portPart)))' is not a port (1-65535)")
      }
      port = number
    } else {
      port = 80
    }
    target = path
  }

  /// `host:port`, an IPv6 host in brackets: the source's name.
  var hostAndPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
