import Foundation
import Synchronization

/// The Applying stage: runs a plan's actions against a target, recording links, the run and a
/// provisioning log row per action in the run state.
///
/// Actions run in batches, each batch one state transaction. For the embedded store the users live
/// in the same file, so a crash or kill leaves the store as before or after each batch, never in
/// between; for a live endpoint a lost batch only loses links, which the next run re-makes by
/// matching (externalId first), never by creating twice. Within a batch one failing action is logged
/// and undone without undoing the others: each action has its own savepoint, unless the target's
/// failed actions write nothing (`failedActionsWriteNothing`). A first load into an empty embedded
/// store is the exception to the batches: one transaction for the whole plan (`BulkLoad`).
public struct Applier {
    public let target: any ProvisioningTarget
    let state: RunState
    /// Shows the "applying" stage: the plan's actions, advanced as each batch commits.
    public var progress: ProgressReporter?

    public init(target: any ProvisioningTarget, state: RunState, progress: ProgressReporter? = nil) {
        self.target = target
        self.state = state
        self.progress = progress
    }

    /// Pages of write-ahead log at which a commit checkpoints it while applying (`PRAGMA wal_autocheckpoint`).
    static let checkpointPages = 65_536

    /// The fewest actions `tapered(_:downTo:)` leaves in the last batch of a run with a checkpointer.
    static let lastBatchFloor = 100

    /// The order actions are applied in: free userNames and seats before taking new ones.
    static let order: [PlanAction.Kind] = [.delete, .disable, .update, .link, .create, .skip]

