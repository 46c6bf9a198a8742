import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The embedded demo target: an HTTP/1.1 server on loopback whose capacity is known in advance
/// (backends x workers / service time), with a log that reads like a Python service's.
public final class DemoTarget: Sendable {
  public let config: TargetConfig
  public let port: Int
  public let counters: TargetCounters

  /// Worker-seconds the backends' workers sat idle since the first request: near zero while the
  /// clients keep every queue non-empty. Where it is not, the target served less than its capacity because
  /// it was offered less, which is how a test tells a starved client from a slow target.
  public var idleWorkerSeconds: Double { core.backends.map(\.idleSeconds).reduce(0, +) }
  private let core: TargetCore
  private let group: MultiThreadedEventLoopGroup
  private let channel: any Channel

  /// Binds and starts serving. Throws a one-line error when the address cannot be used.
  public init(config: TargetConfig, threads: Int = 2) async throws {
    self.config = config
    let log = try TargetLog(path: config.logPath)
    let core = TargetCore(config: config, log: log)
    self.core = core
    counters = core.counters
    group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    do {
      channel = try await ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 4096)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(TargetHandler(core: core))
          }
        }
        .bind(host: config.host, port: config.port).get()
    } catch {
      log.close()
      try? await group.shutdownGracefully()
      throw error
    }
    port = channel.localAddress?.port ?? config.port
    log.info(
      "uvicorn.error",
      "Uvicorn running on http://\(config.host):\(port) (Press CTRL+C to quit); capacity "
        + "\(Int(config.capacity)) req/s = \(config.backends) backend(s) x \(config.workers) workers / "
        + "\(Int((config.service * 1000).rounded())) ms")
  }

  public var url: String { "http://\(config.host.contains(":") ? "[\(config.host)]" : config.host):\(port)/" }

  /// Stops accepting, closes the log after a last flush.
  public func shutdown() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
    core.burnPool.map { try? $0.syncShutdownGracefully() }
    core.log.info("uvicorn.error", "Shutting down")
    core.log.close()
  }
}
