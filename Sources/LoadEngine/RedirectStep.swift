/// What a response means for following redirects: a 3xx with a same-origin Location is followed;
/// one to another origin is the request's answer (as k6 and oha count it); a Location carrying
/// spaces or control bytes is a protocol violation, whatever its origin.
enum RedirectStep: Equatable {
  /// Not a redirect to follow: the response answers the request.
  case answer
  case follow(path: String)
  case badLocation

  static func of(status: Int, location: [UInt8]?, target: HTTPTarget, following: Bool) -> RedirectStep {
    guard following, isRedirect(status), let location else { return .answer }
    if let path = target.sameOriginPath(forLocation: String(decoding: location, as: UTF8.self)) {
      return .follow(path: path)
    }
    return location.contains(where: { $0 <= 0x20 || $0 == 0x7F }) ? .badLocation : .answer
  }

  @inline(__always) private static func isRedirect(_ status: Int) -> Bool {
    switch status {
    case 301, 302, 303, 307, 308: true
    default: false
    }
  }
}
