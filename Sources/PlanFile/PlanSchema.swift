import ConfigDiagnostics

/// The keys of a plan file and their rules, applied to a `RawNode` tree in file order, so the
/// first problem in the file is the one reported.
struct PlanSchema {
  static let rootKeys = [
    "name", "target", "think", "timeout", "connect_timeout", "grace", "duration", "insecure", "theme",
    "max_redirects", "ramp", "stages", "rate", "rate_stages", "requests", "thresholds", "logs",
    "watch",
  ]
  static let rampKeys = ["vusers", "processes", "threads", "start", "step", "every"]
  static let stageKeys = ["duration", "target"]
  static let requestKeys = ["name", "method", "path", "weight", "headers", "body", "body_file"]
  static let thresholdKeys = ["checks", "abort_on_fail", "abort_delay"]
  static let logKeys = ["files", "commands", "patterns", "roots"]
  /// No `pids`: a process id changes every time the server starts, so it belongs on the command
  /// line (`--watch-pid`), not in a file kept with the plan.
  static let watchKeys = ["processes", "cgroups", "prometheus", "wait"]

  static let maxCount = 1_000_000
  static let maxHeaderValue = 8 * 1024

  var reader: PlanReader
  let body: BodyFileReader

  mutating func apply(_ root: RawNode) throws(PlanError) -> PlanDocument {
    guard case .table = root.kind else {
      throw PlanError(
        file: reader.document.secrets.redact(reader.document.path), line: root.point?.line,
        column: root.point?.column, message: "the plan must be a table of keys, got \(root.typeName)")
    }
    var rampKey: String?
    var stagesKey: String?
    // The first key of each load model seen, to refuse a key of the other model after it.
    var closedKey: String?
    var openKey: String?
    for entry in try reader.entries(root, "", known: Self.rootKeys) {
      let key = entry.key
      let node = entry.value
      switch key {
      case "name": reader.document.name = try reader.text(node, key)
      case "target": reader.document.target = try target(node, key)
      case "think":
        try refuseMixedModels(key, closed: key, open: openKey)
        closedKey = closedKey ?? key
        reader.document.think = try reader.duration(node, key)
      case "timeout": reader.document.timeout = try reader.duration(node, key, positive: true)
      case "connect_timeout": reader.document.connectTimeout = try reader.duration(node, key, positive: true)
      case "grace": reader.document.grace = try reader.duration(node, key)
      case "duration": reader.document.duration = try reader.duration(node, key, positive: true)
      case "insecure": reader.document.insecure = try reader.bool(node, key)
      case "theme": reader.document.theme = try reader.text(node, key)
      case "max_redirects": reader.document.maxRedirects = try reader.integer(node, key, 0...100)
      case "ramp":
        if stagesKey != nil { throw reader.fail(key, "[ramp] and [[stages]] cannot be used together") }
        try refuseMixedModels(key, closed: key, open: openKey)
        rampKey = key
        closedKey = closedKey ?? key
        reader.document.ramp = try ramp(node, key)
      case "stages":
        if rampKey != nil { throw reader.fail(key, "[ramp] and [[stages]] cannot be used together") }
        try refuseMixedModels(key, closed: key, open: openKey)
        stagesKey = key
        closedKey = closedKey ?? key
        reader.document.stages = try stages(node, key)
      case "rate", "rate_stages":
        try refuseMixedModels(key, closed: closedKey, open: key)
        openKey = openKey ?? key
        if key == "rate" {
          reader.document.rate = try rate(node, key, besideStages: !reader.document.rateStages.isEmpty)
        } else {
          reader.document.rateStages = try rateStages(node, key)
          try refuseRateBesideStages(reader.document.rate)
        }
      case "requests": reader.document.requests = try requests(node, key)
      case "thresholds": try thresholds(node, key)
      case "logs": try logs(node, key)
      case "watch": try watch(node, key)
      default: break
      }
    }
    try checkRate()
    return reader.document
  }

  private mutating func target(_ node: RawNode, _ key: String) throws(PlanError) -> String {
    let (text, secret) = try reader.wireText(node, key)
    if text.isEmpty { throw reader.fail(key, "must not be empty") }
    if text.contains(" ") {
      throw reader.fail(key, "must not contain spaces\(reader.got(text, secret: secret))")
    }
    return text
  }

