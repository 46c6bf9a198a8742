import ConfigDiagnostics

/// A load test described by a plan file (`rampart run plan.toml`): the values of the file,
/// validated, durations in seconds, every field `nil` or empty when the file does not set it.
/// Plain values only: the caller merges them with the command line and builds the engine config.
public struct PlanDocument: Sendable {
  /// The plan file as given (for messages and meta.json).
  public var path: String
  public var format: PlanFormat

  public var name: String?
  /// Base URL; request paths are relative to it. Checked only for control characters and spaces.
  public var target: String?
  public var think: Double?
  public var timeout: Double?
  public var connectTimeout: Double?
  public var grace: Double?
  public var duration: Double?
  public var insecure: Bool?
  public var theme: String?
  public var maxRedirects: Int?

  /// nGrinder-style ramp (`[ramp]`); never set together with `stages`.
  public var ramp: PlanRamp?
  /// k6-style stages (`[[stages]]`), in file order.
  public var stages: [PlanStage] = []
  /// The open model (`[rate]`); never set together with `ramp`, `stages` or `think`.
  public var rate: PlanRate?
  /// k6's ramping-arrival-rate (`[[rate_stages]]`), in file order, from `rate.start` (0 unset).
  public var rateStages: [PlanRateStage] = []
  /// The requests a vuser picks from by weight; empty when the file has none.
  public var requests: [PlanRequest] = []

  /// `[thresholds] checks`, kept as text for the caller to parse; each knows its key, so
  /// `error(at:_:)` can point at it.
  public var thresholds: [PlanThreshold] = []
  public var abortOnFail: Bool?
  public var abortDelay: Double?

  public var logFiles: [String] = []
  public var logCommands: [String] = []
  public var logRoots: [String] = []
  /// `[logs] patterns`, in file order; regexes are kept as text for the caller to compile.
  public var logPatterns: [PlanLogPattern] = []

  /// `[watch]`: what of the target to watch, as `--watch-process`, `--watch-cgroup`,
  /// `--watch-prom` and `--watch-wait` give it; the caller checks the values.
  public var watchProcesses: [String] = []
  public var watchCgroups: [String] = []
  public var watchEndpoints: [String] = []
  public var watchWait: Bool?

  /// Every value substituted from `${env:NAME}`: scrub meta.json, screens, reports and messages
  /// with `secrets.redact(text)`.
  public var secrets = SecretRedactor()

  /// The parsed file, with the position of every key and array element, for `location(of:)`.
  var tree: RawNode?

  public init(path: String, format: PlanFormat) {
    self.path = path
    self.format = format
  }

  /// Where `key` (as in messages: `requests[0].headers.Authorization`, `thresholds.checks[1]`)
  /// is set in the file; for a key the file does not set, the nearest enclosing key that it does.
  public func location(of key: String) -> PlanLocation? {
    guard var node = tree else { return nil }
    var path = ""
    var found: SourcePoint?
    descend: while path != key {
      switch node.kind {
      case .table(let entries):
        for entry in entries {
          let child = KeyPath.child(path, entry.key)
          if KeyPath.isPrefix(child, of: key) {
            found = entry.point ?? entry.value.point ?? found
            node = entry.value
            path = child
            continue descend
          }
        }
        break descend
      case .array(let items):
        guard let index = KeyPath.index(after: path, in: key), items.indices.contains(index) else {
          break descend
        }
        node = items[index]
        path = KeyPath.index(path, index)
        found = node.point ?? found
      default:
        break descend
      }
    }
    return found.map { PlanLocation(file: self.path, line: $0.line, column: $0.column) }
  }

  /// A `PlanError` about `key`, at its position in the file, with secrets redacted: for checks the
  /// caller makes on values this module keeps as text (thresholds, log patterns).
  public func error(at key: String, _ message: String) -> PlanError {
    let place = location(of: key)
    return PlanError(
      file: secrets.redact(path), line: place?.line, column: place?.column,
      key: key.isEmpty ? nil : secrets.redact(key),
      message: secrets.redact(message))
  }
}

extension PlanDocument: Equatable {
  /// Two documents are equal when they describe the same plan, whatever their file, format and
  /// layout: the path, the format and the positions of keys are not compared.
  public static func == (lhs: PlanDocument, rhs: PlanDocument) -> Bool {
    lhs.name == rhs.name && lhs.target == rhs.target && lhs.think == rhs.think
      && lhs.timeout == rhs.timeout && lhs.connectTimeout == rhs.connectTimeout && lhs.grace == rhs.grace
      && lhs.duration == rhs.duration && lhs.insecure == rhs.insecure && lhs.theme == rhs.theme
      && lhs.maxRedirects == rhs.maxRedirects && lhs.ramp == rhs.ramp && lhs.stages == rhs.stages
      && lhs.rate == rhs.rate && lhs.rateStages == rhs.rateStages
      && lhs.requests == rhs.requests && lhs.thresholds == rhs.thresholds
      && lhs.abortOnFail == rhs.abortOnFail && lhs.abortDelay == rhs.abortDelay
      && lhs.logFiles == rhs.logFiles && lhs.logCommands == rhs.logCommands && lhs.logRoots == rhs.logRoots
      && lhs.logPatterns == rhs.logPatterns && lhs.secrets == rhs.secrets
  }
}

/// `[ramp]`: vusers climb from `start` by `step` every `every` up to `vusers`. When the file gives
/// `processes` and `threads`, `vusers` is their product.
public struct PlanRamp: Sendable, Equatable {
  public var vusers: Int?
  public var processes: Int?
  public var threads: Int?
  public var start: Int?
  public var step: Int?
  public var every: Double?

  public init(
    vusers: Int? = nil, processes: Int? = nil, threads: Int? = nil, start: Int? = nil, step: Int? = nil,
    every: Double? = nil
  ) {
    self.vusers = vusers
    self.processes = processes
    self.threads = threads
    self.start = start
    self.step = step
    self.every = every
  }
}

/// One `[[stages]]` entry: move to `target` vusers over `duration` seconds.
public struct PlanStage: Sendable, Equatable {
  public var duration: Double
  public var target: Int

  public init(duration: Double, target: Int) {
    self.duration = duration
    self.target = target
  }
}

public struct PlanHeader: Sendable, Equatable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// One `[[requests]]` entry.
public struct PlanRequest: Sendable, Equatable {
  public var name: String?
  public var method: String = "GET"
  /// `nil`: the target's own path.
  public var path: String?
  public var weight: Int = 1
  /// In file order.
  public var headers: [PlanHeader] = []
  /// From `body` or the contents of `body_file`.
  public var body: [UInt8]?
  /// `body_file` as written in the plan, when the body came from a file.
  public var bodyFile: String?

  public init() {}
}

/// A threshold expression (`p95<300ms`) and the key it came from (`thresholds.checks[0]`).
public struct PlanThreshold: Sendable, Equatable {
  public var text: String
  public var key: String

  public init(text: String, key: String) {
    self.text = text
    self.key = key
  }
}

/// A user log pattern `NAME = REGEX` and the key it came from (`logs.patterns.NAME`).
public struct PlanLogPattern: Sendable, Equatable {
  public var name: String
  public var regex: String
  public var key: String

  public init(name: String, regex: String, key: String) {
    self.name = name
    self.regex = regex
    self.key = key
  }
}

/// A position in a plan file; `column` counts Unicode scalars from 1.
public struct PlanLocation: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int?

  public init(file: String, line: Int, column: Int?) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
  }
}
