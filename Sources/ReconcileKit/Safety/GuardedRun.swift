import Foundation

/// The Guard stage (DESIGN §1, step 7) wrapped around Applying: everything that makes an unattended
/// run safe, in this order:
///
/// 1. a reviewed plan that no longer fits the target is refused before anything is written;
/// 2. the run lock is taken and the run recorded (`RunLock`): one run at a time, a dead holder's
///    lock taken over;
/// 3. escrow gives up on failures older than 28 days;
/// 4. the target's connection is probed: a failure quarantines the job; a quarantine for a target
///    reason ends when the probe passes; `--recover` clears quarantine and escrow here;
/// 5. the partial-export guard checks the snapshot's size against the last successful run;
/// 6. the plan is made under the lock; escrowed failures not due yet are held (deferred);
/// 7. the deletion threshold counts the disables and deletes: over it, they are staged, the job is
///    quarantined and nothing is applied;
/// 8. quarantined for too many failures, the due escrowed failures are retried first, and the rest
///    is applied only if one of them succeeds;
/// 9. the plan is applied (`Applier`); failures go to escrow, successes leave it, and too large a
///    share of failures quarantines the job;
/// 10. held and unchanged users are logged, the run finished, old log records pruned, the lock released.
///
/// Refusals throw `SafetyError` (or `ApplyError`), always after recording the run's outcome.
public struct GuardedRun {
    /// Which command is running.
    public enum Mode: String, Sendable {
        case apply
        case applyPlan = "apply-plan"
        case recover
        /// `reconcile explain USER --apply`: a plan filtered to one user's actions. Refused while the
        /// job is quarantined (one user must not end a quarantine the whole plan is in), and other
        /// users' escrowed failures are left for the next full run.
        case explain
    }

    /// The admin's overrides.
    public struct Options: Sendable {
        /// The command, recorded as the run's mode.
        public var mode: Mode
        /// Apply disables and deletes over the deletion threshold (after review).
        public var allowDeletions = false
        /// Accept a snapshot the partial-export guard would refuse.
        public var allowShrink = false
        /// Take the lock even from a run that cannot be checked (another host).
        public var breakLock = false

        /// Overrides for one run; all off by default.
        public init(mode: Mode, allowDeletions: Bool = false, allowShrink: Bool = false, breakLock: Bool = false) {
            self.mode = mode
            self.allowDeletions = allowDeletions
            self.allowShrink = allowShrink
            self.breakLock = breakLock
        }
    }

    /// What to apply.
    public enum Input {
        /// A snapshot of `users` users: `plan` is called under the lock and returns the plan and the
        /// target state it was made against.
        case snapshot(users: Int, sha256: String, plan: () throws -> (Plan, Planner.TargetState))
        /// A reviewed plan file, applied only to the target state it was made against.
        case reviewed(Plan)
    }

    /// How a run that got to apply ended.
    public struct Outcome: Sendable {
        /// The run recorded for this invocation.
        public var runID: Int64
        /// The plan as shown, with held actions marked.
        public var plan: Plan
        /// What was applied (a quarantine trial and the main apply together).
        public var result: ApplyResult
        /// The quarantine this run entered (too many failures), if any.
        public var enteredQuarantine: QuarantineState?
        /// Escrowed failures this run gave up on.
        public var givenUp: [EscrowEntry]
    }

    /// Where the plan is applied.
    public let target: any ProvisioningTarget
    /// The target's run state: the embedded store's own, or a live endpoint's state file.
    let state: RunState
    /// The limits in force (configuration file, then flags).
    public let settings: SafetySettings
    /// The admin's overrides for this run.
    public let options: Options
    let schedule: RetrySchedule
    let clock: () -> Date
    let notice: (String) -> Void
    /// Shows the applying stage (`Applier`).
    let progress: ProgressReporter?

    /// - Parameters:
    ///   - clock: the time of the run's records and of escrow decisions (injected by tests).
    ///   - notice: receives one line for stderr per thing the operator should know.
    ///   - progress: shows the applying stage on stderr.
    public init(
        target: any ProvisioningTarget, state: RunState, settings: SafetySettings, options: Options,
        schedule: RetrySchedule = RetrySchedule(), clock: @escaping () -> Date = Date.init,
        notice: @escaping (String) -> Void = { _ in }, progress: ProgressReporter? = nil
    ) {
        self.target = target
        self.state = state
        self.settings = settings
        self.options = options
        self.schedule = schedule
        self.clock = clock
        self.notice = notice
        self.progress = progress
    }

    var database: Database { state.database }
    func stamp() -> String { Timestamp.format(clock()) }

