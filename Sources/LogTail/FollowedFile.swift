#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An open file and how far it has been read.
final class FollowedFile {
  let descriptor: Int32
  let identity: FileIdentity
  var offset = 0
  var splitter = LineSplitter()
  /// The first bytes of the file as first read (up to `FileFollower.fingerprintBytes`).
  var fingerprint: [UInt8] = []
  /// When data was last read from it, for the drain deadline.
  var lastDataAt: Double
  /// After a read error, the file is not read again before this time.
  var readRetryAt = -Double.infinity

  init(descriptor: Int32, identity: FileIdentity, now: Double) {
    self.descriptor = descriptor
    self.identity = identity
    lastDataAt = now
    fingerprint.reserveCapacity(FileFollower.fingerprintBytes)
  }
}