    /// Applies `plan`. With `checkFingerprint`, a plan made against another state of the target is
    /// refused inside the first transaction (under the write lock), before anything is written.
    /// - Parameter runID: the run this apply belongs to, when it was recorded already (the run lock
    ///   records it); `nil` records a new run in the first transaction.
    /// - Throws: `ApplyError.stalePlan` (nothing applied), `ApplyError.interrupted` (earlier
    ///   batches stay applied), or the error that stopped the run.
    public func apply(
        _ plan: Plan, mode: String, checkFingerprint: Bool, runID: Int64? = nil, now: () -> String = Timestamp.now
    ) throws -> ApplyResult {
        var batches = Self.batchIndices(plan.actions, size: target.batchSize)
        progress?.begin(stage: "applying", total: plan.actions.count, unit: "actions")
        defer { progress?.finish() }
        // What the committed batches did; the batch in flight works on a copy.
        var committed: ApplyResult?
        // Source id -> target id of this run's creates, for references to them (`Applier+References.swift`).
        var created: [String: String] = [:]
        // Only the creates some action refers to are kept there: a million creates without a
        // manager among them keep none.
        let referenced = Set(plan.actions.lazy.flatMap { $0.references.lazy.map(\.sourceId) })
        var start = 0
        var stop: (any Error)?
        // Prepared once: for a target that needs them, a million actions each open and close a savepoint.
        let savepoints = try Savepoints(state.database)
        // Savepoints, and statements that may fail part-way (those with triggers), need a statement
        // journal; in memory, not a temporary file each.
        try state.database.execute("PRAGMA temp_store = MEMORY")
        // Each batch commits a few thousand pages to the write-ahead log, and at SQLite's default
        // (1,000 pages) each commit then copies them into the file and syncs both: five times for a
        // nightly 10,000 changes, which write the same index and log pages again each time. The log
        // may grow to 256 MB first; what is left is checkpointed when the store closes.
        try state.database.execute("PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
        // A first load into an empty store is one transaction that rebuilds the secondary indexes
        // once at the end (`BulkLoad`); otherwise each batch is a transaction of its own.
        let bulk = try target.isBulkLoad(creates: plan.actions.lazy.filter { $0.kind == .create }.count)
        // SQLite's default page cache is 2 MB: a first load of a million users would read and write
        // back index pages (random UUIDs, userName keys) for nearly every insert, so it gets 128 MB.
        // Other applies change users here and there, each page about once: 32 MB keeps the indexes'
        // upper levels, and a night's run holds no more memory than its plan did. Set for writing
        // only: reading the users for a plan scans them once and needs no cache.
        try state.database.execute("PRAGMA cache_size = \(bulk ? -131_072 : -32_768)")
        // Each batch's pages are copied from the write-ahead log into the file on the other core
        // while the next batch is written (`WALCheckpointer`), not all when the store closes. A bulk
        // load writes no log.
        let checkpointer = bulk ? nil : WALCheckpointer(for: state.database)
        defer { checkpointer?.finish() }
        // Applying returns once the checkpointer has copied what the last commit wrote: with the
        // last batch in halves, that is about a hundred actions' pages, not a full batch's (at a
        // million users, 0.15 to 0.2 s of copying and syncing while the writer waited).
        if checkpointer != nil { batches = Self.tapered(batches, downTo: Self.lastBatchFloor) }
        // Each batch is made on another core while the one before it is written, with its creates'
        // values mapped there: a first load's million creates are mapped again (`CreateMapping`)
        // beside writing, not before each write.
        let ahead = BatchesAhead(plan: plan, batches: batches)
        func applyBatches(eachInATransaction: Bool) throws {
            repeat {
                let batch = ahead.batch(start)
                var working = committed
                func body() throws {
                    if working == nil {
                        if checkFingerprint {
                            let current = try target.fingerprint()
                            guard current == plan.target.fingerprint else {
                                throw ApplyError.stalePlan(planned: plan.target.fingerprint, current: current)
                            }
                        }
                        working = ApplyResult(runID: try runID ?? state.beginRun(mode: mode, snapshotSHA256: plan.snapshot.sha256, at: now()))
                    }
                    stop = try applyBatch(batch, into: &working!, created: &created, referenced: referenced, savepoints: savepoints, at: now())
                }
                if eachInATransaction { try state.database.inTransaction(body) } else { try body() }
                checkpointer?.committed()
                committed = working
                progress?.advance(by: batch.count)
                // A batch applied at once may end with the run stopping: what it did is committed first.
                if let stop { throw stop }
                start += 1
            } while start < batches.count
        }
        do {
            if bulk {
                do {
                    try BulkLoad.withRollbackJournal(in: state.database) {
                        try state.database.inTransaction {
                            let indexes = try BulkLoad.dropIndexes(in: state.database)
                            try BulkLoad.withoutGenerationTriggers(in: state.database) { try applyBatches(eachInATransaction: false) }
                            try BulkLoad.recreate(indexes, in: state.database)
                        }
                    }
                } catch {
                    // The one transaction rolled back: nothing of the load is in the store.
                    committed = nil
                    throw error
                }
            } else {
                try applyBatches(eachInATransaction: true)
            }
        } catch let error as ApplyError {
            throw error
        } catch {
            // The failed batch rolled back, with the run record too if it was the first batch.
            try? state.database.inTransaction {
                let failedRun = try committed?.runID ?? runID ?? state.beginRun(mode: mode, snapshotSHA256: plan.snapshot.sha256, at: now())
                try state.finishRun(failedRun, outcome: "failed", counts: committed?.applied ?? [:], failed: 0, at: now())
            }
            throw ApplyError.interrupted(applied: committed?.appliedChanges ?? 0, reason: "\(error)")
        }
        var finished = committed!
        try state.database.inTransaction {
            try state.finishRun(finished.runID, outcome: finished.outcome, counts: finished.applied, failed: finished.failures.count, at: now())
        }
        // Only a cache for the next run's comparison: if it cannot be written, that run compares in full.
        try? target.refreshDigests(plan.digestRefresh)
        finished.fingerprint = try? target.fingerprint()
        return finished
    }

    /// Applies one batch inside the caller's transaction.
    /// - Returns: the error that stops the run, when the target applied the batch at once and it
    ///   stopped part-way: the actions it did apply are recorded first.
    private func applyBatch(
        _ batch: [PlanAction], into result: inout ApplyResult, created: inout [String: String],
        referenced: Set<String>, savepoints: Savepoints, at time: String
    ) throws -> (any Error)? {
        let batch = try resolvingReferences(batch, created: created, warnings: &result.warnings)
        let outcomes = try target.apply(batch: batch, at: time)
        var stop: (any Error)?
        for (position, action) in batch.enumerated() {
            let began = DispatchTime.now().uptimeNanoseconds
            if let outcomes, case .failure(let error) = outcomes[position], !(error is ActionFailure) {
                stop = stop ?? error
                continue
            }
            // A target whose failed actions write nothing needs no savepoint to undo them (a
            // million creates each skip opening one, and copying the pages they touch into it).
            let savepoint = !target.failedActionsWriteNothing
            if savepoint { try savepoints.begin.run() }
            do {
                var targetID: String?
                if action.kind != .skip {
                    let id = try outcomes?[position].get() ?? target.apply(action, at: time)
                    targetID = id
                    switch action.kind {
                    case .delete: try state.unlink(targetID: id)
                    case .create:
                        if let sourceID = action.sourceId {
                            try state.link(sourceID: sourceID, targetID: id, runID: result.runID, at: time)
                            if referenced.contains(sourceID) { created[sourceID] = id }
                        }
                    default:
                        if let sourceID = action.sourceId { try state.link(sourceID: sourceID, targetID: id, runID: result.runID, at: time) }
                    }
                }
                if savepoint { try savepoints.release.run() }
                try state.log(.init(action: action, targetID: targetID, status: action.kind == .skip ? "skipped" : "success", began: began),
                              runID: result.runID, at: time)
                result.applied[action.kind, default: 0] += 1
            } catch let failure as ActionFailure {
                if savepoint {
                    try savepoints.rollback.run()
                    try savepoints.release.run()
                }
                var entry = RunState.LogEntry(action: action, targetID: action.targetId, status: "failure", began: began)
                entry.errorCode = failure.code
                entry.reason = failure.message
                try state.log(entry, runID: result.runID, at: time)
                result.failures.append(.init(action: action, message: failure.message, code: failure.code))
            }
        }
        return stop
    }
}

/// A plan's batches, each made (its actions, with the values of planned creates mapped) on another
/// core while the caller works on the batch before it.
private final class BatchesAhead: Sendable {
    private let plan: Plan
    private let batches: [ArraySlice<Int>]
    /// The batch being made ahead: its index, how to wait for it, and the batch once made.
    private let ahead = Mutex<(index: Int, group: DispatchGroup, batch: [PlanAction]?)?>(nil)

