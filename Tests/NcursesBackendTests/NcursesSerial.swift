import Testing

/// ncurses keeps its one screen in process globals, and SIGWINCH/SIGTSTP reach the whole
/// process: every suite that opens a terminal nests here so none runs beside another.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum NcursesSerial {}
