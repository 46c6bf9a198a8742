import PlanFile
import Testing

/// `[watch]`: the target's processes, cgroups and Prometheus endpoints in a plan file (issue 22).
@Suite(.timeLimit(.minutes(2))) struct PlanWatchTests {
  @Test func theTableInBothForms() throws {
    let toml = try Plans.toml(
      """
      target = "http://127.0.0.1:8080/"
      [watch]
      processes = ["uvicorn", "nginx"]
      cgroups = ["/sys/fs/cgroup/app.service"]
      prometheus = ["http://127.0.0.1:9100/metrics"]
      wait = true
      """)
    #expect(toml.watchProcesses == ["uvicorn", "nginx"])
    #expect(toml.watchCgroups == ["/sys/fs/cgroup/app.service"])
    #expect(toml.watchEndpoints == ["http://127.0.0.1:9100/metrics"])
    #expect(toml.watchWait == true)
    let yaml = try Plans.yaml(
      """
      target: http://127.0.0.1:8080/
      watch:
        processes: [uvicorn]
      """)
    #expect(yaml.watchProcesses == ["uvicorn"])
    #expect(yaml.watchWait == nil)
  }

  @Test func badValuesPointAtTheirKey() {
    let pids = Plans.tomlError("target = \"http://127.0.0.1/\"\n[watch]\npids = [4242]\n")
    #expect(pids.contains("plan.toml:3") && pids.contains("pids"), "\(pids)")
    let empty = Plans.tomlError("target = \"http://127.0.0.1/\"\n[watch]\nprocesses = [\"a\", \"\"]\n")
    #expect(empty.contains("watch.processes[1]") && empty.contains("must not be empty"), "\(empty)")
    let notList = Plans.tomlError("target = \"http://127.0.0.1/\"\n[watch]\nprocesses = 3\n")
    #expect(notList.contains("watch.processes"), "\(notList)")
    let wait = Plans.tomlError("target = \"http://127.0.0.1/\"\n[watch]\nwait = \"yes\"\n")
    #expect(wait.contains("watch.wait"), "\(wait)")
  }
}
