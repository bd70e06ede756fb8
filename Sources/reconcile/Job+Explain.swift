import Foundation
import ReconcileKit

/// `reconcile explain USER`: one user's way through the stages, read-only; with `--apply`, that user's
/// actions applied through the guarded apply (run lock, guards, provisioning log, run record).
extension Job {
    static func explain(_ options: ExplainOptions) throws -> ExitCode {
        guard options.apply else { return try explainOnly(options) }
        let run = options.run
        return RunNotification.around(CommandLine.arguments, location: run.stateLocation, notify: run.safety.notifyCommand) {
            try explainAndApply(options)
        }
    }

    /// Reads every input (never the store) and makes the explainer.
    private static func explainer(_ options: ExplainOptions) throws -> (Explainer, Configuration, SafetySettings) {
        let run = options.run
        // Explain shows records as exported: every property kept.
        let inputs = try RunInputs.read(run, everyProperty: true)
        let configuration = inputs.configuration
        let settings = run.safety.settings(configuration.safety)
        let explainer = Explainer(
            snapshot: inputs.snapshot, snapshotPath: run.snapshot, scope: inputs.scope, planner: inputs.planner(run),
            settings: settings, allowDeletions: run.safety.allowDeletions, allowShrink: run.safety.allowShrink)
        return (explainer, configuration, settings)
    }

    /// Explains without writing anything: a missing store is an empty target and is not created.
    private static func explainOnly(_ options: ExplainOptions) throws -> ExitCode {
        let (explainer, configuration, _) = try explainer(options)
        let run = options.run
        let result: Explainer.Result
        if let endpointOptions = run.endpoint {
            let endpoint = try endpointOptions.open(mapping: configuration.mapping, create: false)
            defer { if let folder = endpoint.temporary { try? FileManager.default.removeItem(atPath: folder) } }
            result = try explainer.explain(
                options.user, target: try endpoint.target.targetState(for: explainer.snapshot), targetExists: true,
                state: endpoint.temporary == nil ? endpoint.target.runState : nil)
        } else if FileManager.default.fileExists(atPath: run.store) {
            let store = try SQLiteStore.openForReading(path: run.store)
            result = try explainer.explain(options.user, target: try store.targetState(), targetExists: true, state: store.runState)
            if let failure = store.planningFailure() { throw failure }
        } else {
            printError("store \(run.store) does not exist yet; explaining against an empty store (explain --apply creates it)")
            result = try explainer.explain(options.user, target: SQLiteStore.emptyTargetState(at: run.store), targetExists: false, state: nil)
        }
        print(run.format == .json ? result.explanation.jsonText : result.explanation.text, terminator: "")
        return .success
    }

    /// Explains, then applies the user's share of the plan, made again under the run lock.
    private static func explainAndApply(_ options: ExplainOptions) throws -> ExitCode {
        let (explainer, configuration, settings) = try explainer(options)
        let run = options.run
        RunNotification.command = settings.notifyCommand
        let snapshot = explainer.snapshot
        let target: any ProvisioningTarget
        let state: RunState
        let readTarget: () throws -> Planner.TargetState
        if let endpointOptions = run.endpoint {
            let endpoint = try endpointOptions.open(mapping: configuration.mapping, create: true).target
            (target, state) = (endpoint, endpoint.runState)
            readTarget = { try endpoint.targetState(for: snapshot) }
            // A USER that names nobody is refused before the lock is taken, so no run is recorded for it.
            _ = try explainer.explain(options.user, target: try readTarget(), targetExists: true, state: state)
        } else {
            let exists = FileManager.default.fileExists(atPath: run.store)
            if !exists {
                // As a run does: an empty export creates no store, and neither does a USER that names nobody.
                try PartialExportGuard.check(
                    snapshotUsers: snapshot.users.count, last: nil, limitPercent: settings.snapshotShrinkLimitPercent,
                    allowShrink: run.safety.allowShrink)
                _ = try explainer.explain(options.user, target: SQLiteStore.emptyTargetState(at: run.store), targetExists: false, state: nil)
            }
            let store = try SQLiteStore(path: run.store, create: true, notice: printError)
            (target, state) = (store, store.runState)
            readTarget = { try store.targetState() }
            // A USER that names nobody is refused before the lock is taken, so no run is recorded for it.
            if exists { _ = try explainer.explain(options.user, target: try readTarget(), targetExists: true, state: state) }
        }

        var explanation: Explanation?
        return try guarded(
            target: target, state: state,
            input: .snapshot(users: snapshot.users.count, sha256: snapshot.sha256, plan: {
                let result = try explainer.explain(options.user, target: try readTarget(), targetExists: true, state: state, applying: true)
                // A user's resource the explainer asked for could not be read: the plan must not be used.
                if let failure = (target as? SQLiteStore)?.planningFailure() { throw failure }
                explanation = result.explanation
                return (result.plan, result.target)
            }),
            mode: .explain, safety: run.safety, settings: settings,
            show: { _ in print(explanation?.text ?? "", terminator: "") })
    }
}
