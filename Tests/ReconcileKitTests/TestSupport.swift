import Foundation
@testable import ReconcileKit

/// Helpers shared by the tests: temporary files, fixtures, and running the built `reconcile` binary.
enum TestSupport {
    /// A new empty folder under the system's temporary directory.
    static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("reconcile-tests-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A path for a store that does not exist yet, in its own temporary folder.
    static func temporaryStorePath() -> String {
        temporaryFolder() + "/store.db"
    }

    /// The absolute path of a fixture under `Tests/ReconcileKitTests/Fixtures/`.
    static func fixture(_ name: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// The repository's root folder (for `samples/`).
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A file of the repository's `samples/` folder.
    static func sample(_ name: String) -> String { packageRoot + "/samples/" + name }

    /// Writes `text` to a new file in a temporary folder and returns its path.
    static func write(_ text: String, name: String = "input.json") -> String {
        let path = temporaryFolder() + "/" + name
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The built `reconcile` executable, next to the test bundle in the build folder.
    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["RECONCILE_BIN"] { return override }
        var folder = Bundle.module.bundleURL.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("reconcile").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot + "/.build/debug/reconcile"
    }()

    /// What a run of the binary printed and how it exited.
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs the built binary (or `executable`) with `arguments` and waits for it.
    @discardableResult
    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, executable: String = binary
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The bytes of a file, for before/after comparisons.
    static func bytes(_ path: String) -> Data {
        FileManager.default.contents(atPath: path) ?? Data()
    }
}

/// A new store in a temporary folder of its own, removed with the folder when let go: what each
/// test of a store suite starts from.
final class TemporaryStore {
    let folder: String
    let store: SQLiteStore

    init() throws {
        folder = TestSupport.temporaryFolder()
        store = try SQLiteStore(path: folder + "/store.db", create: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
