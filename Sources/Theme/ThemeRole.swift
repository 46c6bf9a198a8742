/// What a piece of the screen means. Themes colour meanings, never widgets: the dashboard asks
/// for `.tps` or `.errorTimeout`, and each theme file says how those look.
public enum ThemeRole: String, CaseIterable, Sendable {
  // Chrome
  case text, muted, border, title, header, keyHint = "key_hint", selection, background
  // Series
  case tps, latency, p95, p99, vusers
  case targetVusers = "target_vusers"
  /// Open model: the rate offered (arrivals per second), the planned line over tps.
  case offered
  // Errors by kind, grouped: connect = dns, refused, connect timeout, connect reset, tls, emfile,
  // addr; reset = write, read_reset, read_eof; protocol = malformed responses and redirect loops.
  case errorConnect = "error_connect"
  case errorTimeout = "error_timeout"
  case errorReset = "error_reset"
  case errorProtocol = "error_protocol"
  case error4xx = "error_4xx"
  case error5xx = "error_5xx"
  // Markers and states
  case tag, paused, knee
  case rampChange = "ramp_change"
  case running, stopping, done
  case good, warning, bad
  case gaugeFilled = "gauge_filled"
  case gaugeEmpty = "gauge_empty"
  // Log panel levels
  case logDebug = "log_debug"
  case logInfo = "log_info"
  case logWarning = "log_warning"
  case logError = "log_error"
  case logCritical = "log_critical"
  // Compared runs (`rampart compare`): one colour per run, A to D, on every chart and in the
  // legend; the legend names each run by letter, so colour is never the only clue.
  case compareA = "compare_a"
  case compareB = "compare_b"
  case compareC = "compare_c"
  case compareD = "compare_d"
  // Watched target sources (the Target lane): one colour per source in the order given, the
  // legend naming each, so colour is never the only clue.
  case watchA = "watch_a"
  case watchB = "watch_b"
  case watchC = "watch_c"
  case watchD = "watch_d"
}
