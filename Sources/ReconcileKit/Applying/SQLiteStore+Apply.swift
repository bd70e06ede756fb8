import Foundation

/// The Applying stage for the embedded store: runs a plan's actions in batched transactions.
///
/// Each batch commits users, links and provisioning log rows together, so a crash or kill leaves
/// the store as it was before or after each batch, never in between; the next run re-plans from
/// there and converges. Within a batch every action has its own savepoint: one failing action is
/// logged and rolled back without undoing the others.
extension SQLiteStore {
    /// Actions per transaction: large enough to amortise commits, small enough to bound lost work.
    static let batchSize = 2_000

    /// Applies `plan`; with `checkFingerprint`, refuses a plan made against another state of the store.
    /// - Throws: `ApplyError.stalePlan` (nothing applied) or `StoreError`.
    public func apply(
        _ plan: Plan, mode: String, checkFingerprint: Bool, now: () -> String = Timestamp.now
    ) throws -> ApplyResult {
        if checkFingerprint {
            let current = try fingerprint()
            guard current == plan.target.fingerprint else {
                throw ApplyError.stalePlan(planned: plan.target.fingerprint, current: current)
            }
        }
        let state = try RunState(database: database)
        let runID = try state.beginRun(mode: mode, snapshotSHA256: plan.snapshot.sha256, at: now())
        var result = ApplyResult(runID: runID)
        let writer = try UserWriter(database: database)

        // Free userNames and seats before taking new ones: deletes and disables, then updates, then creates.
        let order: [PlanAction.Kind] = [.delete, .disable, .update, .link, .create, .skip]
        let actions = plan.actions.sorted { order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)! }
        var start = 0
        while start < actions.count {
            let batch = actions[start..<min(start + Self.batchSize, actions.count)]
            try database.inTransaction {
                let time = now()
                for action in batch {
                    let began = DispatchTime.now().uptimeNanoseconds
                    try database.execute("SAVEPOINT action")
                    do {
                        let targetID = try writer.apply(action, state: state, runID: runID, at: time)
                        try database.execute("RELEASE action")
                        let entry = RunState.LogEntry(action: action, targetID: targetID, status: action.kind == .skip ? "skipped" : "success",
                                                      began: began)
                        try state.log(entry, runID: runID, at: time)
                        result.applied[action.kind, default: 0] += 1
                    } catch let failure as UserWriter.Failure {
                        try database.execute("ROLLBACK TO action; RELEASE action")
                        var entry = RunState.LogEntry(action: action, targetID: action.targetId, status: "failure", began: began)
                        entry.errorCode = failure.code
                        entry.reason = failure.message
                        try state.log(entry, runID: runID, at: time)
                        result.failures.append(.init(action: action, message: failure.message))
                    }
                }
            }
            start += Self.batchSize
        }
        try state.finishRun(runID, outcome: result.outcome, counts: result.applied, failed: result.failures.count, at: now())
        return result
    }
}

extension RunState.LogEntry {
    init(action: PlanAction, targetID: String?, status: String, began: UInt64) {
        self.init(
            action: action.kind.rawValue, status: status, sourceID: action.sourceId, targetID: targetID,
            userName: action.userName, changes: action.changes, reason: action.detail ?? action.reason?.rawValue,
            durationMS: Double(DispatchTime.now().uptimeNanoseconds - began) / 1_000_000
        )
    }
}
