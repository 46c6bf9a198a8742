import Foundation

/// Values of headers that carry credentials never reach the run directory.
enum Redaction {
  static let sensitiveHeaders: Set<String> = [
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
  ]

  static let mask = "***REDACTED***"

  /// The command line with sensitive header values masked (`-H 'Authorization: ***REDACTED***'`).
  static func command(_ arguments: [String]) -> [String] {
    arguments.map { argument in
      guard let colon = argument.firstIndex(of: ":") else { return argument }
      var name = String(argument[..<colon]).trimmingCharacters(in: .whitespaces).lowercased()
      for prefix in ["-h", "--header=", "--header"] where name.hasPrefix(prefix) {
        name = String(name.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
      }
      guard sensitiveHeaders.contains(name) else { return argument }
      return "\(argument[..<colon]): \(mask)"
    }
  }
}
