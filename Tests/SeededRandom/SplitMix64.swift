import Foundation

/// SplitMix64: a tiny seeded generator, so every randomised test (fuzz runs, synthetic series,
/// resize storms, random bytes) is the same on every machine and a failure replays from its seed.
public struct SplitMix64: RandomNumberGenerator {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in (0, 1).
  public mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

  /// Standard normal (Box-Muller).
  public mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit()) }

  /// Uniform in 0..<bound.
  public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  /// `count` random bytes.
  public mutating func bytes(_ count: Int) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(count + 8)
    while result.count < count {
      var value = next()
      withUnsafeBytes(of: &value) { result.append(contentsOf: $0) }
    }
    return Array(result.prefix(count))
  }
}
