import Foundation

extension GuardedRun {
    /// What `--plan` shows of the safety checks, reading the run state without changing it: the
    /// partial-export guard refuses as `--apply` would; escrowed failures not due are marked
    /// deferred; disables and deletes over the threshold are marked staged; and the notices say what
    /// `--apply` would do about them, and about a quarantine or a run in progress.
    /// - Parameter state: the run state, or `nil` when the store does not exist yet.
    /// - Throws: `SafetyError.emptySnapshot` or `.snapshotShrank`.
    public static func preview(
        _ plan: Plan, state: RunState?, snapshotUsers: Int, settings: SafetySettings, allowDeletions: Bool,
        allowShrink: Bool, now: Date = Date()
    ) throws -> (plan: Plan, notices: [String]) {
        let database = state?.database
        try PartialExportGuard.check(
            snapshotUsers: snapshotUsers, last: try database.flatMap(RunHistory.lastSuccessful),
            limitPercent: settings.snapshotShrinkLimitPercent, allowShrink: allowShrink)
        guard let state, let database else { return (plan, []) }
        var notices: [String] = []
        var annotated = plan
        let stamp = Timestamp.format(now)
        let entries = Dictionary(try Escrow(database: database).entries().map { ($0.key, $0) }) { first, _ in first }
        annotated.hold(escrowed: entries, at: stamp)
        if let quarantine = try Quarantine(database: database).current() {
            notices.append("the job is quarantined since \(quarantine.since) (\(quarantine.reason.rawValue): \(quarantine.detail)); "
                + "to leave quarantine: \(quarantine.advice)")
        }
        let managed = try state.managedUserCount()
        let verdict = DeletionGuard.evaluate(annotated, managedUsers: managed, settings: settings)
        if verdict.exceeded && !allowDeletions {
            annotated = DeletionGuard.staging(annotated)
            notices.append("\(DeletionGuard.phrase(verdict.planned)) planned, more than \(verdict.limitDescription): --apply "
                + "would apply nothing and quarantine the job; if they are intended, apply them with --apply --allow-deletions")
        }
        if let holder = try RunLock(state: state).holder(), holder.process.isRunning() != false {
            notices.append("run \(holder.runID) (reconcile \(holder.command)) is in progress since \(holder.since) "
                + "(process \(holder.pid) on host \(holder.host)); this plan may be out of date when it finishes")
        }
        return (annotated, notices)
    }
}
