import Foundation
import LoadEngine
import PlanFile

/// How a plan file's requests meet the command line: the plan's requests with the flags' headers
/// on top (a flag's header replaces the plan's of the same name), and `-X`/`-d` only where they
/// cannot be ambiguous (a plan with one request or none).
extension LoadOptions {
  func planTarget(_ document: PlanDocument) throws(ConfigError) -> String {
    guard let target = document.target else {
      throw ConfigError(document.error(at: "target", "missing: the plan needs a target URL").description)
    }
    return target
  }

  func applyRequests(of document: PlanDocument, to config: inout EngineConfig) throws(ConfigError) {
    guard !document.requests.isEmpty else { return }
    if document.requests.count > 1 && (method != nil || body != nil) {
      throw ConfigError(
        "-X and -d cannot override a plan with \(document.requests.count) requests: set them per request in "
          + document.path)
    }
    let flagHeaders = try parsedHeaders()
    let flagNames = Set(flagHeaders.map { $0.name.lowercased() })
    let flagBody = try bodyBytes()
    var mix: [WeightedRequest] = []
    for (index, request) in document.requests.enumerated() {
      let headers =
        request.headers.filter { !flagNames.contains($0.name.lowercased()) }.map { ($0.name, $0.value) }
        + flagHeaders
      do throws(ConfigError) {
        let template = try RequestTemplate(
          method: method ?? request.method, headers: headers, body: flagBody ?? request.body ?? [])
        let weighted = WeightedRequest(
          name: request.name, template: template, path: request.path.map { Self.join(config.target, $0) },
          weight: request.weight)
        mix.append(weighted)
      } catch {
        throw ConfigError(document.error(at: "requests[\(index)]", error.message).description)
      }
      do throws(ConfigError) {
        try mix[index].validatePath()
      } catch {
        throw ConfigError(document.error(at: "requests[\(index)].path", error.message).description)
      }
    }
    config.request = mix[0].template
    config.mix = mix
  }

  /// The plan's `[rate]` / `[[rate_stages]]` as the engine's rate plan, with the defaults of the
  /// `--rate*` flags (a step every 10 s, from one step); nil for a closed-model plan.
  static func plannedOpenModel(_ document: PlanDocument) -> PlannedOpenModel? {
    let settings = document.rate
    let plan: RatePlan
    if !document.rateStages.isEmpty {
      plan = .stages(
        start: settings?.start ?? 0,
        document.rateStages.map { RatePlan.Stage(duration: $0.duration, target: $0.target) })
    } else if let top = settings?.rate {
      if let step = settings?.step {
        plan = .steps(
          start: min(settings?.start ?? step, top), step: step, every: settings?.every ?? 10, max: top)
      } else {
        plan = .constant(top)
      }
    } else {
      return nil
    }
    return PlannedOpenModel(
      plan: plan, maxVusers: settings?.maxVusers, maxBacklog: settings?.maxBacklog,
      spacing: settings?.arrivals.flatMap { OpenModel.Spacing(rawValue: $0.rawValue) })
  }

  /// A request's path under the target's: `http://host/api` and `/users` make `/api/users`.
  static func join(_ target: HTTPTarget, _ path: String) -> String {
    let base = target.pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
    guard base != "/" && !base.isEmpty else { return path }
    return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
  }
}
