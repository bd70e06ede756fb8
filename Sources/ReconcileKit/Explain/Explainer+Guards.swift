import Foundation

/// The Guard stage as it stands for one user: what an apply of the whole plan would hold, read from
/// the run state without changing it (as `GuardedRun.preview` reads it for `--plan`).
extension Explainer {
    /// The guards, and the user's actions marked as an apply would mark them (escrow, deletion threshold).
    func guards(
        _ plan: Plan, subject: Subject, target: Planner.TargetState, state: RunState?, applying: Bool, now: Date
    ) throws -> (Explanation.Guards, [PlanAction]) {
        let database = state?.database
        var partialExport: String?
        do {
            try PartialExportGuard.check(
                snapshotUsers: snapshot.users.count, last: try database.flatMap(RunHistory.lastSuccessful),
                limitPercent: settings.snapshotShrinkLimitPercent, allowShrink: allowShrink)
        } catch let refusal as SafetyError {
            partialExport = refusal.description
        }
        // Escrow's holds only (deletions allowed here); the threshold is judged below on that plan, as an apply judges it.
        let (escrowed, _) = try GuardedRun.preview(
            plan, state: state, snapshotUsers: snapshot.users.count, settings: settings, allowDeletions: true,
            allowShrink: true, now: now)
        let verdict = DeletionGuard.evaluate(escrowed, managedUsers: target.links.count, settings: settings)
        let held = verdict.exceeded && !allowDeletions ? DeletionGuard.staging(escrowed) : escrowed
        let actions = held.actions.filter(subject.owns)

        var guards = Explanation.Guards(
            deletionThreshold: verdict, staged: actions.contains { $0.hold?.isStaged == true }, partialExport: partialExport,
            hasRunState: state != nil)
        if let state, let database {
            guards.quarantine = try Quarantine(database: database).current()
            guards.escrow = try Escrow(database: database).entries().first { entry in
                (subject.sourceID != nil && entry.sourceID == subject.sourceID) || (subject.targetID != nil && entry.targetID == subject.targetID)
            }
            if !applying, let holder = try RunLock(state: state).holder(), holder.process.isRunning() != false {
                guards.lockHolder = holder
            }
        }
        return (guards, actions)
    }
}

extension Explanation.Guards {
    /// One sentence: what an `--apply` of the whole plan, and `explain --apply`, do about this user's actions.
    func verdict(for actions: [PlanAction]) -> String {
        guard let action = actions.first else { return "Nothing to apply for this user." }
        let what = action.kind == .skip ? "logs this skip" : "applies this \(action.kind.rawValue)"
        if let partialExport { return "--apply refuses this snapshot (partial-export guard): \(partialExport)" }
        if let quarantine, quarantine.reason.isTargetReason {
            return "The job is quarantined (\(quarantine.reason.rawValue)): --apply checks the target first, and "
                + (staged || escrowHold != nil ? "would still hold this \(action.kind.rawValue)." : "\(what) if it answers.")
        }
        if let quarantine {
            return "The job is quarantined (\(quarantine.reason.rawValue)): a full --apply has to leave quarantine first "
                + "(\(quarantine.advice)); explain --apply is refused while quarantined."
        }
        if let escrowHold {
            return "--apply, and explain --apply, would hold this \(action.kind.rawValue): \(escrowHold.label)."
        }
        if staged {
            return "A full --apply would hold this \(action.kind.rawValue): it is staged by the deletion threshold "
                + "(--allow-deletions applies it after review); explain --apply counts this user's \(action.kind.rawValue) alone."
        }
        return "--apply \(what)."
    }
}