    /// Runs the guarded cycle. `show` receives the plan, held actions marked, before anything is
    /// applied; an error it throws (writing `--out`) stops the run there.
    /// - Throws: `SafetyError` when a guard stopped the run, `ApplyError` when applying did.
    public func run(_ input: Input, show: (Plan) throws -> Void) throws -> Outcome {
        var snapshotUsers: Int?
        var sha256: String?
        switch input {
        case let .snapshot(users, sha, _):
            (snapshotUsers, sha256) = (users, sha)
        case .reviewed(let plan):
            (snapshotUsers, sha256) = (plan.snapshot.users, plan.snapshot.sha256)
            let current = try target.fingerprint()
            guard current == plan.target.fingerprint else {
                throw ApplyError.stalePlan(planned: plan.target.fingerprint, current: current)
            }
        }
        let lock = RunLock(state: state)
        let acquired = try lock.acquire(
            store: target.location, mode: options.mode.rawValue, snapshotSHA256: sha256, snapshotUsers: snapshotUsers,
            breakLock: options.breakLock, at: stamp())
        let runID = acquired.runID
        var session = Session(runID: runID)
        if let old = acquired.tookOver {
            session.event("took over the lock of run \(old.runID) (process \(old.pid) on host \(old.host), since \(old.since)), "
                + (options.breakLock ? "as --break-lock asked" : "whose process is no longer running"), notice)
        }
        for id in acquired.interrupted where id != acquired.tookOver?.runID {
            session.event("run \(id) never finished (killed or crashed); it is marked interrupted", notice)
        }
        defer {
            try? database.inTransaction { try prune() }
            try? lock.release(runID: runID)
        }
        do {
            return try runLocked(input, session: &session, show: show)
        } catch {
            // Every way out records how the run ended.
            try? database.inTransaction {
                if try RunHistory.run(database, id: runID)?.outcome == nil {
                    try RunHistory.end(database, runID: runID, outcome: "failed", message: session.message(with: "\(error)") ?? "", at: stamp())
                }
            }
            throw error
        }
    }

    // MARK: - The locked part