  private mutating func ramp(_ node: RawNode, _ key: String) throws(PlanError) -> PlanRamp {
    var ramp = PlanRamp()
    let counts = 1...Self.maxCount
    for entry in try reader.entries(node, key, known: Self.rampKeys) {
      let path = KeyPath.child(key, entry.key)
      switch entry.key {
      case "vusers": ramp.vusers = try reader.integer(entry.value, path, counts)
      case "processes": ramp.processes = try reader.integer(entry.value, path, counts)
      case "threads": ramp.threads = try reader.integer(entry.value, path, counts)
      case "start": ramp.start = try reader.integer(entry.value, path, 0...Self.maxCount)
      case "step": ramp.step = try reader.integer(entry.value, path, counts)
      case "every": ramp.every = try reader.duration(entry.value, path, positive: true)
      default: break
      }
    }
    switch (ramp.processes, ramp.threads) {
    case (let processes?, let threads?):
      let product = processes * threads
      if product > Self.maxCount {
        throw reader.fail(
          KeyPath.child(key, "threads"),
          "processes x threads must be at most \(Self.maxCount), got \(processes) x \(threads) = \(product)")
      }
      if let vusers = ramp.vusers, vusers != product {
        throw reader.fail(
          KeyPath.child(key, "vusers"),
          "must equal processes x threads (\(processes) x \(threads) = \(product)), got \(vusers)")
      }
      ramp.vusers = product
    case (_?, nil):
      throw reader.fail(
        KeyPath.child(key, "processes"), "needs ramp.threads as well (vusers = processes x threads)")
    case (nil, _?):
      throw reader.fail(
        KeyPath.child(key, "threads"), "needs ramp.processes as well (vusers = processes x threads)")
    case (nil, nil):
      break
    }
    return ramp
  }

  private mutating func stages(_ node: RawNode, _ key: String) throws(PlanError) -> [PlanStage] {
    var stages: [PlanStage] = []
    for (index, item) in try reader.items(node, key).enumerated() {
      let stageKey = KeyPath.index(key, index)
      var duration: Double?
      var target: Int?
      for entry in try reader.entries(item, stageKey, known: Self.stageKeys) {
        let path = KeyPath.child(stageKey, entry.key)
        if entry.key == "duration" {
          duration = try reader.duration(entry.value, path, positive: true)
        } else {
          target = try reader.integer(entry.value, path, 0...Self.maxCount)
        }
      }
      guard let duration else {
        throw reader.fail(stageKey, "missing 'duration' (each stage needs duration and target)")
      }
      guard let target else {
        throw reader.fail(stageKey, "missing 'target' (each stage needs duration and target)")
      }
      stages.append(PlanStage(duration: duration, target: target))
    }
    return stages
  }

  private mutating func requests(_ node: RawNode, _ key: String) throws(PlanError) -> [PlanRequest] {
    let items = try reader.items(node, key)
    if items.isEmpty { throw reader.fail(key, "must hold at least one request") }
    var requests: [PlanRequest] = []
    for (index, item) in items.enumerated() {
      requests.append(try request(item, KeyPath.index(key, index)))
    }
    return requests
  }

  private mutating func request(_ node: RawNode, _ key: String) throws(PlanError) -> PlanRequest {
    var request = PlanRequest()
    var bodyKey: String?
    for entry in try reader.entries(node, key, known: Self.requestKeys) {
      let path = KeyPath.child(key, entry.key)
      switch entry.key {
      case "name": request.name = try reader.text(entry.value, path)
      case "method":
        let (text, secret) = try reader.wireText(entry.value, path)
        guard HTTPToken.isToken(text) else {
          throw reader.fail(
            path, "must be an HTTP token such as GET or POST\(reader.got(text, secret: secret))")
        }
        request.method = text
      case "path":
        let (text, secret) = try reader.wireText(entry.value, path)
        guard text.hasPrefix("/") else {
          throw reader.fail(path, "must start with '/'\(reader.got(text, secret: secret))")
        }
        if text.contains(" ") {
          throw reader.fail(path, "must not contain spaces\(reader.got(text, secret: secret))")
        }
        request.path = text
      case "weight": request.weight = try reader.integer(entry.value, path, 1...Self.maxCount)
      case "headers": request.headers = try headers(entry.value, path)
      case "body", "body_file":
        if let bodyKey {
          throw reader.fail(path, "body and body_file cannot be used together (\(bodyKey) is set too)")
        }
        bodyKey = path
        if entry.key == "body" {
          request.body = Array(try reader.string(entry.value, path).text.utf8)
        } else {
          let (file, secret) = try reader.string(entry.value, path)
          do {
            request.body = try body.read(file, secret: secret)
          } catch {
            throw reader.fail(path, error.message)
          }
          request.bodyFile = file
        }
      default: break
      }
    }
    return request
  }

