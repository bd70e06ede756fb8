import Foundation

/// The steps of `GuardedRun` that read or write the run state: the target check, refusals, escrow
/// updates and the provisioning log records of held and unchanged users.
extension GuardedRun {
    // MARK: - Target and quarantine

    /// Probes the target and settles the quarantine: a failed probe quarantines the job and stops the
    /// run; `--recover` leaves quarantine and clears escrow; a quarantine for a target reason ends
    /// once the probe passes. Returns the quarantine still in force.
    func checkTarget(quarantine: Quarantine, escrow: Escrow, session: inout Session) throws -> QuarantineState? {
        let current = try quarantine.current()
        var failure: TargetUnavailable?
        do {
            try target.probe()
        } catch {
            failure = TargetUnavailable.from(error)
        }
        if let failure {
            let reason = QuarantineState.Reason(failure.kind)
            let entered = try database.inTransaction {
                try quarantine.enter(reason, detail: failure.message, runID: session.runID, at: stamp())
            }
            let error: SafetyError = current?.reason == reason
                ? .quarantined(entered, why: "the target still fails its connection check")
                : .targetUnavailable(failure, quarantine: entered)
            try refuse(outcome: "quarantined", error, session: session)
        }
        if options.mode == .recover {
            let cleared = try database.inTransaction { () throws -> Int in
                try quarantine.leave()
                return try escrow.clear()
            }
            if let current {
                session.event("--recover: left quarantine (\(current.reason.rawValue) since \(current.since))", notice)
            }
            if cleared > 0 {
                session.event("--recover: cleared \(cleared) escrowed failure\(cleared == 1 ? "" : "s"); this run tries \(cleared == 1 ? "it" : "them") again", notice)
            }
            return nil
        }
        if let current, current.reason.isTargetReason {
            try database.inTransaction { try quarantine.leave() }
            session.event("left quarantine (\(current.reason.rawValue) since \(current.since)): the target passes its connection check again", notice)
            return nil
        }
        return current
    }

    /// Ends the run with `outcome` and `error` as its message, and throws `error`.
    func refuse(outcome: String, _ error: any Error, session: Session) throws -> Never {
        try database.inTransaction {
            try RunHistory.end(database, runID: session.runID, outcome: outcome, message: session.message(with: "\(error)") ?? "", at: stamp())
        }
        throw error
    }

    /// The deletion threshold tripped: logs the staged (and deferred) actions, quarantines the job,
    /// ends the run as `held` having applied nothing, and throws.
    func hold(
        _ plan: Plan, verdict: DeletionGuard.Verdict, alreadyQuarantined: Bool, quarantine: Quarantine, session: Session
    ) throws -> Never {
        let runID = session.runID
        let detail = "\(DeletionGuard.phrase(verdict.planned)) planned in run \(runID), more than \(verdict.limitDescription)"
        let error = SafetyError.deletionThresholdExceeded(verdict, runID: runID, alreadyQuarantined: alreadyQuarantined)
        try database.inTransaction {
            try logHeld(plan, runID: runID)
            try quarantine.enter(.deletionThreshold, detail: detail, runID: runID, at: stamp())
            try RunHistory.end(
                database, runID: runID, outcome: alreadyQuarantined ? "quarantined" : "held",
                message: session.message(with: error.description) ?? "", staged: plan.stagedCount, at: stamp())
            try database.prepare("UPDATE runs SET deferred = ?, no_change = ? WHERE id = ?")
                .run(.integer(Int64(plan.deferredCount)), .integer(Int64(plan.noChange)), .integer(runID))
        }
        throw error
    }

    /// After the Applier stopped: a stale plan ends the run as `stale`; an interrupted run whose
    /// target no longer answers quarantines the job.
    func afterStop(_ error: ApplyError, session: inout Session, quarantine: Quarantine) throws {
        switch error {
        case .stalePlan:
            try refuse(outcome: "stale", error, session: session)
        case .interrupted:
            do {
                try target.probe()
            } catch {
                let failure = TargetUnavailable.from(error)
                let entered = try database.inTransaction {
                    try quarantine.enter(.init(failure.kind), detail: failure.message, runID: session.runID, at: stamp())
                }
                session.event("entered quarantine (\(entered.reason.rawValue)): \(failure.message); \(entered.advice)", notice)
            }
            try database.inTransaction {
                try database.prepare("UPDATE runs SET message = ? WHERE id = ?")
                    .run(SQLValue(session.message(with: error.description)), .integer(session.runID))
            }
        case .wrongTarget:
            break
        }
    }

