import Foundation

/// Finds runs under a root: lists them, and resolves what a user types (a directory, a run's
/// directory name, its `--name`, or a unique prefix of either) to one run directory.
public enum RunCatalog {
  /// Every loadable run under `root`, oldest first; directories that are not runs are skipped.
  /// `.summaryOnly` (for listings) skips the rows of every run that has a summary.
  public static func list(root: String, depth: RunLoader.Depth = .whole) -> [LoadedRun] {
    RunLoader.runDirectories(root: root).compactMap { try? RunLoader.load($0, depth: depth) }
  }

  /// The directory `reference` names. In order: a path to a run directory; a directory name
  /// under `root`; a run name (the newest run of that name, as a user re-running "two-backends"
  /// means the latest); a prefix of exactly one directory name or run name.
  public static func resolve(_ reference: String, root: String) throws(RunLookupError) -> String {
    let trimmed = reference.hasSuffix("/") && reference.count > 1 ? String(reference.dropLast()) : reference
    guard !trimmed.isEmpty else { throw .notFound(reference, root: root) }
    if trimmed.contains("/"), isRun(trimmed) { return trimmed }
    let directories = RunLoader.runDirectories(root: root)
    let named = directories.map { (path: $0, base: ($0 as NSString).lastPathComponent) }
    if let exact = named.first(where: { $0.base == trimmed }) { return exact.path }
    let metas = named.compactMap { entry in readName(entry.path).map { (entry.path, entry.base, $0) } }
    if let newest = metas.last(where: { $0.2 == trimmed }) { return newest.0 }
    if isRun(trimmed) { return trimmed }
    let matches = metas.filter { $0.1.hasPrefix(trimmed) || $0.2.hasPrefix(trimmed) }
    switch matches.count {
    case 0: throw .notFound(reference, root: root)
    case 1: return matches[0].0
    default: throw .ambiguous(reference, candidates: matches.map(\.1))
    }
  }

  static func isRun(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: "\(path)/\(RunJournal.metaFile)")
  }

  /// The run's name from its meta.json, without reading its series.
  static func readName(_ directory: String) -> String? {
    struct NameOnly: Decodable { var name: String }
    guard let data = FileManager.default.contents(atPath: "\(directory)/\(RunJournal.metaFile)") else {
      return nil
    }
    return (try? JSONDecoder().decode(NameOnly.self, from: data))?.name
  }
}

public enum RunLookupError: Error, Equatable, Sendable, CustomStringConvertible {
  case notFound(String, root: String)
  case ambiguous(String, candidates: [String])

  public var description: String {
    switch self {
    case .notFound(let reference, let root):
      "no run '\(reference)' under '\(root)' (see `rampart runs --out \(root)`)"
    case .ambiguous(let reference, let candidates):
      "'\(reference)' matches \(candidates.count) runs: "
        + candidates.prefix(5).joined(separator: ", ") + (candidates.count > 5 ? ", ..." : "")
    }
  }
}
