import ArgumentParser
import DemoTarget
import Foundation

struct TargetCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "target",
    abstract: "Serve the demo target: an HTTP server with a known capacity and a uvicorn-style log.")

  @OptionGroup var model: TargetOptions

  @Option(help: "TCP port (0 = any free port).")
  var port: Int = 8080

  @Option(help: "Address to listen on; loopback unless another address is named explicitly.")
  var listen: String = "127.0.0.1"

  @Option(help: "Append the target's log to this file.")
  var log: String?

  @Option(help: "Event loop threads.")
  var threads: Int = 2

  func run() async throws {
    var config = try model.makeConfig(defaultQueue: 64)
    config.port = port
    config.host = listen
    config.logPath = log
    if let problem = config.problem { throw ValidationError(problem) }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
    let target: DemoTarget
    do {
      target = try await DemoTarget(config: config, threads: threads)
    } catch {
      throw ValidationError("cannot serve on \(listen):\(port): \(error)")
    }
    printOut(
      "rampart target: \(target.url)  capacity \(config.capacityText), queue \(config.queue)/backend, "
        + "overload \(config.overload.rawValue)" + (log.map { ", log \($0)" } ?? ""))
    await waitForStopSignal()
    await target.shutdown()
    printOut(
      "rampart target: stopped after \(target.counters.responses) responses, \(target.counters.overloaded) "
        + "overloaded, \(target.counters.brokenPipes) clients gone before their response")
  }
}

/// Returns on the first SIGINT or SIGTERM, through the same `SignalStop` as `rampart run` (a
/// second signal exits at once).
func waitForStopSignal() async {
  let (signals, arrived) = AsyncStream<Int32>.makeStream()
  let stop = SignalStop(onFirst: { arrived.yield($0) })
  for await _ in signals { break }
  _ = stop
}