  private mutating func headers(_ node: RawNode, _ key: String) throws(PlanError) -> [PlanHeader] {
    guard case .table(let entries) = node.kind else {
      throw reader.fail(key, "expected a table of NAME = VALUE, got \(node.typeName)")
    }
    var headers: [PlanHeader] = []
    for entry in entries {
      let path = KeyPath.child(key, entry.key)
      if entry.key.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
        throw reader.fail(path, "header name must not contain CR, LF or NUL characters (request smuggling)")
      }
      guard HTTPToken.isToken(entry.key) else {
        throw reader.fail(path, "header name must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)")
      }
      let (value, _) = try reader.wireText(entry.value, path)
      let size = value.utf8.count
      if size > Self.maxHeaderValue {
        throw reader.fail(path, "header value is longer than 8 KiB (\(size) bytes)")
      }
      headers.append(PlanHeader(name: entry.key, value: value))
    }
    return headers
  }

  private mutating func thresholds(_ node: RawNode, _ key: String) throws(PlanError) {
    for entry in try reader.entries(node, key, known: Self.thresholdKeys) {
      let path = KeyPath.child(key, entry.key)
      switch entry.key {
      case "checks":
        reader.document.thresholds = try reader.texts(entry.value, path).map {
          PlanThreshold(text: $0.text, key: $0.key)
        }
      case "abort_on_fail": reader.document.abortOnFail = try reader.bool(entry.value, path)
      case "abort_delay": reader.document.abortDelay = try reader.duration(entry.value, path)
      default: break
      }
    }
  }

  private mutating func logs(_ node: RawNode, _ key: String) throws(PlanError) {
    for entry in try reader.entries(node, key, known: Self.logKeys) {
      let path = KeyPath.child(key, entry.key)
      switch entry.key {
      case "files": reader.document.logFiles = try reader.texts(entry.value, path).map(\.text)
      case "commands": reader.document.logCommands = try reader.texts(entry.value, path).map(\.text)
      case "roots": reader.document.logRoots = try reader.texts(entry.value, path).map(\.text)
      case "patterns":
        guard case .table(let patterns) = entry.value.kind else {
          throw reader.fail(path, "expected a table of NAME = REGEX, got \(entry.value.typeName)")
        }
        var out: [PlanLogPattern] = []
        for pattern in patterns {
          let patternKey = KeyPath.child(path, pattern.key)
          let regex = try reader.text(pattern.value, patternKey)
          if regex.isEmpty { throw reader.fail(patternKey, "must not be empty") }
          out.append(PlanLogPattern(name: pattern.key, regex: regex, key: patternKey))
        }
        reader.document.logPatterns = out
      default: break
      }
    }
  }
}

extension PlanSchema {
  /// `[watch]`: the target's processes, cgroups and Prometheus endpoints, as the `--watch-*` flags.
  fileprivate mutating func watch(_ node: RawNode, _ key: String) throws(PlanError) {
    for entry in try reader.entries(node, key, known: Self.watchKeys) {
      let path = KeyPath.child(key, entry.key)
      switch entry.key {
      case "processes": reader.document.watchProcesses = try nonEmptyTexts(entry.value, path)
      case "cgroups": reader.document.watchCgroups = try nonEmptyTexts(entry.value, path)
      case "prometheus": reader.document.watchEndpoints = try nonEmptyTexts(entry.value, path)
      case "wait": reader.document.watchWait = try reader.bool(entry.value, path)
      default: break
      }
    }
  }

  private func nonEmptyTexts(_ node: RawNode, _ key: String) throws(PlanError) -> [String] {
    let texts = try reader.texts(node, key)
    if let empty = texts.first(where: { $0.text.isEmpty }) {
      throw reader.fail(empty.key, "must not be empty")
    }
    return texts.map(\.text)
  }
}

/// RFC 9110 tokens: method and header names.
enum HTTPToken {
  static func isToken(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { b in
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
          || "!#$%&'*+-.^_`|~".utf8.contains(b)
      }
  }
}
