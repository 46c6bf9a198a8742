#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Follows the output of a shell command (`ssh web1 tail -F /var/log/app.log`, `journalctl -f`),
/// stdout and stderr alike, restarting it with a growing delay whenever it ends.
///
/// The command runs in a process group of its own, so stopping it reaches everything it started
/// (the `tail` behind an `ssh`, a pipeline's members) and nothing else.
public final class CommandFollower: LogFollower {
  /// A run at least this long counts as healthy: the next restart waits the initial delay again.
  static let stableRunSeconds = 10.0
  /// How long `close()` lets the command end after SIGTERM before SIGKILL.
  static let terminationGraceSeconds = 1.0
  /// What is read from the pipes once the command has exited, at most: a background job still
  /// writing to them must not keep the poll busy.
  static let drainAfterExitBytes = 4 * 1024 * 1024

  public let command: String
  private let shell: String
  private let initialBackoff: Double
  private let maximumBackoff: Double
  /// The delay before the next restart; doubles after each short run.
  private var backoff: Double

  /// The running command's PID, which is also its process group ID.
  private var child: pid_t?
  private var startedAt = 0.0
  private var nextStartAt = -Double.infinity
  private var outputPipe: Int32 = -1
  private var errorPipe: Int32 = -1
  private var outputSplitter = LineSplitter()
  private var errorSplitter = LineSplitter()
  private var isClosed = false
  private let buffer: UnsafeMutableRawBufferPointer

  public init(
    command: String, shell: String = "/bin/sh", initialBackoff: Double = 1, maximumBackoff: Double = 30
  ) {
    self.command = command
    self.shell = shell
    self.initialBackoff = max(0, initialBackoff)
    self.maximumBackoff = max(self.initialBackoff, maximumBackoff)
    backoff = self.initialBackoff
    buffer = .allocate(byteCount: 64 * 1024, alignment: 16)
  }

  deinit {
    close()
    buffer.deallocate()
  }

  public func poll(now: Double, byteBudget: Int, into output: inout [FollowerOutput]) {
    guard !isClosed else { return }
    if child == nil {
      guard now >= nextStartAt else { return }
      start(now: now, into: &output)
    }
    guard let pid = child else { return }
    var budget = max(0, byteBudget)
    readPipes(budget: &budget, into: &output)
    guard ProcessGroup.leaderHasExited(pid) else { return }
    // What it wrote just before exiting is still in the pipes.
    var drainBudget = Self.drainAfterExitBytes
    readPipes(budget: &drainBudget, into: &output)
    // Background jobs it left behind are ended too, so restarts do not pile them up. The leader is
    // not reaped yet, so its group ID cannot have been reused: this reaches only our processes.
    _ = kill(-pid, SIGTERM)
    let status = ProcessGroup.reap(pid)
    child = nil
    closePipes(flushingInto: &output)
    output.append(.notice(.exited(status)))
    scheduleRestart(now: now, runSeconds: now - startedAt, into: &output)
  }

  public func close() {
    guard !isClosed else { return }
    isClosed = true
    if let pid = child {
      ProcessGroup.terminate(pid, graceSeconds: Self.terminationGraceSeconds)
      child = nil
    }
    var discarded: [FollowerOutput] = []
    closePipes(flushingInto: &discarded)
  }

  private func start(now: Double, into output: inout [FollowerOutput]) {
    startedAt = now
    do {
      let started = try ProcessGroup.spawn(shell: shell, command: command)
      child = started.pid
      outputPipe = started.outputPipe
      errorPipe = started.errorPipe
      output.append(.notice(.started(pid: started.pid)))
    } catch {
      output.append(.notice(.exited("could not start: \(error.message)")))
      scheduleRestart(now: now, runSeconds: 0, into: &output)
    }
  }

  private func scheduleRestart(now: Double, runSeconds: Double, into output: inout [FollowerOutput]) {
    if runSeconds >= Self.stableRunSeconds { backoff = initialBackoff }
    let delay = backoff
    backoff = min(backoff * 2, maximumBackoff)
    nextStartAt = now + delay
    output.append(.notice(.restarting(afterSeconds: delay)))
  }

  /// Reads both pipes a chunk at a time in turn, so a flood on stdout cannot hold back stderr.
  private func readPipes(budget: inout Int, into output: inout [FollowerOutput]) {
    while budget > 0 {
      let readOutput = readChunk(from: &outputPipe, splitter: &outputSplitter, budget: &budget, into: &output)
      let readError = readChunk(from: &errorPipe, splitter: &errorSplitter, budget: &budget, into: &output)
      if !readOutput && !readError { return }
    }
  }

  /// One non-blocking read; true when it returned data. At end of file the pipe is closed and the
  /// last unterminated line delivered.
  private func readChunk(
    from descriptor: inout Int32, splitter: inout LineSplitter, budget: inout Int,
    into output: inout [FollowerOutput]
  ) -> Bool {
    guard descriptor >= 0, budget > 0 else { return false }
    let count = read(descriptor, buffer.baseAddress, min(budget, buffer.count))
    if count > 0 {
      budget -= count
      splitter.feed(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)) {
        output.append(.line($0))
      }
      return true
    }
    if count < 0 {
      let error = errno
      if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return error == EINTR }
    }
    // End of file, or an error that will not go away: nothing more comes from this pipe.
    if let line = splitter.flushPartial() { output.append(.line(line)) }
    closeDescriptor(descriptor)
    descriptor = -1
    return false
  }

  private func closePipes(flushingInto output: inout [FollowerOutput]) {
    for (descriptor, line) in [
      (outputPipe, outputSplitter.flushPartial()), (errorPipe, errorSplitter.flushPartial()),
    ] {
      if let line { output.append(.line(line)) }
      if descriptor >= 0 { closeDescriptor(descriptor) }
    }
    outputPipe = -1
    errorPipe = -1
  }
}

