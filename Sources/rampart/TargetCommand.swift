import ArgumentParser
import DemoTarget
import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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

/// Returns on the first SIGINT or SIGTERM.
func waitForStopSignal() async {
  var unblock = sigset_t()
  sigemptyset(&unblock)
  sigaddset(&unblock, SIGINT)
  sigaddset(&unblock, SIGTERM)
  pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
  let queue = DispatchQueue(label: "rampart.target.signals")
  let (signals, arrived) = AsyncStream<Int32>.makeStream()
  let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
    signal(sig, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
    source.setEventHandler { arrived.yield(sig) }
    source.resume()
    return source
  }
  for await _ in signals { break }
  sources.forEach { $0.cancel() }
}
