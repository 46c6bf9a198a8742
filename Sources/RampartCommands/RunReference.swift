import ArgumentParser
import RunStore

/// Runs named on the command line (a name, a directory or a unique prefix), loaded; every problem
/// is one line and exit code 2.
enum RunReference {
  static func load(_ reference: String, root: String) throws -> LoadedRun {
    do {
      return try RunLoader.load(try RunCatalog.resolve(reference, root: root))
    } catch let error as RunLookupError {
      throw ValidationError(error.description)
    } catch let error as StoreError {
      throw ValidationError(error.description)
    }
  }

  /// Several runs, refusing two names for the same run (a run compared with itself says nothing).
  static func loadDistinct(_ references: [String], root: String) throws -> [LoadedRun] {
    var seen: [String: String] = [:]
    return try references.map { reference in
      let run = try load(reference, root: root)
      if let earlier = seen[run.directory] {
        throw ValidationError("'\(earlier)' and '\(reference)' name the same run (\(run.directory))")
      }
      seen[run.directory] = reference
      return run
    }
  }
}
