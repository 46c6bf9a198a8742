import Foundation
import TestSupport
import Testing

/// rampart as a user who is not root runs it: no capability on the machine's sockets. Every
/// connection failed here with EACCES (booked `connect_refused`) while the engine asked for
/// TCP_NODELAY at the socket level, where option 1 is SO_DEBUG, which needs CAP_NET_ADMIN; as
/// root it silently turned on SO_DEBUG instead.
@Suite(
  "a run without privileges",
  .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"), "needs unshare"),
  .timeLimit(.minutes(30)))
struct UnprivilegedRunTests {
  @Test("every request succeeds in a user namespace with no capability on the host's sockets")
  func requestsSucceedWithoutPrivileges() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        let p = try RampartProcess(
          ["run", server.url, "--vusers", "2", "--duration", "1s", "--no-tui", "--json", "--out", "runs"],
          unprivileged: true)
        defer { p.cleanUp() }
        let exit = await p.wait(seconds: 30)
        #expect(exit == 0, "exit \(String(describing: exit)); stderr: \(p.stderr)")
        let summary = try #require(
          try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any], "stdout: \(p.stdout)"
        )
        #expect(summary["errors"] as? Int == 0, "\(summary["errors_by_kind"] ?? "")")
        #expect((summary["ok"] as? Int ?? 0) > 0)
      }
    }
  }
}
