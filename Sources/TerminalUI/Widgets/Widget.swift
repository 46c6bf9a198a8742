/// Something that draws itself into a rectangle of a grid. Widgets are values built fresh every
/// frame from the state they show; they keep nothing between frames.
public protocol Widget {
  func render(in area: Rect, to grid: inout Grid)
}

extension Grid {
  public mutating func render(_ widget: some Widget, in area: Rect) {
    widget.render(in: area.intersection(self.area), to: &self)
  }
}
