import Foundation
import Testing
@testable import ReconcileKit

/// Helpers for the end-to-end tests: golden files, and reading a store the binary wrote.
enum CommandLineSupport {
    /// The folder of golden files in the source tree (not the built bundle, so recording updates the repository).
    static let goldenFolder = TestSupport.packageRoot + "/Tests/ReconcileKitTests/Fixtures/golden"

    /// Whether this run re-records golden files (`RECORD_GOLDEN=1 swift test ...`).
    static var isRecording: Bool {
        ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    }

    /// Checks `actual` against the golden file `name`, or writes it there when recording.
    static func expectGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = goldenFolder + "/" + name
        if isRecording {
            do {
                try FileManager.default.createDirectory(atPath: goldenFolder, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                Issue.record("cannot record golden file \(path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = FileManager.default.contents(atPath: path) else {
            Issue.record("golden file \(path) is missing; record it with RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(
            actual == String(decoding: expected, as: UTF8.self),
            "output differs from \(path); if the change is intended, re-record with RECORD_GOLDEN=1",
            sourceLocation: sourceLocation)
    }

    /// The store's links (source id -> target id), read and closed again so the file is left alone.
    static func links(of store: String) throws -> [String: String] {
        try SQLiteStore(path: store, create: false).links()
    }

    /// The store's users, read the same way.
    static func users(of store: String) throws -> [TargetUser] {
        try SQLiteStore(path: store, create: false).users()
    }

    /// The store's fingerprint, read the same way.
    static func fingerprint(of store: String) throws -> String {
        try SQLiteStore(path: store, create: false).fingerprint()
    }

    /// A JSON document printed by the binary or written to a plan file.
    static func json(_ text: String) throws -> JSONValue {
        try JSONReader.parse(text)
    }

    /// The first 12 hex digits of a snapshot's SHA-256, as the plan text shows it.
    static func shortSHA(_ snapshot: String) throws -> String {
        String(try SnapshotLoader().load(path: snapshot).sha256.prefix(12))
    }
}

/// An end-to-end suite: the built binary run against `store` in the suite's own temporary folder.
protocol StoreCommandLineSuite {
    var store: String { get }
}

extension StoreCommandLineSuite {
    /// Runs the built binary with `arguments`.
    func reconcile(_ arguments: String...) throws -> TestSupport.Run {
        try TestSupport.run(arguments)
    }

    /// Applies `snapshot` (with `more` arguments) to the store, and requires it to succeed.
    func applyToStore(_ snapshot: String, _ more: String...) throws {
        let run = try TestSupport.run(["--snapshot", snapshot, "--store", store, "--apply"] + more)
        try #require(run.status == 0, "applying \(snapshot) failed: \(run.stderr)")
    }
}
