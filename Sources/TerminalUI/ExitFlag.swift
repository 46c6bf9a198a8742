import Synchronization

/// Set from any thread (a signal handler's queue) to make a screen's loop leave: the dashboard
/// once the engine has finished stopping, the compare screen at once.
public final class ExitFlag: Sendable {
  private let value = Atomic<Bool>(false)
  public init() {}
  public func set() { value.store(true, ordering: .relaxed) }
  public var isSet: Bool { value.load(ordering: .relaxed) }
}
