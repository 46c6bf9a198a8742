/// Where an arrival goes when it is due, given the state of its loop's pool: on a free vuser, on a
/// new one, into the backlog, or dropped. Pure, so the rule is tested apart from the event loop.
enum ArrivalPlacement: Equatable {
  case freeVuser, newVuser, backlog, dropped

  /// New vusers are opened while fewer than this many connects are under way on the loop; past
  /// it an arrival waits in the backlog for them (or for any vuser that frees) instead. Without
  /// it a high rate opened the whole pool at start: every arrival of the first milliseconds found
  /// the vusers before it still connecting, each connect slowed the loop and made the next
  /// arrivals later, and at 150k/s the pool reached `--max-vusers` (1000) within the first
  /// second; the backlog then kept all 1000 connections busy and the run went at a
  /// 1000-connection closed model's pace, below the rate. A few connects at a time still grow the
  /// pool as fast as connects complete (a stalled target still accepts them).
  static let connectsAtOnce = 16

  /// `allowance` is the pool size the loop's `PoolGrowth` lets it reach now (at most doubling
  /// every 100 ms); `held`, whether it is held there because more vusers stopped adding
  /// completions.
  static func of(
    free: Int, pool: Int, maxVusers: Int, allowance: Int = .max, held: Bool = false, connecting: Int,
    backlog: Int, maxBacklog: Int
  ) -> ArrivalPlacement {
    if free > 0 { return .freeVuser }
    let backlogFull = backlog >= maxBacklog
    let mayGrow = pool < maxVusers && pool < allowance
    // A full backlog would drop the arrival: a new vuser is better than a drop, however many
    // connects are under way and however fast the pool grew, unless the pool is held: more
    // vusers were measured to add nothing, and would only move the queue into the target.
    if mayGrow && connecting < connectsAtOnce { return .newVuser }
    if backlogFull && pool < maxVusers && (mayGrow || !held) { return .newVuser }
    return backlogFull ? .dropped : .backlog
  }
}
