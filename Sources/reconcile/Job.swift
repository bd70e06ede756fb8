import Foundation
import ReconcileKit

/// Wires the pipeline stages for one run: load, map, match, plan, then print or apply.
enum Job {
    static func run(_ options: RunOptions) throws -> ExitCode {
        let snapshot = try SnapshotLoader().load(path: options.snapshot)
        for warning in snapshot.warnings { printError("warning: \(warning)") }

        let store: SQLiteStore?
        if options.mode == .plan && !FileManager.default.fileExists(atPath: options.store) {
            printError("store \(options.store) does not exist yet; planning against an empty store (--apply creates it)")
            store = nil
        } else {
            store = try SQLiteStore(path: options.store, create: true, notice: printError)
        }
        let state = try store?.targetState() ?? Planner.TargetState(
            users: [], links: [:], kind: "sqlite", location: options.store, fingerprint: SQLiteStore.emptyFingerprint)

        let configuration = try options.config.map { path throws(ConfigurationError) in try Configuration.load(path: path) } ?? Configuration()
        let planner = Planner(mapping: configuration.mapping, options: .init(deleteMissing: options.deleteMissing))
        let plan = planner.plan(snapshot: snapshot, target: state, createdAt: Timestamp.now())
        if let out = options.out { try writeAtomically(plan.fileText, to: out) }
        print(options.format == .json ? plan.fileText : plan.text, terminator: "")

        guard options.mode == .apply, let store else {
            return options.detailedExitcode && plan.hasChanges ? .changes : .success
        }
        let result = try store.apply(plan, mode: "apply", checkFingerprint: false)
        return report(result)
    }

    static func applyPlan(_ file: String, store path: String) throws -> ExitCode {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PlanFileError.unreadable(file: file, reason: "no such file, or it cannot be opened")
        }
        let document: JSONValue
        do {
            document = try data.withUnsafeBytes { buffer throws(JSONError) in try JSONReader.parse(buffer) }
        } catch var error as JSONError {
            error.file = file
            throw PlanFileError.unreadable(file: file, reason: "not valid JSON: \(error)")
        }
        let plan = try Plan(json: document, file: file)
        guard plan.target.kind == "sqlite" else {
            throw ApplyError.wrongTarget(planned: "a \(plan.target.kind) target", given: "the embedded store \(path)")
        }
        if plan.target.fingerprint != SQLiteStore.emptyFingerprint && !FileManager.default.fileExists(atPath: path) {
            throw ApplyError.stalePlan(planned: plan.target.fingerprint, current: "no store at \(path)")
        }
        let store = try SQLiteStore(path: path, create: true, notice: printError)
        let result = try store.apply(plan, mode: "apply-plan", checkFingerprint: true)
        return report(result)
    }

    /// Prints the result line (and each failure on stderr) and picks the exit code.
    static func report(_ result: ApplyResult) -> ExitCode {
        for failure in result.failures {
            printError("failed: \(failure.action.kind.rawValue) \(failure.action.userName): \(failure.message)")
        }
        let applied = PlanAction.Kind.allCases.filter { $0 != .skip }.map { result.applied[$0] ?? 0 }.reduce(0, +)
        print("Applied \(applied) change\(applied == 1 ? "" : "s") in run \(result.runID)"
            + (result.failures.isEmpty ? "." : "; \(result.failures.count) failed (see stderr and the provisioning log)."))
        return result.failures.isEmpty ? .success : .partial
    }

    /// Writes `text` to a temporary file beside `path`, then renames it over `path`.
    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