/// Starting, watching and ending a command in a process group of its own.
enum ProcessGroup {
  struct Started {
    var pid: pid_t
    /// Our non-blocking read ends of the command's stdout and stderr.
    var outputPipe: Int32
    var errorPipe: Int32
  }

  struct SpawnError: Error {
    var message: String

    init(_ error: Int32) {
      message = String(cString: strerror(error))
    }
  }

  /// Runs `shell -c command` as the leader of a new process group, stdin from /dev/null, stdout and
  /// stderr to two pipes.
  static func spawn(shell: String, command: String) throws(SpawnError) -> Started {
    let output = try makePipe()
    let error: (read: Int32, write: Int32)
    do {
      error = try makePipe()
    } catch let failure {
      closeDescriptor(output.read)
      closeDescriptor(output.write)
      throw failure
    }
    // The write ends belong to the child only; ours are closed whatever happens, so that end of
    // file arrives when the command and everything it started are gone.
    defer {
      closeDescriptor(output.write)
      closeDescriptor(error.write)
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    // dup2 clears close-on-exec on 1 and 2; the pipe ends themselves are O_CLOEXEC and vanish.
    posix_spawn_file_actions_adddup2(&actions, output.write, 1)
    posix_spawn_file_actions_adddup2(&actions, error.write, 2)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setpgroup(&attributes, 0)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    // The dashboard ignores SIGPIPE, SIGINT and SIGTERM, and ignored signals survive exec: without
    // this the command would ignore our SIGTERM and never see a broken pipe.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP {
      sigaddset(&defaults, Int32(signal))
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let words = [shell, "-c", command]
    var arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { for argument in arguments { free(argument) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, shell, &actions, &attributes, &arguments, environ)
    guard result == 0 else {
      closeDescriptor(output.read)
      closeDescriptor(error.read)
      throw SpawnError(result)
    }
    return Started(pid: pid, outputPipe: output.read, errorPipe: error.read)
  }

  private static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
    var descriptors: [Int32] = [-1, -1]
    // O_CLOEXEC from the start: another thread spawning at the same moment must not inherit them.
    guard createPipe(&descriptors) == 0 else { throw SpawnError(errno) }
    let flags = fcntl(descriptors[0], F_GETFL)
    _ = fcntl(descriptors[0], F_SETFL, flags | O_NONBLOCK)
    return (descriptors[0], descriptors[1])
  }

  /// `pipe2(fds, O_CLOEXEC)`, which the Glibc module does not export (it is a GNU extension), looked
  /// up at run time; `pipe` then `FD_CLOEXEC` where it is missing.
  private static func createPipe(_ descriptors: inout [Int32]) -> Int32 {
    #if canImport(Glibc)
      typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
      if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") {
        return unsafeBitCast(symbol, to: Pipe2.self)(&descriptors, O_CLOEXEC)
      }
    #endif
    guard pipe(&descriptors) == 0 else { return -1 }
    for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    return 0
  }

  /// Whether the leader has exited, without reaping it: while it is an unreaped zombie its PID and
  /// group ID stay ours, so signalling the group cannot reach a stranger.
  static func leaderHasExited(_ pid: pid_t) -> Bool {
    var info = siginfo_t()
    guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
      // Not our child any more (reaped elsewhere, or SIGCHLD ignored): it is gone.
      return errno == ECHILD
    }
    #if canImport(Glibc)
      return info._sifields._sigchld.si_pid == pid
    #else
      return info.si_pid == pid
    #endif
  }

  /// Collects an exited leader and says how it ended.
  static func reap(_ pid: pid_t) -> String {
    var status: Int32 = 0
    var result: pid_t
    repeat {
      result = waitpid(pid, &status, 0)
    } while result < 0 && errno == EINTR
    guard result == pid else { return "exit status unknown" }
    let signal = status & 0x7f
    return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
  }

  /// SIGTERM to the group, SIGKILL if the leader is still there after the grace period, then
  /// reaps the leader.
  static func terminate(_ pid: pid_t, graceSeconds: Double) {
    _ = kill(-pid, SIGTERM)
    if !waitForExit(pid, seconds: graceSeconds) {
      _ = kill(-pid, SIGKILL)
      // SIGKILL cannot be refused; the bound only guards against a process stuck in the kernel.
      guard waitForExit(pid, seconds: graceSeconds) else { return }
    }
    _ = reap(pid)
  }

  private static func waitForExit(_ pid: pid_t, seconds: Double) -> Bool {
    let deadline = monotonicSeconds() + seconds
    while !leaderHasExited(pid) {
      if monotonicSeconds() >= deadline { return false }
      usleep(5_000)
    }
    return true
  }

  private static func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
