// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "reconcile",
    products: [
        .executable(name: "reconcile", targets: ["reconcile"]),
        .library(name: "ReconcileKit", targets: ["ReconcileKit"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // SHA-256's block function, in C so it can use the CPU's SHA instructions where present.
        .target(name: "CSHA256"),
        .target(name: "ReconcileKit", dependencies: ["CSQLite", "CSHA256"]),
        .executableTarget(name: "reconcile", dependencies: ["ReconcileKit"]),
        .testTarget(
            name: "ReconcileKitTests",
            dependencies: ["ReconcileKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
