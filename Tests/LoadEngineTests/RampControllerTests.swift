import LoadEngine
import Testing

/// Targets at increasing plan times, as the engine asks for them.
private func levels(_ ramp: inout RampController, at times: [Double]) -> [Int] {
  times.map { ramp.target(at: $0) }
}

/// k6's example: up to 100 over 30 s, stay 60 s, down to 0 over 30 s.
private let k6Plan = LoadPlan.stages([
  .init(duration: 30, target: 100), .init(duration: 60, target: 100), .init(duration: 30, target: 0),
])

@Suite(.timeLimit(.minutes(5))) struct RampControllerStepsTests {
  let plan = LoadPlan.steps(start: 10, step: 10, every: 5, max: 50)

  @Test func stepsGrowEveryIntervalUpToTheMax() {
    var ramp = RampController(plan: plan)
    #expect(
      levels(&ramp, at: [0, 4.999, 5, 9.9, 10, 19.99, 20, 25, 1_000]) == [10, 10, 20, 20, 30, 40, 50, 50, 50])
    #expect(!ramp.isFinished(at: 1_000_000))
    #expect(ramp.steps?.step == 10)
    #expect(ramp.steps?.every == 5)
  }

  @Test func stepThatOvershootsIsCappedAtTheMax() {
    var ramp = RampController(plan: .steps(start: 0, step: 30, every: 1, max: 50))
    #expect(levels(&ramp, at: [0, 1, 2, 3, 60]) == [0, 30, 50, 50, 50])
  }

  @Test(arguments: [
    LoadPlan.steps(start: 25, step: 0, every: 5, max: 25),
    .steps(start: 25, step: 0, every: 0, max: 25),
    .steps(start: 25, step: 10, every: 5, max: 25),
  ])
  func constantLoad(plan: LoadPlan) {
    var ramp = RampController(plan: plan)
    #expect(levels(&ramp, at: [0, 1, 5, 60, 3_600]) == [25, 25, 25, 25, 25])
    #expect(!ramp.isFinished(at: 3_600))
    #expect(plan.summary == "constant 25")
    #expect(plan.naturalDuration == nil)
  }

  @Test func setTargetMidRampReanchorsTheSteps() {
    var ramp = RampController(plan: plan)
    #expect(ramp.target(at: 12) == 30)
    ramp.setTarget(15, at: 12)
    #expect(levels(&ramp, at: [12, 16.9, 17, 22, 27, 32, 100]) == [15, 15, 25, 35, 45, 50, 50])
  }

  @Test func setTargetAboveTheMaxRaisesTheMax() {
    var ramp = RampController(plan: plan)
    ramp.setTarget(80, at: 12)
    #expect(ramp.plan == .steps(start: 10, step: 10, every: 5, max: 80))
    #expect(ramp.plan.peakVusers == 80)
    #expect(levels(&ramp, at: [12, 17, 100]) == [80, 80, 80])
    // Lowering it later keeps the raised max: the ramp climbs back up to it.
    ramp.setTarget(60, at: 100)
    #expect(levels(&ramp, at: [100, 105, 110, 200]) == [60, 70, 80, 80])
  }

  @Test func setTargetWhileHeldAlsoRaisesTheMax() {
    var ramp = RampController(plan: plan)
    ramp.setHold(true, at: 12)
    ramp.setTarget(90, at: 13)
    #expect(ramp.plan.peakVusers == 90)
    #expect(ramp.target(at: 14) == 90)
    ramp.setHold(false, at: 20)
    #expect(levels(&ramp, at: [20, 100]) == [90, 90])
  }

  @Test func setStepReanchorsAtTheCurrentLevel() {
    var ramp = RampController(plan: .steps(start: 10, step: 10, every: 5, max: 100))
    #expect(ramp.target(at: 12) == 30)
    ramp.setStep(20, at: 12)
    #expect(ramp.plan == .steps(start: 10, step: 20, every: 5, max: 100))
    #expect(ramp.steps?.step == 20)
    #expect(levels(&ramp, at: [12, 16.9, 17, 22, 60]) == [30, 30, 50, 70, 100])
  }

  @Test func setIntervalReanchorsAtTheCurrentLevel() {
    var ramp = RampController(plan: .steps(start: 10, step: 10, every: 5, max: 100))
    #expect(ramp.target(at: 12) == 30)
    ramp.setInterval(2, at: 12)
    #expect(ramp.steps?.every == 2)
    #expect(levels(&ramp, at: [12, 13.9, 14, 16, 30]) == [30, 30, 40, 50, 100])
  }

  @Test func holdFreezesAndReleaseSteppingResumesFromTheHeldLevel() {
    var ramp = RampController(plan: .steps(start: 10, step: 10, every: 5, max: 100))
    ramp.setHold(true, at: 12)
    #expect(ramp.isHeld)
    #expect(levels(&ramp, at: [12, 50, 100]) == [30, 30, 30])
    // A second hold does not move the held level.
    ramp.setHold(true, at: 40)
    #expect(ramp.target(at: 41) == 30)
    // Step changes while held take effect on release.
    ramp.setStep(50, at: 60)
    ramp.setHold(false, at: 100)
    #expect(!ramp.isHeld)
    #expect(levels(&ramp, at: [100, 104.9, 105, 110]) == [30, 30, 80, 100])
  }

  @Test func setTargetWhileHeldIsTheLevelOnRelease() {
    var ramp = RampController(plan: .steps(start: 10, step: 10, every: 5, max: 100))
    ramp.setHold(true, at: 12)
    ramp.setTarget(5, at: 20)
    #expect(ramp.target(at: 21) == 5)
    ramp.setHold(false, at: 30)
    #expect(levels(&ramp, at: [30, 35]) == [5, 15])
  }

  @Test func stageControlsDoNotApplyToSteps() {
    var ramp = RampController(plan: plan)
    let skipped = ramp.skipStage(at: 3)
    #expect(!skipped)
    #expect(ramp.target(at: 3) == 10)
  }
}