    init(plan: Plan, batches: [ArraySlice<Int>]) {
        self.plan = plan
        self.batches = batches
    }

    /// Batch `index`, made now unless it was made ahead; starts making the one after it.
    func batch(_ index: Int) -> [PlanAction] {
        var batch: [PlanAction]?
        if let group = ahead.withLock({ $0?.index == index ? $0?.group : nil }) {
            group.wait()
            batch = ahead.withLock { $0?.batch }
        }
        if index + 1 < batches.count {
            let group = DispatchGroup()
            ahead.withLock { $0 = (index + 1, group, nil) }
            DispatchQueue.global().async(group: group) { [self] in
                let next = make(index + 1)
                ahead.withLock { if $0?.index == index + 1 { $0?.batch = next } }
            }
        } else {
            ahead.withLock { $0 = nil }
        }
        return batch ?? make(index)
    }

    private func make(_ index: Int) -> [PlanAction] {
        batches[index].map { position in
            var action = plan.actions[position]
            action.createResource = action.createResource?.materialized()
            return action
        }
    }
}

/// The statements that give each action its own savepoint within a batch.
struct Savepoints {
    let begin: Statement
    let release: Statement
    let rollback: Statement

    init(_ database: Database) throws(StoreError) {
        begin = try database.prepare("SAVEPOINT action")
        release = try database.prepare("RELEASE action")
        rollback = try database.prepare("ROLLBACK TO action")
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
