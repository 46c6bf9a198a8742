import Foundation

/// What was run, written once at the start as `meta.json`.
public struct RunMeta: Codable, Sendable, Equatable {
  public var name: String
  public var target: String
  public var method: String
  public var plan: String
  public var vusersPeak: Int
  public var duration: Double?
  public var command: [String]
  public var startedAt: Date
  public var host: String
  public var rampartVersion: String
  public var options: [String: String]

  enum CodingKeys: String, CodingKey {
    case name, target, method, plan, vusersPeak = "vusers_peak", duration = "duration_s", command
    case startedAt = "started_at", host, rampartVersion = "rampart_version", options
  }

  public init(
    name: String, target: String, method: String, plan: String, vusersPeak: Int, duration: Double?,
    command: [String], startedAt: Date, host: String, rampartVersion: String, options: [String: String]
  ) {
    self.name = name
    self.target = target
    self.method = method
    self.plan = plan
    self.vusersPeak = vusersPeak
    self.duration = duration
    self.command = command
    self.startedAt = startedAt
    self.host = host
    self.rampartVersion = rampartVersion
    self.options = options
  }
}

/// The one JSON configuration for everything rampart writes (the run directory, `compare --json`,
/// `run --json`, `runs --json`): sorted keys, ISO 8601 dates with their fractional seconds (a
/// run's events are milliseconds apart), and non-finite numbers as strings instead of a failed
/// encode after a good run. Reading uses the same, so what was written reads back.
public enum RampartJSON {
  public static func encoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    e.dateEncodingStrategy = .custom { date, encoder in
      var c = encoder.singleValueContainer()
      try c.encode(Self.iso.format(date))
    }
    e.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }

  /// A value as one line of JSON text, for stdout.
  public static func text<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try encoder().encode(value), as: UTF8.self)
  }

  public static func decoder() -> JSONDecoder {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .custom { decoder in
      let text = try decoder.singleValueContainer().decode(String.self)
      return try Self.iso.parse(text)
    }
    d.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }

  static let iso = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
