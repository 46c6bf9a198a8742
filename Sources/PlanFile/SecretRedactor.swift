/// The values substituted from `${env:NAME}` in a plan, and the names they came from. `redact`
/// puts `${env:NAME}` back wherever a value appears, so meta.json, screens, reports and error
/// messages can be scrubbed before they are written or shown.
public struct SecretRedactor: Sendable, Equatable {
  public struct Secret: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// Values shorter than this are not redacted: they would match too much ordinary text.
  public static let minimumLength = 3

  /// In the order they were first substituted; one entry per distinct value.
  public private(set) var secrets: [Secret] = []
  /// Redactable secrets, longest value first.
  private var ordered: [(pattern: [UInt8], replacement: [UInt8])] = []

  public init() {}

  public init(_ secrets: [Secret]) {
    for secret in secrets { add(name: secret.name, value: secret.value) }
  }

  /// The variable names substituted (for the run header: names, never values).
  public var names: [String] {
    var seen = Set<String>()
    return secrets.map(\.name).filter { seen.insert($0).inserted }
  }

  public var isEmpty: Bool { secrets.isEmpty }

  public mutating func add(name: String, value: String) {
    guard !secrets.contains(where: { $0.value == value }) else { return }
    secrets.append(Secret(name: name, value: value))
    guard value.utf8.count >= Self.minimumLength else { return }
    let entry = (pattern: Array(value.utf8), replacement: Array("${env:\(name)}".utf8))
    let index = ordered.firstIndex { $0.pattern.count < entry.pattern.count } ?? ordered.endIndex
    ordered.insert(entry, at: index)
  }

  /// `text` with every occurrence of every secret value (at least 3 bytes long) replaced by
  /// `${env:NAME}`, scanning left to right and trying the longest value first at each position.
  public func redact(_ text: String) -> String {
    guard !ordered.isEmpty else { return text }
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    var changed = false
    scan: while index < bytes.count {
      for entry in ordered where matches(entry.pattern, in: bytes, at: index) {
        out.append(contentsOf: entry.replacement)
        index += entry.pattern.count
        changed = true
        continue scan
      }
      out.append(bytes[index])
      index += 1
    }
    // Values are whole UTF-8 sequences, so a match never splits a character.
    return changed ? String(decoding: out, as: UTF8.self) : text
  }

  private func matches(_ pattern: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
    guard index + pattern.count <= bytes.count, bytes[index] == pattern[0] else { return false }
    for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
    return true
  }

  public static func == (lhs: SecretRedactor, rhs: SecretRedactor) -> Bool {
    lhs.secrets == rhs.secrets
  }
}
