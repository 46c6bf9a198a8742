import Foundation

/// Everything the engine needs to run, validated before the first request.
public struct EngineConfig: Sendable {
  public var target: HTTPTarget
  public var request: RequestTemplate
  /// Several weighted requests instead of `request` alone (a plan file's `[[requests]]`); empty =
  /// every iteration sends `request` to the target URL.
  public var mix: [WeightedRequest] = []
  /// The closed model's vuser plan (ignored when `open` is set).
  public var plan: LoadPlan
  /// The open model: requests arrive at a rate, whatever the responses do; nil = closed model.
  public var open: OpenModel?
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
  /// In the open model a loop is added for every `requestsPerLoop` of the peak rate (the pool
  /// opens connections as arrivals need them); never more loops than the pool may hold.
  public var resolvedEventLoops: Int {
    let loops: Int
    if let eventLoops {
      loops = max(1, eventLoops)
    } else if let open {
      loops = max(
        1, min(System.coreCountForLoad, Int((open.peakRate / Self.requestsPerLoop).rounded(.up))))
    } else {
      let wanted = (plan.peakVusers + Self.vusersPerLoop - 1) / Self.vusersPerLoop
      loops = max(1, min(System.coreCountForLoad, wanted))
    }
    return openPoolCap.map { min(loops, max(1, $0)) } ?? loops
  }

  public static let vusersPerLoop = 250
  /// Requests per second one loop paces and answers: a loop serves 130-160k/s closed-loop against
  /// nginx on loopback, and since arrivals cost a timer per batch rather than per request
  /// (`ArrivalWake`) the open model's CPU per request at saturation is 1.4-1.5x wrk's (3.8x before),
  /// so a rate up to the top of that range stays on one loop. A second loop on two cores shared
  /// with the target only took CPU from it: `--rate 150000` beside nginx on a 2-core machine (6 s
  /// runs, at most 1000 vusers) reached 0.35-0.65 of the rate on two loops and 0.6-0.97 on one.
  /// `--loops` overrides.
  public static let requestsPerLoop = 200_000.0

  /// The open model's pool cap: `--max-vusers`, or by default enough vusers for every arrival to
  /// go out on time while responses take up to `--timeout` (a request never holds a vuser longer).
  /// The pool opens a vuser only when an arrival finds none free, so what it actually holds is
  /// the rate times the observed response time (Little's law); the open-file limit lowers the cap
  /// at start. Nil in the closed model.
  public var openPoolCap: Int? {
    open.map {
      $0.maxVusers ?? OpenModel.defaultMaxVusers(peakRate: $0.peakRate, timeout: requestTimeout)
    }
  }

  /// The most vusers the run may hold at once: the pool's cap in the open model.
  public var peakVusers: Int { openPoolCap ?? plan.peakVusers }

  /// "ramp 100 -> 1000 step 100/5s", "rate 2000/s": the plan as the user gave it.
  public var planSummary: String { describedAs ?? open?.plan.summary ?? plan.summary }
  /// How the plan reads when something other than its rate plan drives it (a capacity search).
  public var describedAs: String?

  /// Seconds the plan runs by itself; nil when it holds until stopped.
  public var naturalDuration: Double? { open.map { $0.plan.naturalDuration } ?? plan.naturalDuration }
}

/// The open model's settings (k6's arrival-rate executors): the rate plan, the pool of vusers
/// (connections) arrivals may use, the backlog that holds arrivals finding no free vuser, and how
/// arrivals are spaced.
public struct OpenModel: Sendable, Equatable {
  public var plan: RatePlan
  /// The most vusers (connections) at once, k6's maxVUs; nil = sized from the rate and the
  /// request timeout (`EngineConfig.openPoolCap`).
  public var maxVusers: Int?
  /// Arrivals that may wait for a free vuser; more are dropped and counted.
  public var maxBacklog: Int
  public var spacing: Spacing
  /// The highest rate live control will ask for when it is above the plan's own peak (a capacity
  /// search starts low and climbs to --max-rate): the pool, the loops and the backlog are sized
  /// for it. Nil = the plan's peak.
  public var ceiling: Double?

  /// The highest rate this run may offer: what sizes the pool, the loops and the backlog.
  public var peakRate: Double { max(plan.peakRate, ceiling ?? 0) }

  public enum Spacing: String, Sendable, Equatable {
    case even, poisson
  }

  public init(
    plan: RatePlan, maxVusers: Int? = nil, maxBacklog: Int? = nil, spacing: Spacing = .even,
    ceiling: Double? = nil
  ) {
    self.plan = plan
    self.maxVusers = maxVusers
    self.maxBacklog = maxBacklog ?? Self.defaultMaxBacklog(peakRate: max(plan.peakRate, ceiling ?? 0))
    self.spacing = spacing
    self.ceiling = ceiling
  }

  /// Enough vusers for every arrival at the peak rate to be sent on time while each response takes
  /// up to `timeout`, at least 10.
  public static func defaultMaxVusers(peakRate: Double, timeout: Double) -> Int {
    max(10, Int(min(1e9, (peakRate * max(0.001, timeout)).rounded(.up))))
  }

  /// One second of arrivals at the peak rate, at least one.
  public static func defaultMaxBacklog(peakRate: Double) -> Int {
    max(1, Int(peakRate.rounded(.up)))
  }
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
