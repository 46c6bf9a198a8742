import LoadEngine
import PlanFile
import Testing

@testable import RampartCommands

/// A plan file's `[rate]` / `[[rate_stages]]` under the command line (issue 19), as for the closed
/// model: any rate flag replaces the plan's rate plan, the pool flags its settings one by one, and
/// a closed-model flag (`--vusers`, `--stage`...) runs the plan closed, as k6's and Locust's
/// command lines override a script's load shape.
@Suite(.timeLimit(.minutes(5))) struct PlanOpenModelFlagsTests {
  static let stepRamp = """
    target = "http://127.0.0.1:9/"
    [rate]
    rate = 3000
    start = 100
    step = 100
    every = "10s"
    max_vusers = 500
    max_backlog = 1000
    arrivals = "poisson"
    """

  static let stepRampYAML = """
    target: http://127.0.0.1:9/
    rate: {rate: 3000, start: 100, step: 100, every: 10s, max_vusers: 500, max_backlog: 1000, arrivals: poisson}
    """

  static let planned = OpenModel(
    plan: .steps(start: 100, step: 100, every: 10, max: 3000), maxVusers: 500, maxBacklog: 1000,
    spacing: .poisson)

  static func config(_ plan: String, format: PlanFormat = .toml, _ flags: [String] = []) throws
    -> EngineConfig
  {
    let path = format == .toml ? "plan.toml" : "plan.yaml"
    let document = try PlanLoader.parse(text: plan, path: path, format: format, environment: [:])
    return try LoadOptions.parse([path] + flags).makeConfig(plan: document)
  }

  /// The one line a refused combination gives.
  static func refusal(_ plan: String, _ flags: [String]) -> String {
    do {
      _ = try config(plan, flags)
      return "accepted"
    } catch let error as ConfigError {
      return error.message
    } catch {
      return "\(error)"
    }
  }

  @Test func thePlanAloneGivesItsOpenModelFromTOMLAndYAML() throws {
    #expect(try Self.config(Self.stepRamp).open == Self.planned)
    #expect(try Self.config(Self.stepRampYAML, format: .yaml).open == Self.planned)
    let target = "target = \"http://127.0.0.1:9/\"\n"
    // The flags' defaults: a constant rate's pool from its peak, a ramp from one step, every 10 s,
    // stages from 0; a start above the ceiling starts at the ceiling.
    #expect(try Self.config(target + "[rate]\nrate = 2000\n").open == OpenModel(plan: .constant(2000)))
    #expect(
      try Self.config(target + "[rate]\nrate = 50\nstep = 20\n").open
        == OpenModel(plan: .steps(start: 20, step: 20, every: 10, max: 50)))
    #expect(
      try Self.config(target + "[rate]\nrate = 50\nstep = 20\nstart = 80\n").open?.plan
        == .steps(start: 50, step: 20, every: 10, max: 50))
    let stages = target + "[[rate_stages]]\nduration = \"1m\"\ntarget = 500\n"
    let staged = try Self.config(stages)
    #expect(staged.open == OpenModel(plan: .stages(start: 0, [.init(duration: 60, target: 500)])))
    #expect(staged.naturalDuration == 60)
    #expect(
      try Self.config(stages + "[rate]\nstart = 50\narrivals = \"even\"\n").open?.plan
        == .stages(start: 50, [.init(duration: 60, target: 500)]))
    #expect(try Self.config(target + "[ramp]\nvusers = 3\n").open == nil)
  }

  @Test func anyRateFlagReplacesThePlansRatePlanAndKeepsItsPool() throws {
    #expect(
      try Self.config(Self.stepRamp, ["--rate", "900"]).open
        == OpenModel(plan: .constant(900), maxVusers: 500, maxBacklog: 1000, spacing: .poisson))
    #expect(
      try Self.config(Self.stepRamp, ["--rate-stage", "10s:50"]).open?.plan
        == .stages(start: 0, [.init(duration: 10, target: 50)]))
    #expect(
      try Self.config(
        Self.stepRampYAML, format: .yaml, ["--rate-start", "5", "--rate-step", "5", "--rate", "50"]
      )
      .open?.plan == .steps(start: 5, step: 5, every: 10, max: 50))
  }

  @Test func poolFlagsReplaceThePlansSettingsOneByOne() throws {
    let flags = ["--max-vusers", "20", "--max-backlog", "5", "--arrivals", "even"]
    #expect(
      try Self.config(Self.stepRamp, flags).open
        == OpenModel(plan: Self.planned.plan, maxVusers: 20, maxBacklog: 5, spacing: .even))
    #expect(try Self.config(Self.stepRamp, ["--max-backlog", "7"]).open?.maxVusers == 500)
    #expect(try Self.config(Self.stepRamp, ["--max-backlog", "7"]).open?.maxBacklog == 7)
  }

  @Test func aClosedModelFlagRunsThePlanClosed() throws {
    let vusers = try Self.config(Self.stepRamp, ["--vusers", "5"])
    #expect(vusers.open == nil)
    #expect(vusers.plan == .steps(start: 5, step: 0, every: 1, max: 5))
    let stages = try Self.config(Self.stepRampYAML, format: .yaml, ["--stage", "10s:4"])
    #expect(stages.open == nil)
    #expect(stages.plan == .stages([.init(duration: 10, target: 4)]))
    // The plan's pool settings go with its open model; asked for beside --vusers, they are refused.
    #expect(
      Self.refusal(Self.stepRamp, ["--vusers", "5", "--max-vusers", "10"])
        == "--max-vusers, --max-backlog and --arrivals are for the open model: add --rate")
  }

  @Test func theFlagsRefusalsHoldOverAPlan() {
    #expect(
      Self.refusal(Self.stepRamp, ["--think", "1s"])
        == "--think is for the closed model's vusers; the open model paces requests by the plan's [rate] (--vusers runs it closed)"
    )
    #expect(
      Self.refusal(Self.stepRamp, ["--rate", "100", "--vusers", "5"])
        == "--rate and --vusers do not go together: the open model's vusers are a pool (--max-vusers)")
    #expect(
      Self.refusal(Self.stepRamp, ["--max-vusers", "0"])
        == "--max-vusers must be between 1 and 1000000, got 0")
    #expect(
      Self.refusal(Self.stepRamp, ["--arrivals", "burst"])
        == "--arrivals must be even or poisson, got 'burst'")
    #expect(
      Self.refusal(Self.stepRamp, ["--rate-step", "10"])
        == "--rate-start, --rate-step and --rate-every need --rate (the rate, or the ramp's ceiling)")
    #expect(
      Self.refusal("target = \"http://127.0.0.1:9/\"\n[ramp]\nvusers = 2\n", ["--max-vusers", "10"])
        == "--max-vusers, --max-backlog and --arrivals are for the open model: add --rate")
  }

  @Test func aClosedPlansThinkTimeStaysOutOfTheOpenModel() throws {
    let closed = "target = \"http://127.0.0.1:9/\"\nthink = \"100ms\"\n[ramp]\nvusers = 2\n"
    #expect(try Self.config(closed).think == 0.1)
    let open = try Self.config(closed, ["--rate", "100"])
    #expect(open.open == OpenModel(plan: .constant(100)))
    #expect(open.think == 0)
  }

  @Test func thePlanFilesRateBoundIsTheEngines() {
    #expect(PlanRate.maximumRate == LoadEngine.maximumRate)
  }
}