    private func runLocked(_ input: Input, session: inout Session, show: (Plan) throws -> Void) throws -> Outcome {
        let quarantine = Quarantine(database: database)
        let escrow = Escrow(database: database, schedule: schedule)
        let runID = session.runID

        let givenUp = try database.inTransaction { try escrow.giveUpExpired(now: clock()) }
        if !givenUp.isEmpty { try logGivenUp(givenUp, session: &session) }

        // Steps 4-5: the target, quarantine and the partial-export guard.
        var inForce = try checkTarget(quarantine: quarantine, escrow: escrow, session: &session)
        if options.mode == .explain, let current = inForce {
            try refuse(outcome: "quarantined", SafetyError.quarantined(
                current, why: "reconcile explain --apply changes one user only while the job is not quarantined"), session: session)
        }
        if case .snapshot(let users, _, _) = input {
            do {
                try PartialExportGuard.check(
                    snapshotUsers: users, last: try RunHistory.lastSuccessful(database),
                    limitPercent: settings.snapshotShrinkLimitPercent, allowShrink: options.allowShrink)
            } catch {
                try refuse(outcome: "refused", error, session: session)
            }
        }

        // Step 6: the plan, with escrowed failures that are not due held.
        // The plan's actions are held once: a first load plans a million creates. They are copied
        // only when some action is held.
        var plan: Plan
        let madeTarget: Planner.TargetState?
        switch input {
        case .snapshot(_, _, let makePlan):
            (plan, madeTarget) = try makePlan()
        case .reviewed(let reviewed):
            (plan, madeTarget) = (reviewed, nil)
        }
        let entries = Dictionary(try escrow.entries().map { ($0.key, $0) }) { first, _ in first }
        plan.hold(escrowed: entries, at: stamp())

        // Step 7: the deletion threshold.
        let managed = try state.managedUserCount()
        let verdict = DeletionGuard.evaluate(plan, managedUsers: managed, settings: settings)
        if verdict.exceeded && !options.allowDeletions {
            plan = DeletionGuard.staging(plan)
            try show(plan)
            try hold(plan, verdict: verdict, alreadyQuarantined: inForce?.reason == .deletionThreshold, quarantine: quarantine, session: session)
        }
        if let current = inForce, current.reason == .deletionThreshold {
            try database.inTransaction { try quarantine.leave() }
            let why = options.allowDeletions ? "allowed by --allow-deletions" : "within \(verdict.limitDescription)"
            session.event("left quarantine (deletionThreshold since \(current.since)): \(DeletionGuard.phrase(verdict.planned)) planned, \(why)", notice)
            inForce = nil
        }
        try show(plan)

        // Step 8: quarantined for failures, the due escrowed failures go first.
        let applier = Applier(target: target, state: state, progress: progress)
        var result = ApplyResult(runID: runID)
        var remaining = plan.applicable
        var tried = false
        if let current = inForce, current.reason == .tooManyFailures {
            let due = remaining.actions.filter { $0.kind != .skip && entries[Escrow.key(for: $0)] != nil }
            let pending = entries.values.filter { $0.givenUp == nil }
            var checked = current
            checked.lastChecked = stamp()
            if due.isEmpty && !pending.isEmpty {
                let next = pending.map(\.nextRetry).min()!
                try database.inTransaction { try quarantine.checked(at: checked.lastChecked!) }
                try refuse(outcome: "quarantined",
                           SafetyError.quarantined(checked, why: "no escrowed failure is due for a retry before \(next)"), session: session)
            }
            if !due.isEmpty {
                session.event("quarantined (tooManyFailures): retrying the \(due.count) escrowed failure\(due.count == 1 ? "" : "s") that are due before anything else", notice)
                var trial = remaining
                trial.actions = due
                let retried: ApplyResult
                do {
                    retried = try applier.apply(trial, mode: options.mode.rawValue, checkFingerprint: false, runID: runID, now: stamp)
                } catch let error as ApplyError {
                    try afterStop(error, session: &session, quarantine: quarantine)
                    throw error
                }
                result.merge(retried)
                tried = true
                try database.inTransaction { try updateEscrow(escrow, attempted: due, result: retried, escrowed: Set(entries.keys)) }
                guard retried.appliedChanges > 0 else {
                    let error = SafetyError.quarantined(checked, why: "all \(due.count) escrowed failures retried in run \(runID) failed again")
                    try database.inTransaction {
                        try quarantine.checked(at: checked.lastChecked!)
                        try state.finishRun(runID, outcome: "quarantined", counts: result.applied, failed: result.failures.count, at: stamp())
                        try RunHistory.annotate(database, runID: runID, staged: 0, deferred: plan.deferredCount, noChange: plan.noChange,
                                                message: session.message(with: error.description))
                    }
                    throw error
                }
                let dueKeys = Set(due.map(Escrow.key(for:)))
                remaining.actions.removeAll { dueKeys.contains(Escrow.key(for: $0)) }
                session.event("left quarantine (tooManyFailures since \(current.since)): \(retried.appliedChanges) of \(due.count) escrowed failures succeeded on retry", notice)
            } else {
                session.event("left quarantine (tooManyFailures since \(current.since)): no escrowed failures are left", notice)
            }
            try database.inTransaction { try quarantine.leave() }
            inForce = nil
        }

        // Step 9: apply.
        let applied: ApplyResult
        do {
            let isReviewed: Bool
            if case .reviewed = input { isReviewed = true } else { isReviewed = false }
            applied = try applier.apply(remaining, mode: options.mode.rawValue, checkFingerprint: isReviewed && !tried, runID: runID, now: stamp)
        } catch let error as ApplyError {
            try afterStop(error, session: &session, quarantine: quarantine)
            throw error
        }
        result.merge(applied)

        // Step 10: escrow, the failure share, the log of held and unchanged users, the run's record.
        var entered: QuarantineState?
        try database.inTransaction {
            try updateEscrow(escrow, attempted: remaining.actions, result: applied, escrowed: Set(entries.keys))
            if options.mode != .explain && !entries.isEmpty {
                let inPlan = Set(plan.actions.map(Escrow.key(for:)))
                try escrow.resolve(entries.keys.filter { !inPlan.contains($0) })
            }
            let attemptedCount = result.appliedChanges + result.failures.count
            let failed = result.failures.count
            if failed >= settings.failureQuarantineMinimum && failed * 100 > settings.failureQuarantinePercent * attemptedCount {
                let detail = "\(failed) of \(attemptedCount) actions failed in run \(runID), more than \(settings.failureQuarantinePercent)%"
                entered = try quarantine.enter(.tooManyFailures, detail: detail, runID: runID, at: stamp())
                session.event("entered quarantine (tooManyFailures): \(detail); \(entered!.advice)", notice)
            }
            try logHeld(plan, runID: runID)
            if settings.logUnchanged, let target = madeTarget {
                try logUnchanged(unchangedUsers(plan: plan, target: target), runID: runID)
            }
            try state.finishRun(runID, outcome: result.outcome, counts: result.applied, failed: result.failures.count, at: stamp())
            try RunHistory.annotate(database, runID: runID, staged: 0, deferred: plan.deferredCount,
                                    noChange: plan.noChange, message: session.message(with: nil))
        }
        return Outcome(runID: runID, plan: plan, result: result, enteredQuarantine: entered, givenUp: givenUp)
    }
}

/// What one run has to say about itself, for stderr and for its record.
struct Session {
    let runID: Int64
    private(set) var events: [String] = []

    init(runID: Int64) {
        self.runID = runID
    }

    mutating func event(_ text: String, _ notice: (String) -> Void) {
        events.append(text)
        notice(text)
    }

    /// The run's message: its events, then how it ended.
    func message(with ending: String?) -> String? {
        let parts = events + (ending.map { [$0] } ?? [])
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension ApplyResult {
    /// Adds what another apply of the same run did.
    mutating func merge(_ other: ApplyResult) {
        for (kind, count) in other.applied { applied[kind, default: 0] += count }
        failures += other.failures
        warnings += other.warnings
        fingerprint = other.fingerprint ?? fingerprint
    }
}
