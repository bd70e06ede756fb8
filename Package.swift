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
        .target(name: "ReconcileKit", dependencies: ["CSQLite"]),
        .executableTarget(name: "reconcile", dependencies: ["ReconcileKit"]),
        .testTarget(
            name: "ReconcileKitTests",
            dependencies: ["ReconcileKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