    // MARK: - Escrow

    /// Records this apply's failures in escrow and clears the entries (of `escrowed`, the keys in
    /// escrow before the run) of the actions that succeeded; skips among `attempted` were not tried.
    func updateEscrow(_ escrow: Escrow, attempted: [PlanAction], result: ApplyResult, escrowed: Set<String>) throws {
        var failed: [String: ApplyResult.Failure] = [:]
        for failure in result.failures { failed[Escrow.key(for: failure.action)] = failure }
        let time = clock()
        for (key, failure) in failed.sorted(by: { $0.key < $1.key }) {
            try escrow.recordFailure(
                key: key, sourceID: failure.action.sourceId, targetID: failure.action.targetId,
                userName: failure.action.userName, action: failure.action.kind.rawValue, errorCode: failure.code,
                error: failure.message, runID: result.runID, at: time)
        }
        guard !escrowed.isEmpty else { return }
        try escrow.resolve(attempted.lazy.filter { $0.kind != .skip }.map(Escrow.key(for:)).filter { escrowed.contains($0) && failed[$0] == nil })
    }

    /// Logs the escrowed failures given up on, one record each, and says so.
    func logGivenUp(_ entries: [EscrowEntry], session: inout Session) throws {
        try database.inTransaction {
            for entry in entries {
                var record = RunState.LogEntry(
                    action: entry.action, status: "failure", sourceID: entry.sourceID, targetID: entry.targetID, userName: entry.userName)
                record.errorCode = "escrowExpired"
                record.reason = "gave up after \(entry.attempts) failed attempts since \(entry.firstFailed) "
                    + "(last error: \(entry.errorCode.map { "\($0): " } ?? "")\(entry.error)); 'reconcile --recover' tries again"
                try state.log(record, runID: session.runID, at: stamp())
            }
        }
        for entry in entries.prefix(5) {
            session.event("gave up retrying \(entry.action) \(entry.userName) after \(entry.attempts) failed attempts since "
                + "\(entry.firstFailed); it is held until 'reconcile --recover'", notice)
        }
        if entries.count > 5 {
            session.event("gave up retrying \(entries.count - 5) more escrowed failures ('reconcile status' lists them)", notice)
        }
    }

    // MARK: - Log records of what was not applied

    /// One record per held action: `staged` for the deletion threshold, the action's own name with
    /// status `skipped` for escrow.
    func logHeld(_ plan: Plan, runID: Int64) throws {
        let time = stamp()
        for action in plan.actions {
            guard let hold = action.hold else { continue }
            var record = RunState.LogEntry(
                action: hold == .staged ? "staged" : action.kind.rawValue, status: "skipped", sourceID: action.sourceId,
                targetID: action.targetId, userName: action.userName, changes: action.changes)
            switch hold {
            case .staged:
                record.errorCode = "deletionThreshold"
                record.reason = "\(action.kind.rawValue) (\(action.reason?.rawValue ?? "planned")) held by the deletion threshold; "
                    + "--allow-deletions applies it after review"
            case .deferred:
                record.errorCode = "escrowDeferred"
                record.reason = hold.label
            case .givenUp:
                record.errorCode = "escrowGivenUp"
                record.reason = hold.label
            }
            try state.log(record, runID: runID, at: time)
        }
    }

    /// Managed users the plan leaves as they are: linked, their target user present, no action.
    func unchangedUsers(plan: Plan, target: Planner.TargetState) -> [RunState.LogEntry] {
        let actedOnSources = Set(plan.actions.compactMap(\.sourceId))
        let actedOnTargets = Set(plan.actions.compactMap(\.targetId))
        var userNames: [String: String] = [:]
        for user in target.users { userNames[user.id] = user.userName }
        return target.links.sorted { $0.key < $1.key }.compactMap { source, targetID in
            guard !actedOnSources.contains(source), !actedOnTargets.contains(targetID), let userName = userNames[targetID] else {
                return nil
            }
            return RunState.LogEntry(action: "noChange", status: "skipped", sourceID: source, targetID: targetID, userName: userName)
        }
    }

    func logUnchanged(_ entries: [RunState.LogEntry], runID: Int64) throws {
        let time = stamp()
        for entry in entries { try state.log(entry, runID: runID, at: time) }
    }

    /// Deletes provisioning log records older than the retention period.
    func prune() throws {
        let cutoff = Timestamp.format(clock().addingTimeInterval(-Double(settings.logRetentionDays) * 86400))
        try database.prepare("DELETE FROM provisioning_log WHERE time < ?").run(.text(cutoff))
    }
}
