import Testing

@testable import PlanFile

@Test(.timeLimit(.minutes(5))) func planFormatFollowsTheExtension() {
  #expect(PlanFormat(path: "plan.toml") == .toml)
  #expect(PlanFormat(path: "dir/Plan.YAML") == .yaml)
  #expect(PlanFormat(path: "plan.yml") == .yaml)
  #expect(PlanFormat(path: "plan.json") == nil)
  #expect(PlanFormat(path: "toml") == nil)
}
