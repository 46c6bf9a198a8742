import Foundation

/// A tmpfs of a few hundred kB for rampart's runs, mounted in a mount namespace of its own (nothing
/// outside sees it), for FAULTS DUR-03: `unshare -m` as root (CI), else `unshare -rm` (a user
/// namespace too, so no privilege is needed; rampart then runs without the root's capabilities it
/// has elsewhere, which the tests as root should not change). rampart
/// runs with `--out disk/runs` (`TinyDisk.out`); when it exits, the runs are copied to
/// `rampart-runs` beside it, where `RampartProcess.runDirectories` looks, since the tmpfs goes
/// away with the namespace.
public struct TinyDisk: Sendable {
  public enum Fill: Sendable {
    /// Full before rampart starts: the run directory cannot be set up.
    case beforeStart
    /// Filled once the run's first row is on disk: the journal fails when the series file next
    /// needs a page (tmpfs allocates 4 kB pages), about a dozen rows later.
    case afterFirstRow
  }

  public var size = "256k"
  public var fill: Fill

  /// The `--out` to give rampart.
  public static let out = "disk/runs"

  public init(fill: Fill) {
    self.fill = fill
  }

  /// `unshare -m sh -c SCRIPT tiny-disk BINARY ARGS...`: mount, fill, run, copy the runs out.
  func command(binary: String, arguments: [String]) -> (executable: String, arguments: [String]) {
    let filler = "dd if=/dev/zero of=disk/filler bs=4k 2>/dev/null"
    let fillStep =
      switch fill {
      case .beforeStart: filler
      case .afterFirstRow:
        "( until [ -s \"$(ls -d disk/runs/*/ 2>/dev/null | head -n 1)series.jsonl\" ]; do sleep 0.02; done; "
          + "\(filler) ) & filling=$!"
      }
    // A filler still waiting when rampart is gone (it never wrote a row) is ended, not waited for.
    let script = """
      mkdir -p disk && mount -t tmpfs -o size=\(size) tmpfs disk || exit 97
      filling=
      \(fillStep)
      "$@"
      status=$?
      [ -n "$filling" ] && kill "$filling" 2>/dev/null
      wait
      rm -f disk/filler
      mkdir -p rampart-runs && cp -a disk/runs/. rampart-runs/ 2>/dev/null
      exit $status
      """
    let namespaces = geteuid() == 0 ? "-m" : "-rm"
    return ("/usr/bin/unshare", [namespaces, "sh", "-c", script, "tiny-disk", binary] + arguments)
  }
}
