// swift-tools-version: 6.0
import PackageDescription

// The request path runs on one thread per event loop with state confined to it; dynamic
// exclusivity checks there cost about 3% of the client's CPU per request (measured with perf), so
// release builds of the two hot modules skip them. Debug builds and tests keep them.
let hotPathSettings: [SwiftSetting] = [
  .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
  name: "rampart",
  // Linux only (glibc: pty.h, memfd_create, /proc), which SwiftPM cannot declare: no Apple
  // platform is claimed, since none builds.
  products: [
    .executable(name: "rampart", targets: ["rampart"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
  ],
  targets: [
    .target(
      name: "Metrics",
      dependencies: ["Vocabulary", .product(name: "Histogram", package: "hdrhistogram-swift")],
      swiftSettings: hotPathSettings
    ),
    .target(
      name: "LoadEngine",
      dependencies: [
        "Metrics", "Vocabulary",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        // NIOSSL's own event types (the handshake is done); part of swift-nio, which NIOSSL needs.
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "DequeModule", package: "swift-collections"),
        "CThreadAffinity",
      ],
      swiftSettings: hotPathSettings
    ),
    .target(name: "CThreadAffinity"),
    .target(name: "RunStore", dependencies: ["Metrics", "Vocabulary"]),
    // Where a configuration file is wrong, said the same way for plans and themes: key positions,
    // nesting and NUL guards for TOML, one-line located messages.
    .target(name: "ConfigDiagnostics"),
    .target(
      name: "PlanFile", dependencies: ["TOMLKit", "Yams", "Metrics", "ConfigDiagnostics", "Vocabulary"]),
    .target(name: "Report", dependencies: ["RunStore", "Metrics", "Vocabulary", "Plot"]),
    .target(name: "Control", dependencies: ["Metrics", "LogValues", "Vocabulary"]),
    // What a log source says, as values (entries, events, sources, the snapshot the screen reads)
    // and the sanitiser that makes a line inert: what the screen and the control socket need,
    // without the followers.
    .target(name: "LogValues", dependencies: ["Vocabulary"]),
    .target(
      name: "LogTail",
      dependencies: ["LogValues", .product(name: "DequeModule", package: "swift-collections")]),
    // How every quantity reads (latencies, rates, percents, counts, sizes, durations, clocks, UTC
    // times, axis ticks), one function per quantity with a style for where it is read (screen,
    // report, plain): the bottom layer, Foundation only.
    .target(name: "Vocabulary"),
    .target(name: "TerminalUI", dependencies: ["Vocabulary"]),
    // The load test's target seen from outside: its CPU and memory once a second from /proc
    // process trees, cgroups or a Prometheus endpoint, on a thread of its own; the scrapes use
    // NIOHTTP1's client on a one-thread event loop group of the watch's own, never the engine's.
    .target(
      name: "TargetWatch",
      dependencies: [
        "Metrics",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    .target(
      name: "DemoTarget",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "DequeModule", package: "swift-collections"),
      ]),
    .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
    .target(name: "CSupport", dependencies: ["CNcurses"]),
    .target(name: "NcursesBackend", dependencies: ["CNcurses", "CSupport", "TerminalUI"]),
    .target(name: "Theme", dependencies: ["TerminalUI", "TOMLKit", "ConfigDiagnostics"]),
    .target(
      name: "Dashboard",
      dependencies: ["TerminalUI", "Theme", "Metrics", "LogValues", "Vocabulary"]),
    // `rampart compare` on screen: finished runs from the store, drawn with the dashboard's toolkit.
    .target(
      name: "CompareScreen", dependencies: ["TerminalUI", "Theme", "Metrics", "RunStore", "Vocabulary"]),
    // The command layer (options, the run's phases, headless output, plan merge), a library so
    // tests can import it; the executable only parses and dispatches.
    .target(
      name: "RampartCommands",
      dependencies: [
        "Metrics", "LoadEngine", "RunStore", "TerminalUI", "Theme", "Dashboard", "CompareScreen",
        "NcursesBackend",
        "DemoTarget", "Vocabulary",
        "LogTail", "LogValues", "Control", "PlanFile", "Report", "TargetWatch",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "rampart", dependencies: ["RampartCommands"]),
    .target(
      name: "TestSupport",
      dependencies: [
        "TestKit",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      path: "Tests/TestSupport"
    ),
    .target(name: "SeededRandom", path: "Tests/SeededRandom"),
    // Polling with a deadline and temporary directories: the helpers every test target shares.
    .target(name: "TestKit", path: "Tests/TestKit"),
    .target(name: "EngineFakes", dependencies: ["Metrics", "Vocabulary"], path: "Tests/EngineFakes"),
    // Synthetic runs of known shape: in memory for golden screens, journalled for runs, compare,
    // report and export.
    .target(
      name: "RunFixtures",
      dependencies: ["RunStore", "Metrics", "SeededRandom", "TestKit", "Dashboard", "LogValues"],
      path: "Tests/RunFixtures"),
    .testTarget(name: "VocabularyTests", dependencies: ["Vocabulary"]),
    .testTarget(name: "MetricsTests", dependencies: ["Metrics", "SeededRandom", "Vocabulary"]),
    .testTarget(
      name: "LoadEngineTests",
      dependencies: ["LoadEngine", "Metrics", "TestSupport", "TestKit", "SeededRandom", "Vocabulary"]),
    .testTarget(
      name: "RunStoreTests",
      dependencies: ["RunStore", "Metrics", "RunFixtures", "SnapshotSupport", "TestKit", "Vocabulary"],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "PlanFileTests", dependencies: ["PlanFile", "ConfigDiagnostics", "SeededRandom", "TestKit"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ReportTests",
      dependencies: [
        "Report", "RunStore", "Metrics", "RunFixtures", "TestSupport", "TestKit", "SnapshotSupport",
        "Vocabulary",
      ],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "ControlTests", dependencies: ["Control", "Metrics", "TestSupport", "TestKit", "EngineFakes"]),
    .testTarget(name: "LogValuesTests", dependencies: ["LogValues", "SeededRandom"]),
    .testTarget(
      name: "TargetWatchTests",
      dependencies: [
        "TargetWatch", "TestKit", "TestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    .testTarget(
      name: "LogTailTests", dependencies: ["LogTail", "LogValues", "SeededRandom", "TestKit"],
      exclude: ["Fixtures"]),
    .target(name: "SnapshotSupport", dependencies: ["TerminalUI"], path: "Tests/SnapshotSupport"),
    .testTarget(
      name: "TerminalUITests", dependencies: ["TerminalUI", "SnapshotSupport", "Vocabulary"],
      exclude: ["Snapshots"]),
    .executableTarget(
      name: "rampart-render-bench",
      dependencies: [
        "Dashboard", "TerminalUI", "Theme", "Metrics", "NcursesBackend", "LogValues", "RunFixtures",
      ],
      path: "Benchmarks/RenderBench"),
    .testTarget(
      name: "DashboardTests",
      dependencies: [
        "Dashboard", "TerminalUI", "Theme", "Metrics", "SnapshotSupport", "LogValues", "RunFixtures",
        "EngineFakes", "Vocabulary",
      ],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "CompareScreenTests",
      dependencies: [
        "CompareScreen", "TerminalUI", "Theme", "RunStore", "SnapshotSupport", "RunFixtures", "TestKit",
        "Vocabulary",
      ],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "DemoTargetTests",
      dependencies: ["DemoTarget", "LoadEngine", "Metrics", "TestSupport", "TestKit"]),
    .target(name: "CTestSupport", path: "Tests/CTestSupport"),
    .testTarget(
      name: "NcursesBackendTests",
      dependencies: ["NcursesBackend", "TerminalUI", "CNcurses", "CTestSupport", "TestKit"]),
    .testTarget(
      name: "ThemeTests", dependencies: ["Theme", "TerminalUI", "ConfigDiagnostics", "TestKit"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "RampartCLITests",
      dependencies: ["TestSupport", "TestKit", "RunStore", "Metrics", "SeededRandom", "RunFixtures"]),
    // Unit tests of the command's own parts: its plain lines, flags merged over a plan file, the
    // run's phases against a fake engine.
    .testTarget(
      name: "RampartTests",
      dependencies: ["RampartCommands", "Metrics", "RunStore", "PlanFile", "LoadEngine", "EngineFakes"]),
  ],
  swiftLanguageModes: [.v6]
)
