import ConfigDiagnostics

/// A parsed plan file before validation, the same for TOML and YAML: tables keep their keys in
/// file order and every node knows where it starts.
struct RawNode: Sendable {
  indirect enum Kind: Sendable {
    case string(String)
    /// A string whose `${env:...}` could not be substituted.
    case badReference(EnvSubstitution.Failure)
    case integer(Int)
    /// A YAML integer outside Int's range, as written.
    case hugeInteger(String)
    case float(Double)
    case bool(Bool)
    case null
    /// A date or time (TOML) or another scalar type no key of a plan takes.
    case other(String)
    case array([RawNode])
    case table([RawEntry])
  }

  var kind: Kind
  var point: SourcePoint?
  /// A string with a value substituted from the environment: never quoted in messages.
  var secret = false

  init(kind: Kind, point: SourcePoint?) {
    self.kind = kind
    self.point = point
  }

  /// "a string", "an integer"... for "expected X, got Y".
  var typeName: String {
    switch kind {
    case .string, .badReference: "a string"
    case .integer, .hugeInteger: "an integer"
    case .float: "a float"
    case .bool: "a boolean"
    case .null: "an empty value"
    case .other(let name): name
    case .array: "an array"
    case .table: "a table"
    }
  }
}

struct RawEntry: Sendable {
  var key: String
  var point: SourcePoint?
  var value: RawNode
}

extension RawNode {
  /// Substitutes `${env:NAME}` in every string of the tree before anything is validated, so every
  /// secret of the file is known, and redacted, whichever error comes first.
  mutating func substitute(environment: [String: String], secrets: inout SecretRedactor) {
    switch kind {
    case .string(let raw):
      do throws(EnvSubstitution.Failure) {
        let result = try EnvSubstitution.apply(raw, environment: environment)
        for (name, value) in result.substituted { secrets.add(name: name, value: value) }
        kind = .string(result.text)
        secret = !result.substituted.isEmpty
      } catch {
        kind = .badReference(error)
      }
    case .array(var items):
      kind = .null
      for index in items.indices { items[index].substitute(environment: environment, secrets: &secrets) }
      kind = .array(items)
    case .table(var entries):
      kind = .null
      for index in entries.indices {
        entries[index].value.substitute(environment: environment, secrets: &secrets)
      }
      kind = .table(entries)
    default:
      break
    }
  }
}

/// `${env:NAME}` in string values: replaced by the variable NAME; `$${env:X}` is the literal text
/// `${env:X}`. Any other `$` is kept as it is.
enum EnvSubstitution {
  enum Failure: Error, Equatable {
    case unset(name: String)
    case malformed
  }

  struct Result {
    var text: String
    /// (name, value) for every variable substituted, in order.
    var substituted: [(name: String, value: String)]
  }

  static func apply(_ text: String, environment: [String: String]) throws(Failure) -> Result {
    guard text.utf8.contains(UInt8(ascii: "$")) else { return Result(text: text, substituted: []) }
    let bytes = Array(text.utf8)
    let opener = Array("{env:".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var substituted: [(name: String, value: String)] = []
    var index = 0
    func opens(at position: Int) -> Bool {
      guard position + opener.count <= bytes.count else { return false }
      return Array(bytes[position..<position + opener.count]) == opener
    }
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "$") else {
        out.append(byte)
        index += 1
        continue
      }
      if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "$"), opens(at: index + 2) {
        // `$${env:X}`: the literal `${env:X}`.
        out.append(contentsOf: Array("${env:".utf8))
        index += 2 + opener.count
        continue
      }
      guard opens(at: index + 1) else {
        out.append(byte)
        index += 1
        continue
      }
      let nameStart = index + 1 + opener.count
      var end = nameStart
      while end < bytes.count, bytes[end] != UInt8(ascii: "}") { end += 1 }
      guard end < bytes.count, isName(bytes[nameStart..<end]) else { throw .malformed }
      let name = String(decoding: bytes[nameStart..<end], as: UTF8.self)
      guard let value = environment[name] else { throw .unset(name: name) }
      out.append(contentsOf: Array(value.utf8))
      substituted.append((name, value))
      index = end + 1
    }
    return Result(text: String(decoding: out, as: UTF8.self), substituted: substituted)
  }

  /// `[A-Za-z_][A-Za-z0-9_]*`
  static func isName(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
    return bytes.allSatisfy { isLetter($0) || $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x39) }
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
  }
}
