import ConfigDiagnostics

/// The open model's keys: `[rate]` and `[[rate_stages]]`, which describe requests arriving at a
/// rate, and so refuse the closed model's vusers (`[ramp]`, `[[stages]]`) and `think`.
extension PlanSchema {
  static let rateKeys = ["rate", "start", "step", "every", "max_vusers", "max_backlog", "arrivals"]
  /// What `[rate]` may hold beside `[[rate_stages]]`, which give the rate themselves.
  static let rateKeysBesideStages = ["start", "max_vusers", "max_backlog", "arrivals"]
  static let maxBacklog = 100_000_000

  /// Refuses `key` when the file holds keys of both load models; `closed` and `open` are the first
  /// key of each seen so far (`key` among them).
  func refuseMixedModels(_ key: String, closed: String?, open: String?) throws(PlanError) {
    guard let closed, let open else { return }
    let reason =
      closed == "think"
      ? "the open model paces requests by its rate, without think time"
      : "the open model's vusers are a pool (rate.max_vusers)"
    throw reader.fail(
      key, "\(Self.section(closed)) and \(Self.section(open)) cannot be used together: \(reason)")
  }

  static func section(_ key: String) -> String {
    switch key {
    case "ramp", "rate": "[\(key)]"
    case "stages", "rate_stages": "[[\(key)]]"
    default: key
    }
  }

  mutating func rate(_ node: RawNode, _ key: String, besideStages: Bool) throws(PlanError) -> PlanRate {
    var rate = PlanRate()
    for entry in try reader.entries(node, key, known: Self.rateKeys) {
      let path = KeyPath.child(key, entry.key)
      if besideStages && !Self.rateKeysBesideStages.contains(entry.key) {
        throw refusalBesideStages(path)
      }
      switch entry.key {
      case "rate": rate.rate = try reader.rate(entry.value, path, allowZero: false)
      case "start": rate.start = try reader.rate(entry.value, path, allowZero: true)
      case "step": rate.step = try reader.rate(entry.value, path, allowZero: false)
      case "every": rate.every = try reader.duration(entry.value, path, positive: true)
      case "max_vusers": rate.maxVusers = try reader.integer(entry.value, path, 1...Self.maxCount)
      case "max_backlog": rate.maxBacklog = try reader.integer(entry.value, path, 0...Self.maxBacklog)
      case "arrivals":
        let (text, secret) = try reader.string(entry.value, path)
        guard let arrivals = PlanArrivals(rawValue: text.lowercased()) else {
          throw reader.fail(path, "must be even or poisson\(reader.got(text, secret: secret))")
        }
        rate.arrivals = arrivals
      default: break
      }
    }
    return rate
  }

  mutating func rateStages(_ node: RawNode, _ key: String) throws(PlanError) -> [PlanRateStage] {
    let items = try reader.items(node, key)
    if items.isEmpty { throw reader.fail(key, "must hold at least one stage") }
    var stages: [PlanRateStage] = []
    for (index, item) in items.enumerated() {
      let stageKey = KeyPath.index(key, index)
      var duration: Double?
      var target: Double?
      for entry in try reader.entries(item, stageKey, known: Self.stageKeys) {
        let path = KeyPath.child(stageKey, entry.key)
        if entry.key == "duration" {
          duration = try reader.duration(entry.value, path, positive: true)
        } else {
          target = try reader.rate(entry.value, path, allowZero: true)
        }
      }
      guard let duration else {
        throw reader.fail(stageKey, "missing 'duration' (each stage needs duration and target)")
      }
      guard let target else {
        throw reader.fail(stageKey, "missing 'target' (each stage needs duration and target)")
      }
      stages.append(PlanRateStage(duration: duration, target: target))
    }
    return stages
  }

  /// `[[rate_stages]]` after a `[rate]` that gives a rate of its own.
  func refuseRateBesideStages(_ rate: PlanRate?) throws(PlanError) {
    guard let rate else { return }
    let given: [(key: String, set: Bool)] = [
      ("rate", rate.rate != nil), ("step", rate.step != nil), ("every", rate.every != nil),
    ]
    if let first = given.first(where: \.set) { throw refusalBesideStages(KeyPath.child("rate", first.key)) }
  }

  private func refusalBesideStages(_ path: String) -> PlanError {
    reader.fail(
      path,
      "cannot be used with [[rate_stages]], which give the rate ([rate] may then hold start, max_vusers, "
        + "max_backlog and arrivals)")
  }

  /// What only the whole file shows: `[rate]` without `[[rate_stages]]` needs its rate, and a
  /// step ramp's start and interval need its step.
  func checkRate() throws(PlanError) {
    guard let rate = reader.document.rate, reader.document.rateStages.isEmpty else { return }
    guard rate.rate != nil else {
      throw reader.fail(
        "rate", "missing 'rate' (requests per second, or a step ramp's ceiling), or add [[rate_stages]]")
    }
    guard rate.step == nil else { return }
    if rate.start != nil {
      throw reader.fail("rate.start", "needs rate.step (a step ramp climbs from start by step every 'every')")
    }
    if rate.every != nil {
      throw reader.fail("rate.every", "needs rate.step (a step ramp climbs from start by step every 'every')")
    }
  }
}
