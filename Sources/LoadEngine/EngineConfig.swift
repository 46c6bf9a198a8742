import Foundation

/// Everything the engine needs to run, validated before the first request.
public struct EngineConfig: Sendable {
  public var target: HTTPTarget
  public var request: RequestTemplate
  /// Several weighted requests instead of `request` alone (a plan file's `[[requests]]`); empty =
  /// every iteration sends `request` to the target URL.
  public var mix: [WeightedRequest] = []
  public var plan: LoadPlan
  /// Caps the run's plan time (paused time excluded); nil = until the plan ends or a stop.
  public var duration: Double?
  /// Stops after this many requests have been scheduled (oha's -n); nil = no cap.
  public var maxRequests: Int?
  /// Pause between a response and the vuser's next request.
  public var think: Double = 0
  public var connectTimeout: Double = 10
  public var requestTimeout: Double = 30
  /// Accept any TLS certificate (self-signed test targets).
  public var insecure = false
  /// Same-origin redirects followed per request before it fails as too_many_redirects.
  public var maxRedirects = 10
  /// Event loop threads; nil = `resolvedEventLoops`' rule (a loop for every 250 vusers).
  public var eventLoops: Int?
  /// Binds each event loop to a CPU of its own when there is one loop per usable CPU (see
  /// `LoopPinning`).
  public var pinLoops = true
  /// How long in-flight requests may finish after a stop.
  public var gracePeriod: Double = 5
  /// A round of events that frees this many vusers or more has their requests spread over the next
  /// round (see `LoopWorker.writeQueued`); fewer go out at once at the round's end.
  public var spreadBurst = 64

  public init(target: HTTPTarget, request: RequestTemplate, plan: LoadPlan) {
    self.target = target
    self.request = request
    self.plan = plan
  }

  /// A loop for every `vusersPerLoop` vusers, at most one per usable core. Few vusers spread over
  /// several loops only add wake-ups and cross-core scheduling: measured beside wrk -t1 on 2 cores
  /// sharing them with nginx, 50 connections on one loop gave 1.11x wrk's throughput with p50 and
  /// p99 within 8% of wrk's, on two loops 1.19x but p99 1.5x; at 1000 connections two loops gave
  /// 1.14x with p99 1.04x, one loop 1.04x with p99 1.11x.
  public var resolvedEventLoops: Int {
    if let eventLoops { return max(1, eventLoops) }
    let wanted = (plan.peakVusers + Self.vusersPerLoop - 1) / Self.vusersPerLoop
    return max(1, min(System.coreCountForLoad, wanted))
  }

  public static let vusersPerLoop = 250
}

enum System {
  /// The CPUs this process may use: a cpuset or taskset counts, not the machine's whole count.
  static var coreCountForLoad: Int {
    if let allowed = LoopPinning.allowedCPUs { return allowed.count }
    #if canImport(Glibc)
      return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
      return ProcessInfo.processInfo.activeProcessorCount
    #endif
  }
}
