/// Why a run was stopped by a safety check. Every message says what was seen and what to do; in
/// every case nothing was applied to the target.
///
/// Exit codes (DESIGN §3): `deletionThresholdExceeded` 3 (4 when the job was quarantined for it
/// already); `locked`, `quarantined` and `targetUnavailable` 4; the partial-export refusals 1.
public enum SafetyError: Error, CustomStringConvertible, Equatable {
    /// Another run holds the store's lock. `checkable` is false when it runs on another host.
    case locked(store: String, holder: LockHolder, checkable: Bool)
    /// The job is quarantined and the cause is still there (`why`).
    case quarantined(QuarantineState, why: String)
    /// The target failed its connection check; the job is now quarantined.
    case targetUnavailable(TargetUnavailable, quarantine: QuarantineState)
    /// More disables and deletes than the threshold: all of them staged, the job quarantined.
    case deletionThresholdExceeded(DeletionGuard.Verdict, runID: Int64, alreadyQuarantined: Bool)
    /// The snapshot holds no users.
    case emptySnapshot
    /// The snapshot lost more than the allowed share of the last successful run's users.
    case snapshotShrank(users: Int, last: PartialExportGuard.LastRun, limitPercent: Int)

    public var description: String {
        switch self {
        case let .locked(store, holder, checkable):
            let who = "run \(holder.runID) (reconcile \(holder.command)), process \(holder.pid) on host \(holder.host), since \(holder.since)"
            guard checkable else {
                return "\(store) is locked by \(who); this host cannot check whether that process is still running, so "
                    + "nothing was done. If no reconcile is running on \(holder.host), run again with --break-lock."
            }
            return "\(store) is in use by \(who); nothing was done. Only one run at a time: run again when it has finished "
                + "(a lock left by a killed run is taken over automatically)."
        case let .quarantined(state, why):
            return "the job is quarantined since \(state.since) (\(state.reason.rawValue): \(state.detail)); \(why), "
                + "so nothing was applied. To leave quarantine: \(state.advice)."
        case let .targetUnavailable(failure, state):
            return "the target failed its connection check: \(failure.message); nothing was applied and the job is "
                + "quarantined (\(state.reason.rawValue)). To leave quarantine: \(state.advice)."
        case let .deletionThresholdExceeded(verdict, runID, alreadyQuarantined):
            let planned = "\(DeletionGuard.phrase(verdict.planned)) planned, more than \(verdict.limitDescription)"
            let quarantine = alreadyQuarantined ? "the job stays quarantined" : "the job is quarantined"
            return "\(planned): nothing was applied and \(quarantine) (deletionThreshold). The held actions are marked "
                + "staged in the plan and logged in run \(runID) (reconcile logs --run \(runID) --action staged). "
                + "If they are intended, run again with --allow-deletions; if not, fix the cause "
                + "(a partial export, a scoping or mapping change) and run again."
        case .emptySnapshot:
            return "the snapshot holds no users: refused as a failed or partial export; nothing was planned or applied. "
                + "If the directory really has no users left, run again with --allow-shrink."
        case let .snapshotShrank(users, last, limitPercent):
            let lost = last.snapshotUsers - users
            let percent = (lost * 100) / max(last.snapshotUsers, 1)
            return "the snapshot holds \(users) users, \(lost) (\(percent)%) fewer than the \(last.snapshotUsers) of the last "
                + "successful run (run \(last.runID), \(last.finishedAt)), more than the \(limitPercent)% allowed "
                + "(safety.snapshotShrinkLimitPercent): refused as a likely partial export; nothing was planned or applied. "
                + "Check that the export is complete; if the directory really shrank, run again with --allow-shrink."
        }
    }
}
