import PlanFile
import Testing

/// The open model in a plan file (issue 19): `[rate]` and `[[rate_stages]]`, in TOML and YAML
/// alike, and every rule by the exact one-line message it gives, with its line.
@Suite(.timeLimit(.minutes(5))) struct PlanRateTests {
  @Test func stepRampLoadsTheSameFromTOMLAndYAML() throws {
    let toml = try PlanLoader.load(path: Plans.fixtures + "/open.toml", environment: [:])
    #expect(
      toml.rate
        == PlanRate(
          rate: 3000, start: 100, step: 100.5, every: 10, maxVusers: 500, maxBacklog: 1000, arrivals: .poisson
        ))
    #expect(toml.rateStages.isEmpty && toml.ramp == nil && toml.stages.isEmpty && toml.think == nil)
    let yaml = try PlanLoader.load(path: Plans.fixtures + "/open.yaml", environment: [:])
    #expect(yaml == toml)
    #expect(toml.location(of: "rate.every")?.line == 10 && yaml.location(of: "rate.every")?.line == 10)
  }

  @Test func rateStagesLoadTheSameFromTOMLAndYAML() throws {
    let toml = try Plans.toml(
      """
      [rate]
      start = 50
      max_vusers = 20
      [[rate_stages]]
      duration = "1m"
      target = 500
      [[rate_stages]]
      duration = "4m"
      target = 0.5
      """)
    #expect(toml.rate == PlanRate(start: 50, maxVusers: 20))
    #expect(
      toml.rateStages == [
        PlanRateStage(duration: 60, target: 500), PlanRateStage(duration: 240, target: 0.5),
      ])
    let yaml = try Plans.yaml(
      """
      rate: {start: 50, max_vusers: 20}
      rate_stages:
        - {duration: 1m, target: 500}
        - duration: 4m
          target: 0.5
      """)
    #expect(yaml == toml)
    // Stages need no [rate]: they start from 0 requests per second.
    let alone = try Plans.toml("[[rate_stages]]\nduration = \"10s\"\ntarget = 5\n")
    #expect(alone.rate == nil && alone.rateStages == [PlanRateStage(duration: 10, target: 5)])
  }

  @Test func aConstantRateTakesAnIntegerOrAFloatAndEitherSpacing() throws {
    #expect(try Plans.toml("[rate]\nrate = 2000\n").rate == PlanRate(rate: 2000))
    #expect(
      try Plans.yaml("rate:\n  rate: 0.5\n  arrivals: Even\n").rate == PlanRate(rate: 0.5, arrivals: .even))
    #expect(Plans.tomlError("[rate]\nrate = 10000000\nmax_backlog = 0\nmax_vusers = 1000000\n") == "loaded")
  }

  @Test func eitherLoadModelButNotBoth() {
    #expect(
      Plans.tomlError("[ramp]\nvusers = 10\n[rate]\nrate = 5\n")
        == "plan.toml:3:1: rate: [ramp] and [rate] cannot be used together: the open model's vusers are a pool (rate.max_vusers)"
    )
    #expect(
      Plans.tomlError("[rate]\nrate = 5\n[ramp]\nvusers = 10\n")
        == "plan.toml:3:1: ramp: [ramp] and [rate] cannot be used together: the open model's vusers are a pool (rate.max_vusers)"
    )
    #expect(
      Plans.tomlError(
        "[[rate_stages]]\nduration = \"1s\"\ntarget = 5\n[[stages]]\nduration = \"1s\"\ntarget = 1\n")
        == "plan.toml:4:1: stages: [[stages]] and [[rate_stages]] cannot be used together: the open model's vusers are a pool (rate.max_vusers)"
    )
    #expect(
      Plans.tomlError("think = \"1s\"\n[rate]\nrate = 5\n")
        == "plan.toml:2:1: rate: think and [rate] cannot be used together: the open model paces requests by its rate, without think time"
    )
    #expect(
      Plans.yamlError("rate:\n  rate: 5\nthink: 0s\n")
        == "plan.yaml:3:1: think: think and [rate] cannot be used together: the open model paces requests by its rate, without think time"
    )
    #expect(
      Plans.yamlError("stages:\n  - {duration: 1s, target: 1}\nrate_stages:\n  - {duration: 1s, target: 1}\n")
        == "plan.yaml:3:1: rate_stages: [[stages]] and [[rate_stages]] cannot be used together: the open model's vusers are a pool (rate.max_vusers)"
    )
  }

  @Test func ratesMustBePositiveAndBounded() {
    #expect(
      Plans.tomlError("[rate]\nrate = 0\n")
        == "plan.toml:2:1: rate.rate: must be more than 0 requests per second, got 0")
    #expect(
      Plans.tomlError("[rate]\nrate = -5\n")
        == "plan.toml:2:1: rate.rate: must be more than 0 requests per second, got -5")
    #expect(
      Plans.tomlError("[rate]\nrate = \"abc\"\n")
        == "plan.toml:2:1: rate.rate: expected a number of requests per second, got a string")
    #expect(
      Plans.tomlError("[rate]\nrate = inf\n")
        == "plan.toml:2:1: rate.rate: expected a finite number of requests per second")
    #expect(
      Plans.tomlError("[rate]\nrate = 2e7\n")
        == "plan.toml:2:1: rate.rate: must be at most 10000000 requests per second, got 20000000")
    #expect(
      Plans.yamlError("rate:\n  rate: 100000000000000000000000\n")
        == "plan.yaml:2:3: rate.rate: must be at most 10000000 requests per second, got '100000000000000000000000'"
    )
    #expect(
      Plans.yamlError("rate:\n  rate: -100000000000000000000000\n")
        == "plan.yaml:2:3: rate.rate: must be more than 0 requests per second, got '-100000000000000000000000'"
    )
    #expect(
      Plans.tomlError("[rate]\nrate = 10\nstep = 0\n")
        == "plan.toml:3:1: rate.step: must be more than 0 requests per second, got 0")
    #expect(
      Plans.yamlError("rate:\n  rate: 10\n  step: 1\n  start: -1\n")
        == "plan.yaml:4:3: rate.start: must be 0 or more requests per second, got -1")
    #expect(
      Plans.tomlError("[rate]\nrate = 10\nstep = 1\nevery = \"0s\"\n")
        == "plan.toml:4:1: rate.every: must be greater than 0, got '0s'")
  }

  @Test func stageTargetsMayBeZeroButNotNegative() {
    #expect(
      Plans.tomlError("[[rate_stages]]\nduration = \"1m\"\ntarget = -5\n")
        == "plan.toml:3:1: rate_stages[0].target: must be 0 or more requests per second, got -5")
    #expect(
      Plans.yamlError("rate_stages:\n  - duration: 1m\n    target: -5\n")
        == "plan.yaml:3:5: rate_stages[0].target: must be 0 or more requests per second, got -5")
    #expect(
      Plans.tomlError("[[rate_stages]]\nduration = \"soon\"\ntarget = 5\n")
        == "plan.toml:2:1: rate_stages[0].duration: expected a duration such as 500ms, 5s or 1m30s, got 'soon'"
    )
    #expect(
      Plans.yamlError("rate_stages:\n  - {duration: 1s, target: 1}\n  - target: 2\n")
        == "plan.yaml:3:5: rate_stages[1]: missing 'duration' (each stage needs duration and target)")
    #expect(
      Plans.tomlError("[[rate_stages]]\nduration = \"1s\"\n")
        == "plan.toml:1:1: rate_stages[0]: missing 'target' (each stage needs duration and target)")
    #expect(
      Plans.tomlError("rate_stages = []\n") == "plan.toml:1:1: rate_stages: must hold at least one stage")
    #expect(Plans.tomlError("[[rate_stages]]\nduration = \"1s\"\ntarget = 0\n") == "loaded")
  }

  @Test func unknownKeysAndTheirSpellings() {
    #expect(
      Plans.tomlError("[rate]\nrate = 5\nmax_vuser = 3\n")
        == "plan.toml:3:1: rate.max_vuser: unknown key (did you mean 'rate.max_vusers'?)")
    #expect(
      Plans.yamlError("rate_stages:\n  - {duration: 1s, targte: 1}\n")
        == "plan.yaml:2:20: rate_stages[0].targte: unknown key (did you mean 'rate_stages[0].target'?)")
    #expect(
      Plans.tomlError("[rates]\nrate = 5\n") == "plan.toml:1:1: rates: unknown key (did you mean 'rate'?)")
    #expect(
      Plans.tomlError("[rate]\nrate = 5\narrivals = \"burst\"\n")
        == "plan.toml:3:1: rate.arrivals: must be even or poisson, got 'burst'")
    #expect(
      Plans.yamlError("rate:\n  rate: 5\n  arrivals: 3\n")
        == "plan.yaml:3:3: rate.arrivals: expected a string, got an integer")
  }

  @Test func poolSettingsAreBounded() {
    #expect(
      Plans.tomlError("[rate]\nrate = 5\nmax_vusers = 0\n")
        == "plan.toml:3:1: rate.max_vusers: must be an integer from 1 to 1000000, got 0")
    #expect(
      Plans.yamlError("rate:\n  rate: 5\n  max_vusers: 1000001\n")
        == "plan.yaml:3:3: rate.max_vusers: must be an integer from 1 to 1000000, got 1000001")
    #expect(
      Plans.tomlError("[rate]\nrate = 5\nmax_backlog = -1\n")
        == "plan.toml:3:1: rate.max_backlog: must be an integer from 0 to 100000000, got -1")
  }

  @Test func aRateTableNeedsItsRateAndAStepRampItsStep() {
    #expect(
      Plans.tomlError("name = \"x\"\n[rate]\nmax_vusers = 10\n")
        == "plan.toml:2:1: rate: missing 'rate' (requests per second, or a step ramp's ceiling), or add [[rate_stages]]"
    )
    #expect(
      Plans.yamlError("rate:\n  step: 10\n")
        == "plan.yaml:1:1: rate: missing 'rate' (requests per second, or a step ramp's ceiling), or add [[rate_stages]]"
    )
    #expect(
      Plans.tomlError("[rate]\nrate = 100\nstart = 10\n")
        == "plan.toml:3:1: rate.start: needs rate.step (a step ramp climbs from start by step every 'every')")
    #expect(
      Plans.yamlError("rate:\n  rate: 100\n  every: 5s\n")
        == "plan.yaml:3:3: rate.every: needs rate.step (a step ramp climbs from start by step every 'every')")
  }

  @Test func besideStagesTheRateTableKeepsOnlyStartAndThePool() {
    let refusal =
      "cannot be used with [[rate_stages]], which give the rate ([rate] may then hold start, max_vusers, "
      + "max_backlog and arrivals)"
    #expect(
      Plans.tomlError("[[rate_stages]]\nduration = \"1s\"\ntarget = 5\n[rate]\nstart = 1\nstep = 10\n")
        == "plan.toml:6:1: rate.step: \(refusal)")
    #expect(
      Plans.tomlError("[rate]\nrate = 100\n[[rate_stages]]\nduration = \"1s\"\ntarget = 5\n")
        == "plan.toml:2:1: rate.rate: \(refusal)")
    #expect(
      Plans.yamlError("rate:\n  every: 1s\nrate_stages:\n  - {duration: 1s, target: 5}\n")
        == "plan.yaml:2:3: rate.every: \(refusal)")
    #expect(
      Plans.yamlError(
        "rate_stages:\n  - {duration: 1s, target: 5}\nrate: {start: 1, max_vusers: 2, max_backlog: 3, arrivals: even}\n"
      ) == "loaded")
  }
}
