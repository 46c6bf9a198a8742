import Foundation
import PlanFile
import TestKit

/// Helpers shared by the plan file tests.
enum Plans {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

  static func toml(
    _ text: String, environment: [String: String] = [:], base: String = fixtures, allowOutside: Bool = false
  ) throws(PlanError) -> PlanDocument {
    try PlanLoader.parse(
      text: text, path: "plan.toml", format: .toml, environment: environment, baseDirectory: base,
      allowOutsideFiles: allowOutside)
  }

  static func yaml(
    _ text: String, environment: [String: String] = [:], base: String = fixtures, allowOutside: Bool = false
  ) throws(PlanError) -> PlanDocument {
    try PlanLoader.parse(
      text: text, path: "plan.yaml", format: .yaml, environment: environment, baseDirectory: base,
      allowOutsideFiles: allowOutside)
  }

  /// The one-line description of the error `text` gives as TOML, or "loaded" when it loads.
  static func tomlError(_ text: String, environment: [String: String] = [:], base: String = fixtures)
    -> String
  {
    do {
      _ = try toml(text, environment: environment, base: base)
      return "loaded"
    } catch {
      return error.description
    }
  }

  static func yamlError(_ text: String, environment: [String: String] = [:], base: String = fixtures)
    -> String
  {
    do {
      _ = try yaml(text, environment: environment, base: base)
      return "loaded"
    } catch {
      return error.description
    }
  }

  /// A fresh directory under the system's temporary directory.
  static func temporaryDirectory() throws -> String { try TemporaryDirectory("plan-tests").path }
}
