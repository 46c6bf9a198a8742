import Metrics
import NIOCore
import NIOPosix
import NIOSSL

/// A vuser's connection: opened on demand on its worker's loop (TLS when the target asks), bound
/// to a generation so events from a dropped connection are ignored, and dropped on errors.
extension VirtualUser {
  func connect() {
    generation += 1
    connectionInSetup = true
    let generation = self.generation
    let context = self.context
    guard context.claimConnection() else {
      connectFailures += 1
      return finish(.failure(.emfile), latency: nil)
    }
    // The open model's pool paces how many connects it starts at once (`ArrivalDispatcher`).
    let arrivals = isArrival ? worker.arrivals : nil
    arrivals?.connectStarted()
    let bootstrap = ClientBootstrap(group: worker.loop)
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .connectTimeout(.nanoseconds(Int64(context.config.connectTimeout * 1e9)))
      .channelInitializer { [self] channel in
        do {
          if let ssl = context.sslContext {
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: ssl, serverHostname: context.sniHostname))
          }
          try channel.pipeline.syncOperations.addHandler(
            ConnectionHandler(vuser: self, generation: generation))
          return channel.eventLoop.makeSucceededVoidFuture()
        } catch {
          return channel.eventLoop.makeFailedFuture(error)
        }
      }
    bootstrap.connect(to: context.address).whenComplete { [self] result in
      arrivals?.connectEnded()
      switch result {
      case .success(let channel): channel.closeFuture.whenComplete { _ in context.releaseConnection() }
      case .failure: context.releaseConnection()
      }
      connected(result, generation: generation)
    }
  }

  private func connected(_ result: Result<Channel, any Error>, generation: Int) {
    worker.tick()
    switch result {
    case .success(let channel):
      guard generation == self.generation, inFlight else {
        channel.close(promise: nil)
        return
      }
      self.channel = channel
      directSocket = context.sslContext == nil ? DirectSocket.descriptor(of: channel) : nil
      requestsOnConnection = 0
      worker.connectionOpened()
      send()
    case .failure(let error):
      guard generation == self.generation, inFlight else { return }
      connectFailures += 1
      finish(.failure(ErrorClassifier.kind(for: error, phase: .connect)), latency: nil)
    }
  }

  func attach(_ context: ChannelHandlerContext, generation: Int) {
    if generation == self.generation { writeContext = context }
  }

  func handshakeCompleted(generation: Int) {
    if generation == self.generation { connectionInSetup = false }
  }

  /// Drops the current connection; events still arriving from it are ignored.
  func dropConnection() {
    generation += 1
    directSocket = nil
    writeContext = nil
    guard let channel else { return }
    self.channel = nil
    worker.connectionClosed()
    channel.close(promise: nil)
  }
}
