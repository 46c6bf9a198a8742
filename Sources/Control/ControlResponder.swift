import Foundation
import LogValues
import Metrics
import Vocabulary

/// Carries out parsed commands on the engine, exactly as the keys do (the engine validates and
/// journals each accepted change), and words the one line that goes back.
public struct ControlResponder: Sendable {
  private let control: any EngineControl
  private let engine: any EngineStatusSource
  private let metrics: any MetricsSource

  public init(control: any EngineControl, engine: any EngineStatusSource, metrics: any MetricsSource) {
    self.control = control
    self.engine = engine
    self.metrics = metrics
  }

  /// The reply to one line: `ok ...`, `error: ...`, or for `status` one JSON object. A reply may
  /// quote what the client sent; it goes back inert (`^[` for ESC), as the log panel shows text.
  public func respond(to line: String) -> String {
    let reply: String
    do throws(ControlError) {
      reply = try perform(try ControlCommand.parse(line))
    } catch {
      reply = "error: \(error.message)"
    }
    return Self.inert(reply)
  }

  /// `text` with control characters and bidi controls shown as visible codes, never cut.
  public static func inert(_ text: String) -> String {
    LineSanitizer.displayText(RawLine(text), maxColumns: Int.max / 2)
  }

  private func perform(_ command: ControlCommand) throws(ControlError) -> String {
    let status = engine.status()
    switch command {
    case .status: return statusJSON(status)
    case .stop:
      control.stop()
      return "ok stopping"
    default: break
    }
    guard status.phase == .running || status.phase == .paused else {
      throw ControlError(
        status.phase == .starting ? "the run has not started yet" : "the run is over: nothing to change")
    }
    switch command {
    case .pause:
      control.pause()
      return "ok paused"
    case .resume:
      control.resume()
      return "ok resumed"
    case .vusers(let count):
      try control.setTargetVusers(count)
      return "ok vusers \(count)"
    case .rate(let rate):
      try control.setRate(rate)
      return "ok rate \(RateText.setting(rate))"
    case .step(let vusers):
      try control.setRampStep(vusers)
      return "ok step \(vusers)"
    case .every(let seconds):
      try control.setRampInterval(seconds: seconds)
      return "ok every \(DurationText.format(seconds))"
    case .hold(let wanted):
      let hold = wanted ?? !status.rampHeld
      control.setHold(hold)
      return hold ? "ok held" : "ok released"
    case .next:
      try control.skipToNextStage()
      return "ok next stage"
    case .tag(let label):
      control.tag(label)
      return "ok tagged \(label)"
    case .status, .stop:
      return "ok"
    }
  }

  /// One line of JSON with what a script polls for: state, load, latency, errors, the knee.
  func statusJSON(_ status: EngineStatus) -> String {
    let snapshot = metrics.snapshot()
    let last = snapshot.samples.last
    var object: [String: Any] = [
      "phase": status.phase.rawValue, "elapsed_s": round3(status.elapsed),
      "paused_s": round3(status.pausedFor),
      "target_vusers": status.targetVusers, "vusers": last?.vusers ?? 0, "ramp_held": status.rampHeld,
      "tps": round3(last?.tps ?? 0), "mtt_ms": round3(last?.mttMs ?? 0), "p95_ms": round3(last?.p95Ms ?? 0),
      "p99_ms": round3(last?.p99Ms ?? 0), "requests": snapshot.totals.completed,
      "errors": snapshot.totals.errorCount,
    ]
    object["model"] = status.rate == nil ? "closed" : "open"
    if let rate = status.rate {
      // The rate asked for now, what the last whole second offered, and the run's arrivals so far.
      object["rate"] = round3(rate)
      object["offered"] = round3(snapshot.samples.last(where: \.isWhole)?.offeredRate ?? 0)
      object["late"] = snapshot.totals.arrivals?.late ?? 0
      object["dropped"] = snapshot.totals.arrivals?.dropped ?? 0
    }
    if let ramp = status.ramp {
      object["ramp_step"] = ramp.step
      object["ramp_every_s"] = ramp.every
    }
    if let knee = snapshot.knee {
      var figures: [String: Any] = [
        "vusers": knee.vusers, "tps": round3(knee.tps), "mtt_ms": round3(knee.mttMs),
        "confidence": round3(knee.confidence),
      ]
      if let rate = knee.rate { figures["rate"] = round3(rate) }
      object["knee"] = figures
    }
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
      return "error: status could not be encoded"
    }
    return String(decoding: data, as: UTF8.self)
  }

  private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
