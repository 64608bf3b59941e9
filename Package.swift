// swift-tools-version:5.9
import PackageDescription

// The core is one shared library, liblivetscore.so, with a C ABI declared in
// include/livetscore.h. Modules follow the layers in docs/architecture.md:
// html (pure), net (sockets, HTTP, WebSocket), engine (registries, router,
// broker) and the C ABI on top. No Foundation anywhere in the core.
let package = Package(
    name: "LiveTS",
    products: [
        .library(name: "livetscore", type: .dynamic, targets: ["LiveTSCore"]),
    ],
    targets: [
        .systemLibrary(name: "CLibUV", path: "Sources/CLibUV", pkgConfig: "libuv",
                       providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CLiveTS", path: "Sources/CLiveTS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(name: "LiveTSHTML", path: "Sources/LiveTSHTML"),
        // Release builds of the transport and the C ABI check exclusive
        // access statically only: the runtime checks cost a few percent of
        // every message (docs/benchmarks.md, Transport); debug builds and
        // the tests keep them.
        .target(name: "LiveTSNet", dependencies: ["CLibUV", "CZlib", "COpenSSL"], path: "Sources/LiveTSNet",
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "LiveTSEngine", dependencies: ["LiveTSNet", "LiveTSHTML", "CLibUV", "CHiredis"],
                path: "Sources/LiveTSEngine"),
        .target(name: "LiveTSCore", dependencies: ["LiveTSEngine", "LiveTSNet", "LiveTSHTML", "CLibUV", "CLiveTS"],
                path: "Sources/LiveTSCore", exclude: ["exports.map"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // libFuzzer targets (scripts/fuzz), one folder each under Fuzz/ with
        // its seed corpus: the HTML parser and differ, and the engine's
        // readers of browser and peer messages (FuzzHTTP and FuzzWebSocket
        // are compiled into LiveTSNet by scripts/fuzz). The C driver finds
        // libFuzzer when it is linked in, so a normal build gets corpus
        // replayers instead of a link error.
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .executableTarget(name: "FuzzHTML", dependencies: ["LiveTSHTML", "FuzzDriver"], path: "Fuzz/FuzzHTML"),
        .executableTarget(name: "FuzzEngine", dependencies: ["LiveTSEngine", "LiveTSHTML", "FuzzDriver"],
                          path: "Fuzz/FuzzEngine", exclude: ["corpus"]),
        // The core's unit tests live in CoreTests/ (tests/ holds the system
        // tests over real sockets and browsers, which drive every layer).
        .testTarget(name: "LiveTSHTMLTests", dependencies: ["LiveTSHTML"], path: "CoreTests/LiveTSHTMLTests"),
        .testTarget(name: "LiveTSNetTests", dependencies: ["LiveTSNet", "COpenSSL"], path: "CoreTests/LiveTSNetTests"),
        .testTarget(name: "LiveTSEngineTests", dependencies: ["LiveTSEngine", "LiveTSNet"],
                    path: "CoreTests/LiveTSEngineTests"),
        .testTarget(name: "LiveTSCoreTests", dependencies: ["LiveTSCore", "CLiveTS"], path: "CoreTests/LiveTSCoreTests"),
    ]
)
