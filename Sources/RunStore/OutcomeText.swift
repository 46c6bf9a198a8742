import Metrics
import Vocabulary

/// How a run ended, in words: the one wording the report, `compare` (screen and text), `runs` and
/// the headless summary use. Capitals when a run did not complete, so it reads without colour.
extension RunOutcome {
  /// The headline word: "complete", "ABORTED", "INCOMPLETE".
  public var word: String {
    switch self {
    case .complete: "complete"
    case .abortedByUser, .abortedByThreshold: "ABORTED"
    case .incomplete: "INCOMPLETE"
    }
  }

  /// The `rampart runs` status, lower case in a column of them (and its JSON `status`, which
  /// scripts read): "complete", "aborted", "aborted by threshold", "incomplete".
  public var status: String {
    switch self {
    case .complete: "complete"
    case .abortedByUser: "aborted"
    case .abortedByThreshold: "aborted by threshold"
    case .incomplete: "incomplete"
    }
  }

  /// The headless summary's, naming what stopped the run and the outcome as `--json` spells it:
  /// "stopped early by the user (aborted_by_user)".
  public var sentence: String {
    switch self {
    case .complete: "complete"
    case .abortedByUser: "stopped early by the user (aborted_by_user)"
    case .abortedByThreshold: "stopped early by a failing threshold (aborted_by_threshold)"
    case .incomplete: "incomplete"
    }
  }
}

extension LoadedRun {
  /// A legend's word, saying who stopped the run or what is missing: "ABORTED (user)",
  /// "INCOMPLETE (killed)", "INCOMPLETE (no summary)" when the journal stopped before a kill.
  public var outcomeLegend: String {
    switch outcome {
    case .complete: outcome.word
    case .abortedByUser: "ABORTED (user)"
    case .abortedByThreshold: "ABORTED (threshold)"
    case .incomplete: journalStop == nil ? "INCOMPLETE (killed)" : "INCOMPLETE (no summary)"
    }
  }

  /// The word and what it means for the run's figures ("ABORTED", "stopped by the user at 0:42;
  /// data up to the stop is valid"). A journal that stopped early is said apart, since it leaves
  /// the outcome as it was.
  public func outcomeDetail(_ figures: RunFigures) -> (word: String, detail: String) {
    let at = ClockText.format(figures.durationS)
    return switch outcome {
    case .complete: (outcome.word, "the plan ran to its end")
    case .abortedByUser: (outcome.word, "stopped by the user at \(at); data up to the stop is valid")
    case .abortedByThreshold:
      (outcome.word, "stopped by a failing threshold at \(at); data up to the stop is valid")
    case .incomplete: (outcome.word, incompleteText)
    }
  }
}
