/// The RGB values behind xterm's 256 palette indices, used to measure which index is nearest to a
/// theme colour. Indices 0-15 use xterm's default values; terminals let users change those, so
/// they are an estimate, while 16-255 are fixed by the xterm formula.
public enum XtermPalette {
  /// An RGB triple; a tuple keeps the arithmetic short.
  public typealias RGB = (r: UInt8, g: UInt8, b: UInt8)

  /// xterm's defaults for the 16 ANSI colours (black, red, ..., white, then the bright ones).
  static let ansi: [RGB] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]

  /// The six channel levels of the 6x6x6 colour cube (indices 16-231).
  static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

  /// The RGB value xterm shows for palette `index`.
  public static func rgb(_ index: UInt8) -> RGB {
    switch index {
    case 0..<16:
      return ansi[Int(index)]
    case 16..<232:
      let i = Int(index) - 16
      return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
    default:
      let grey = UInt8(8 + 10 * (Int(index) - 232))
      return (grey, grey, grey)
    }
  }

  /// Squared RGB distance: plain, and good enough to pick a palette entry (btop, TermKit).
  static func distance(_ a: RGB, _ b: RGB) -> Int {
    let dr = Int(a.r) - Int(b.r)
    let dg = Int(a.g) - Int(b.g)
    let db = Int(a.b) - Int(b.b)
    return dr * dr + dg * dg + db * db
  }

  /// The nearer of the cube colour and the grey-ramp colour, as an index in 16-255. Indices 0-15
  /// are never chosen here: users recolour them, so only 16-255 are known.
  public static func nearest256(_ c: RGB) -> UInt8 {
    let cube = (r: nearestLevel(c.r), g: nearestLevel(c.g), b: nearestLevel(c.b))
    let cubeIndex = UInt8(16 + 36 * cube.r + 6 * cube.g + cube.b)
    // Grey ramp 232-255 holds 8, 18, ..., 238: take the step nearest the channel average.
    let average = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
    let step = min(23, max(0, (average - 8 + 5) / 10))
    let greyIndex = UInt8(232 + step)
    return distance(rgb(greyIndex), c) < distance(rgb(cubeIndex), c) ? greyIndex : cubeIndex
  }

  /// The nearest of the first `count` ANSI colours (16, or 8 for 8-colour terminals). A grey
  /// only goes to a grey (black, white and their bright forms): with 8 colours there is no mid
  /// grey, and by plain distance a muted #8A8A8A would otherwise turn yellow.
  public static func nearestANSI(_ c: RGB, count: Int) -> UInt8 {
    let candidates = isGrey(c) ? greys.filter { $0 < count } : Array(0..<min(count, 16))
    var best = candidates[0]
    for i in candidates.dropFirst() where distance(ansi[i], c) < distance(ansi[best], c) { best = i }
    return UInt8(best)
  }

  /// The ANSI entries that are greys: black, white, bright black, bright white.
  private static let greys = [0, 7, 8, 15]

  /// Channels within 24 of each other: a grey, perhaps slightly tinted.
  private static func isGrey(_ c: RGB) -> Bool {
    max(c.r, c.g, c.b) - min(c.r, c.g, c.b) < 24
  }

  private static func nearestLevel(_ v: UInt8) -> Int {
    var best = 0
    for i in 1..<cubeLevels.count
    where abs(Int(cubeLevels[i]) - Int(v)) < abs(Int(cubeLevels[best]) - Int(v)) {
      best = i
    }
    return best
  }
}
