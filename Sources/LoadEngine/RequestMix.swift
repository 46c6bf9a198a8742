/// Several requests a vuser chooses between, each by its weight (Locust's task weights, k6's
/// scenario mix): every iteration picks one at random in proportion to the weights.
public struct WeightedRequest: Sendable, Equatable {
  public var name: String?
  public var template: RequestTemplate
  /// Path and query on the target; nil = the target URL's own.
  public var path: String?
  public var weight: Int

  public init(name: String? = nil, template: RequestTemplate, path: String? = nil, weight: Int = 1) {
    self.name = name
    self.template = template
    self.path = path
    self.weight = weight
  }

  /// A path that could split the request line (CR, LF, spaces, controls) or a weight out of
  /// range is refused before anything is sent.
  public func validate() throws(ConfigError) {
    try validateWeight()
    try validatePath()
  }

  public func validateWeight() throws(ConfigError) {
    guard (1...1_000_000).contains(weight) else {
      throw ConfigError("\(label): weight must be from 1 to 1000000, got \(weight)")
    }
  }

  public func validatePath() throws(ConfigError) {
    guard let path else { return }
    guard path.hasPrefix("/"), !path.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
      throw ConfigError(
        "\(label): path must start with / and hold only printable ASCII (percent-encode the rest)")
    }
  }

  private var label: String { name.map { "request '\($0)'" } ?? "a request" }
}

/// The serialised variants of a run's requests and the table that picks one by weight.
struct RequestVariants: Sendable {
  struct Variant: Sendable {
    var request: WeightedRequest
    var bytes: [UInt8]
    var expectsResponseBody: Bool
    var isIdempotent: Bool
    /// Requests larger than 64 KiB are written with a promise, so a connection lost mid-body is
    /// told apart (a `write` error) from one lost while waiting for the response.
    var tracksWriteCompletion: Bool
  }

  /// What a vuser needs to know of its current request on the hot path.
  struct Flags: Sendable {
    var expectsResponseBody: Bool
    var isIdempotent: Bool
    var tracksWriteCompletion: Bool
  }

  let variants: [Variant]
  /// Running totals of the weights: variant i is chosen for draws below `cumulative[i]`.
  let cumulative: [UInt64]

  init(config: EngineConfig) {
    let requests = config.mix.isEmpty ? [WeightedRequest(template: config.request)] : config.mix
    variants = requests.map { request in
      let bytes = request.template.serialized(for: config.target, path: request.path)
      return Variant(
        request: request, bytes: bytes, expectsResponseBody: !request.template.expectsNoBody,
        isIdempotent: request.template.isIdempotent, tracksWriteCompletion: bytes.count > 64 * 1024)
    }
    var total: UInt64 = 0
    cumulative = requests.map { request in
      total += UInt64(max(1, request.weight))
      return total
    }
  }

  var count: Int { variants.count }

  /// The variant for a uniformly random `draw` over `cumulative` (a loop's own copy of the
  /// weights, so loops never share the array's reference count).
  @inline(__always) static func index(for draw: UInt64, in cumulative: [UInt64]) -> Int {
    let point = draw % cumulative[cumulative.count - 1]
    var low = 0
    var high = cumulative.count - 1
    while low < high {
      let mid = (low + high) / 2
      if point < cumulative[mid] { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
