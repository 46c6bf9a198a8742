/// The syntax of a plan file, chosen by its extension.
public enum PlanFormat: String, Sendable, Equatable {
  case toml, yaml

  /// `.toml` is TOML, `.yaml` and `.yml` are YAML; anything else is not a plan file.
  public init?(path: String) {
    let lowered = path.lowercased()
    if lowered.hasSuffix(".toml") {
      self = .toml
    } else if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
      self = .yaml
    } else {
      return nil
    }
  }
}
