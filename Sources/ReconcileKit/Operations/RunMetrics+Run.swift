import Foundation

/// Filling `RunMetrics` from what a run did: its plan, its apply, the error that stopped it, and the
/// run state it leaves behind.
///
/// Action series are written for every kind and status a run of that mode can have, zeros included,
/// so a series does not vanish on a night it has nothing to count (Prometheus "avoid missing metrics").
extension RunMetrics {
    /// The statuses an apply reports, the provisioning log's: applied, failed, staged by the deletion
    /// threshold (disables and deletes only), skipped (skips, and escrowed failures not due for a retry).
    static func applyKeys() -> [ActionKey] {
        var keys: [ActionKey] = []
        for kind in PlanAction.Kind.allCases {
            let name = kind.rawValue
            guard kind != .skip else {
                keys.append(ActionKey(action: name, status: "skipped"))
                continue
            }
            keys += ["success", "failure", "skipped"].map { ActionKey(action: name, status: $0) }
            if kind == .disable || kind == .delete { keys.append(ActionKey(action: name, status: "staged")) }
        }
        return keys
    }

    /// `--plan`: every action of `plan` as `planned`, by kind; the snapshot's users and those in scope.
    public mutating func countPlanned(_ plan: Plan) {
        for kind in PlanAction.Kind.allCases { actions[ActionKey(action: kind.rawValue, status: "planned")] = 0 }
        for action in plan.actions { actions[ActionKey(action: action.kind.rawValue, status: "planned"), default: 0] += 1 }
        noteSnapshot(plan)
    }

    /// An apply that ran: what was applied and what failed, by kind, and the actions it held.
    public mutating func countApplied(_ outcome: GuardedRun.Outcome) {
        countHeld(outcome.plan)
        for (kind, count) in outcome.result.applied {
            actions[ActionKey(action: kind.rawValue, status: kind == .skip ? "skipped" : "success"), default: 0] += count
        }
        for failure in outcome.result.failures {
            actions[ActionKey(action: failure.action.kind.rawValue, status: "failure"), default: 0] += 1
        }
    }

    /// An apply stopped after its plan was made (the deletion threshold, a quarantine): the actions
    /// it held, `staged` or `skipped`; nothing counts as applied.
    public mutating func countHeld(_ plan: Plan) {
        countNothingApplied()
        for action in plan.actions {
            guard let hold = action.hold else { continue }
            actions[ActionKey(action: action.kind.rawValue, status: hold == .staged ? "staged" : "skipped"), default: 0] += 1
        }
        noteSnapshot(plan)
    }

    /// An apply stopped before it applied anything (refused, locked, quarantined, a stale plan): every
    /// series an apply reports, at 0.
    public mutating func countNothingApplied() {
        for key in Self.applyKeys() where actions[key] == nil { actions[key] = 0 }
    }

    private mutating func noteSnapshot(_ plan: Plan) {
        usersInSnapshot = plan.snapshot.users
        usersInScope = plan.snapshot.inScope
    }

    /// Reads the managed users (links), the quarantine and the last successful run from `state`.
    /// Only whole-job runs count as successful (`apply`, `apply-plan`, `recover`), not one user's.
    public mutating func read(_ state: RunState) throws {
        let database = state.database
        managedUsers = try state.managedUserCount()
        quarantined = try Quarantine(database: database).current() != nil
        let finished = try database.scalarText("""
            SELECT finished_at FROM runs
            WHERE outcome = 'success' AND mode IN ('apply', 'apply-plan', 'recover') AND finished_at IS NOT NULL
            ORDER BY id DESC LIMIT 1
            """)
        lastSuccess = finished.flatMap(Timestamp.parse)?.timeIntervalSince1970
    }

    /// The state of a store or state file that does not exist yet: nothing managed, not quarantined.
    public mutating func noteNoState() {
        managedUsers = 0
        quarantined = false
    }

    /// The `outcome` label of a run stopped by `error`, after the words the runs table uses.
    public static func outcome(of error: any Error) -> String {
        switch error {
        case let safety as SafetyError:
            switch safety {
            case .deletionThresholdExceeded(_, _, let alreadyQuarantined): return alreadyQuarantined ? "quarantined" : "held"
            case .locked: return "locked"
            case .quarantined, .targetUnavailable: return "quarantined"
            case .emptySnapshot, .snapshotShrank: return "refused"
            }
        case ApplyError.stalePlan:
            return "stale"
        default:
            return "failed"
        }
    }
}
