import Foundation

/// The Applying stage: runs a plan's actions against a target, recording links, the run and a
/// provisioning log row per action in the run state.
///
/// Actions run in batches, each batch one state transaction. For the embedded store the users live
/// in the same file, so a crash or kill leaves the store as before or after each batch, never in
/// between; for a live endpoint a lost batch only loses links, which the next run re-makes by
/// matching (externalId first), never by creating twice. Within a batch every action has its own
/// savepoint: one failing action is logged and undone without undoing the others.
public struct Applier {
    public let target: any ProvisioningTarget
    let state: RunState

    public init(target: any ProvisioningTarget, state: RunState) {
        self.target = target
        self.state = state
    }

    /// The order actions are applied in: free userNames and seats before taking new ones.
    static let order: [PlanAction.Kind] = [.delete, .disable, .update, .link, .create, .skip]

    /// Applies `plan`. With `checkFingerprint`, a plan made against another state of the target is
    /// refused inside the first transaction (under the write lock), before anything is written.
    /// - Throws: `ApplyError.stalePlan` (nothing applied), `ApplyError.interrupted` (earlier
    ///   batches stay applied), or the error that stopped the run.
    public func apply(
        _ plan: Plan, mode: String, checkFingerprint: Bool, now: () -> String = Timestamp.now
    ) throws -> ApplyResult {
        let actions = plan.actions.sorted { Self.order.firstIndex(of: $0.kind)! < Self.order.firstIndex(of: $1.kind)! }
        // What the committed batches did; the batch in flight works on a copy.
        var committed: ApplyResult?
        var start = 0
        do {
            repeat {
                let batch = actions[start..<min(start + target.batchSize, actions.count)]
                var working = committed
                try state.database.inTransaction {
                    if working == nil {
                        if checkFingerprint {
                            let current = try target.fingerprint()
                            guard current == plan.target.fingerprint else {
                                throw ApplyError.stalePlan(planned: plan.target.fingerprint, current: current)
                            }
                        }
                        working = ApplyResult(runID: try state.beginRun(mode: mode, snapshotSHA256: plan.snapshot.sha256, at: now()))
                    }
                    try applyBatch(batch, into: &working!, at: now())
                }
                committed = working
                start += target.batchSize
            } while start < actions.count
        } catch let error as ApplyError {
            throw error
        } catch {
            // The failed batch rolled back, with the run record too if it was the first batch.
            try? state.database.inTransaction {
                let runID = try committed?.runID ?? state.beginRun(mode: mode, snapshotSHA256: plan.snapshot.sha256, at: now())
                try state.finishRun(runID, outcome: "failed", counts: committed?.applied ?? [:], failed: 0, at: now())
            }
            throw ApplyError.interrupted(applied: committed?.appliedChanges ?? 0, reason: "\(error)")
        }
        var finished = committed!
        try state.database.inTransaction {
            try state.finishRun(finished.runID, outcome: finished.outcome, counts: finished.applied, failed: finished.failures.count, at: now())
        }
        finished.fingerprint = try? target.fingerprint()
        return finished
    }

    private func applyBatch(_ batch: ArraySlice<PlanAction>, into result: inout ApplyResult, at time: String) throws {
        for action in batch {
            let began = DispatchTime.now().uptimeNanoseconds
            try state.database.execute("SAVEPOINT action")
            do {
                var targetID: String?
                if action.kind != .skip {
                    let id = try target.apply(action, at: time)
                    targetID = id
                    switch action.kind {
                    case .delete: try state.unlink(targetID: id)
                    default:
                        if let sourceID = action.sourceId { try state.link(sourceID: sourceID, targetID: id, runID: result.runID, at: time) }
                    }
                }
                try state.database.execute("RELEASE action")
                try state.log(.init(action: action, targetID: targetID, status: action.kind == .skip ? "skipped" : "success", began: began),
                              runID: result.runID, at: time)
                result.applied[action.kind, default: 0] += 1
            } catch let failure as ActionFailure {
                try state.database.execute("ROLLBACK TO action")
                try state.database.execute("RELEASE action")
                var entry = RunState.LogEntry(action: action, targetID: action.targetId, status: "failure", began: began)
                entry.errorCode = failure.code
                entry.reason = failure.message
                try state.log(entry, runID: result.runID, at: time)
                result.failures.append(.init(action: action, message: failure.message))
            }
        }
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
