import Foundation
import ReconcileKit

/// Wires the pipeline stages for one run: load, map, match, plan, then print or apply.
enum Job {
    static func run(_ options: RunOptions) throws -> ExitCode {
        let progress = try ProgressOutput.start(options.progress)
        // Every input is read before the store is opened: a bad one must not leave a new, empty store behind.
        let inputs = try RunInputs.read(options, progress: progress)
        let (snapshot, configuration) = (inputs.snapshot, inputs.configuration)
        KeptUntilExit.keep(snapshot)

        let settings = options.safety.settings(configuration.safety)
        RunNotification.command = settings.notifyCommand
        // An empty export must not create a store either: the partial-export guard comes first.
        if options.endpoint == nil && !FileManager.default.fileExists(atPath: options.store) {
            try PartialExportGuard.check(
                snapshotUsers: snapshot.users.count, last: nil, limitPercent: settings.snapshotShrinkLimitPercent,
                allowShrink: options.safety.allowShrink)
        }

        let store: SQLiteStore?
        if options.endpoint != nil {
            store = nil
        } else if options.mode == .plan && !FileManager.default.fileExists(atPath: options.store) {
            printError("store \(options.store) does not exist yet; planning against an empty store (--apply creates it)")
            store = nil
        } else {
            store = try SQLiteStore(path: options.store, create: true, notice: printError)
        }
        let emptyState = SQLiteStore.emptyTargetState(at: options.store)

        let scope = inputs.scope
        // A live endpoint (--target) replaces the store: read with the mapping's matching attributes.
        let endpoint = try options.endpoint.map { try $0.open(mapping: configuration.mapping, create: options.mode == .apply) }
        defer { if let folder = endpoint?.temporary { try? FileManager.default.removeItem(atPath: folder) } }
        let planner = inputs.planner(options)
        // An apply plans under the run lock (GuardedRun calls this), so no other run changes the target in between.
        let makePlan = { () throws -> (Plan, Planner.TargetState) in
            let target = try endpoint?.target.targetState(for: snapshot) ?? store?.targetState(progress: progress, sharingStringsOf: snapshot) ?? emptyState
            progress?.begin(stage: "planning", total: snapshot.users.count, unit: "users")
            let plan = planner.plan(snapshot: snapshot, target: target, createdAt: Timestamp.now(), scope: scope, progress: progress)
            progress?.finish()
            // The target's users too: closing the store lets go of the connection their resources were read through.
            KeptUntilExit.keep(plan)
            KeptUntilExit.keep(target)
            // A user's resource the planner asked for could not be read: the plan must not be used.
            if let failure = store?.planningFailure() { throw failure }
            return (plan, target)
        }
        let show = { (plan: Plan) throws in
            for warning in plan.warnings { printError("warning: \(warning)") }
            if let out = options.out { try writeAtomically(plan.fileText, to: out) }
            print(options.format == .json ? plan.fileText : plan.text(color: options.color.isOn()), terminator: "")
        }
        let runState = endpoint?.target.runState ?? store?.runState
        if options.mode == .apply, let runState, let target: any ProvisioningTarget = endpoint?.target ?? store {
            return try guarded(
                target: target, state: runState, input: .snapshot(users: snapshot.users.count, sha256: snapshot.sha256, plan: makePlan),
                mode: options.safety.recover ? .recover : .apply, safety: options.safety, settings: settings, show: show,
                progress: progress)
        }
        let plan = try preview(
            try makePlan().0, state: endpoint?.temporary == nil ? runState : nil, snapshotUsers: snapshot.users.count,
            safety: options.safety, settings: settings)
        try show(plan)
        return options.detailedExitcode && plan.hasChanges ? .changes : .success
    }

    static func applyPlan(_ file: String, store path: String, options: RunOptions) throws -> ExitCode {
        let plan = try loadPlan(file)
        guard plan.target.kind == "sqlite" else {
            throw ApplyError.wrongTarget(planned: "a \(plan.target.kind) target", given: "the embedded store \(path)")
        }
        if plan.target.fingerprint != SQLiteStore.emptyFingerprint && !FileManager.default.fileExists(atPath: path) {
            throw ApplyError.stalePlan(planned: plan.target.fingerprint, current: "no store at \(path)")
        }
        let configuration = try options.config.map { path throws(ConfigurationError) in try Configuration.load(path: path) } ?? Configuration()
        let settings = options.safety.settings(configuration.safety)
        RunNotification.command = settings.notifyCommand
        let store = try SQLiteStore(path: path, create: true, notice: printError)
        return try guarded(
            target: store, state: store.runState, input: .reviewed(plan), mode: .applyPlan, safety: options.safety,
            settings: settings, show: { _ in }, progress: try ProgressOutput.start(options.progress))
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

/// What a run reads before it opens a store: the export, the assignments and the configuration, each
/// one's warnings printed as it is read.
struct RunInputs {
    let snapshot: Snapshot
    let assignments: Assignments?
    let configuration: Configuration

    /// Reads the inputs `options` names; `progress` shows the export being read. Users keep only the
    /// properties the mapping and scoping read (`PropertySelection`), unless `everyProperty`.
    static func read(_ options: RunOptions, progress: ProgressReporter? = nil, everyProperty: Bool = false) throws -> RunInputs {
        // The configuration first: it says what to keep of the export, and a mistake in it shows at once.
        let configuration = try options.config.map { path throws(ConfigurationError) in try Configuration.load(path: path) } ?? Configuration()
        let selection = everyProperty ? nil : PropertySelection(
            mapping: configuration.mapping, scope: Scope(assignments: nil, filters: configuration.scopingFilters))
        progress?.begin(stage: "reading the export", total: SnapshotLoader.exportBytes(at: options.snapshot), unit: "bytes")
        let snapshot = try SnapshotLoader().load(
            path: options.snapshot, format: options.snapshotFormat, progress: progress, keeping: selection)
        progress?.finish()
        JobMetrics.snapshotUsers = snapshot.users.count
        for warning in snapshot.warnings { printError("warning: \(warning)") }
        let assignments = try options.assignments.map { path throws(ScopingError) in try AssignmentsLoader().load(path: path) }
        for warning in assignments?.warnings ?? [] { printError("warning: \(warning)") }
        return RunInputs(snapshot: snapshot, assignments: assignments, configuration: configuration)
    }

    var scope: Scope { Scope(assignments: assignments, filters: configuration.scopingFilters) }

    /// The planner for this configuration and the run's `--delete-missing`.
    func planner(_ options: RunOptions) -> Planner {
        Planner(mapping: configuration.mapping, options: .init(
            deleteMissing: options.deleteMissing, skipOutOfScopeDeletions: configuration.skipOutOfScopeDeletions))
    }
}
