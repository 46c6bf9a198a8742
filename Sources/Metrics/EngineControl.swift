/// Live control of a running load, as keys and the control socket drive it. Every accepted call
/// takes effect within a second and is journalled as a `RunEvent`; a refused call changes nothing.
public protocol EngineControl: Sendable {
  /// No new request starts while paused; in-flight requests finish and count.
  func pause()
  /// Continues the plan where it stood, without catching up on the paused time.
  func resume()
  func setTargetVusers(_ count: Int) throws(ControlError)
  func setRampStep(_ vusers: Int) throws(ControlError)
  func setRampInterval(seconds: Double) throws(ControlError)
  /// Freezes (true) or releases (false) the ramp at the current level.
  func setHold(_ hold: Bool)
  func skipToNextStage() throws(ControlError)
  /// Marks this moment in the journal and on the charts, with a label ("knee?" by default).
  func tag(_ label: String)
  /// Graceful stop: in-flight requests get the grace period, then the summary is written.
  func stop()
  /// Open model: the rate offered from now on, requests per second (constant until changed).
  func setRate(_ rate: Double) throws(ControlError)
}

extension EngineControl {
  /// A closed-model control has no rate to set.
  public func setRate(_ rate: Double) throws(ControlError) {
    throw ControlError("this run has vusers, not a rate (start it with --rate for the open model)")
  }
}

public struct ControlError: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
