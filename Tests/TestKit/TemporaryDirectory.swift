import Foundation

/// A fresh directory under the system's temporary directory, for one test's files; `remove()`
/// deletes it and everything in it.
public struct TemporaryDirectory: Sendable {
  public let url: URL
  public var path: String { url.path }

  /// Creates `<tmp>/<prefix>-<uuid>`.
  public init(_ prefix: String = "rampart-test") throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  public func appending(_ name: String) -> URL { url.appendingPathComponent(name) }

  public func remove() { try? FileManager.default.removeItem(at: url) }
}