@Suite(.timeLimit(.minutes(5))) struct RampControllerStagesTests {
  @Test func stagesInterpolateLinearlyAndFinish() {
    var ramp = RampController(plan: k6Plan)
    #expect(
      levels(&ramp, at: [0, 15, 29, 30, 60, 89.9, 90, 105, 119, 120, 200])
        == [0, 50, 97, 100, 100, 100, 100, 50, 3, 0, 0])
    #expect(ramp.isFinished(at: 200))
    #expect(k6Plan.naturalDuration == 120)
    #expect(k6Plan.peakVusers == 100)
    #expect(ramp.steps == nil)
  }

  @Test func isFinishedDoesNotDependOnHavingAskedForTargets() {
    let ramp = RampController(plan: k6Plan)
    #expect(!ramp.isFinished(at: 0))
    #expect(!ramp.isFinished(at: 119.999))
    #expect(ramp.isFinished(at: 120))
    #expect(ramp.isFinished(at: 10_000))
  }

  @Test func zeroDurationStageJumps() {
    var ramp = RampController(
      plan: .stages([.init(duration: 0, target: 50), .init(duration: 10, target: 50)]))
    #expect(levels(&ramp, at: [0, 5, 9.9]) == [50, 50, 50])
    #expect(ramp.isFinished(at: 10))
  }

  @Test func emptyStagePlanIsFinishedAtOnce() {
    var ramp = RampController(plan: .stages([]))
    #expect(ramp.target(at: 0) == 0)
    #expect(ramp.isFinished(at: 0))
  }

  @Test func setTargetMidStageMovesOnTowardTheStageTargetInTheTimeLeft() {
    var ramp = RampController(plan: .stages([.init(duration: 60, target: 100)]))
    #expect(ramp.target(at: 30) == 50)
    ramp.setTarget(20, at: 30)
    #expect(levels(&ramp, at: [30, 45, 59.99]) == [20, 60, 100])
    #expect(!ramp.isFinished(at: 59.99))
    #expect(ramp.isFinished(at: 60))
  }

  @Test func setTargetInAHoldingStageThenTheNextStagesRunAsPlanned() {
    var ramp = RampController(plan: k6Plan)
    #expect(ramp.target(at: 45) == 100)
    ramp.setTarget(40, at: 45)
    #expect(levels(&ramp, at: [45, 67.5, 90, 105, 120]) == [40, 70, 100, 50, 0])
    #expect(ramp.isFinished(at: 120))
  }

  @Test func setTargetAboveThePlanPeakIsHeldUntilTheStageEnds() {
    var ramp = RampController(
      plan: .stages([.init(duration: 10, target: 10), .init(duration: 10, target: 10)]))
    ramp.setTarget(500, at: 5)
    #expect(ramp.target(at: 5) == 500)
    #expect(ramp.target(at: 7.5) == 255)
    #expect(ramp.target(at: 10) == 10)
  }

  @Test func skipStageStartsTheNextStageFromTheCurrentLevel() {
    var ramp = RampController(plan: k6Plan)
    #expect(ramp.target(at: 10) == 33)
    let skipped = ramp.skipStage(at: 10)
    #expect(skipped)
    #expect(levels(&ramp, at: [10, 40, 70, 85]) == [33, 67, 100, 50])
    #expect(!ramp.isFinished(at: 99.9))
    #expect(ramp.isFinished(at: 100))
  }

  @Test func skipStageFromTheLastStageIsRefused() {
    var ramp = RampController(plan: k6Plan)
    #expect(ramp.target(at: 95) == 83)
    let skipped = ramp.skipStage(at: 95)
    #expect(!skipped)
    #expect(ramp.target(at: 105) == 50)
    #expect(ramp.isFinished(at: 120))
  }

  @Test func holdFreezesAStagePlanUntilReleased() {
    var ramp = RampController(plan: k6Plan)
    #expect(ramp.target(at: 15) == 50)
    ramp.setHold(true, at: 15)
    #expect(levels(&ramp, at: [20, 120, 200]) == [50, 50, 50])
    #expect(!ramp.isFinished(at: 500))
    // Released long after the plan's natural end: the stage resumes with the 15 s it had left.
    ramp.setHold(false, at: 200)
    #expect(levels(&ramp, at: [200, 207.5, 215, 250, 290]) == [50, 75, 100, 100, 50])
    #expect(!ramp.isFinished(at: 304.9))
    #expect(ramp.isFinished(at: 305))
  }

  @Test func shortHoldShiftsTheRestOfThePlan() {
    var ramp = RampController(plan: k6Plan)
    ramp.setHold(true, at: 15)
    ramp.setHold(false, at: 20)
    #expect(levels(&ramp, at: [20, 27.5, 35, 95, 110]) == [50, 75, 100, 100, 50])
    #expect(ramp.isFinished(at: 125))
    #expect(!ramp.isFinished(at: 124.9))
  }

  @Test func setTargetWhileHeldIsWhereTheStageResumes() {
    var ramp = RampController(plan: k6Plan)
    ramp.setHold(true, at: 15)
    ramp.setTarget(10, at: 18)
    #expect(ramp.target(at: 19) == 10)
    ramp.setHold(false, at: 20)
    #expect(levels(&ramp, at: [20, 27.5, 35]) == [10, 55, 100])
  }

  @Test func skipStageWhileHeldReleasesAndMovesOn() {
    var ramp = RampController(plan: k6Plan)
    ramp.setHold(true, at: 15)
    let skipped = ramp.skipStage(at: 100)
    #expect(skipped)
    #expect(!ramp.isHeld)
    #expect(levels(&ramp, at: [100, 130, 160, 175]) == [50, 75, 100, 50])
    #expect(ramp.isFinished(at: 190))
  }

  @Test func stepControlsDoNotApplyToStages() {
    var ramp = RampController(plan: k6Plan)
    ramp.setStep(50, at: 10)
    ramp.setInterval(1, at: 10)
    #expect(ramp.plan == k6Plan)
    #expect(levels(&ramp, at: [15, 30]) == [50, 100])
  }
}
