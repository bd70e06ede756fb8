extension PlanAction {
    /// Why a planned action is not applied in this run. Held actions stay in the plan, marked, so the
    /// plan a reviewer reads is the whole truth; the provisioning log records each one.
    public enum Hold: Sendable, Equatable {
        /// A disable or delete held by the deletion threshold until an admin allows it
        /// (`--allow-deletions`); the provisioning log's action is `staged` (Entra's `StagedDelete`).
        case staged
        /// A failed action in escrow that is not due for a retry before `nextRetry`.
        case deferred(nextRetry: String, attempts: Int, lastError: String)
        /// A failed action escrow stopped retrying after 28 days; only `--recover` tries it again.
        case givenUp(at: String, attempts: Int, lastError: String)

        /// The short mark after the user's name in the text plan.
        var label: String {
            switch self {
            case .staged: return "staged: deletion threshold"
            case let .deferred(nextRetry, attempts, _):
                return "deferred: failed \(attempts) time\(attempts == 1 ? "" : "s"), next retry \(nextRetry)"
            case let .givenUp(at, attempts, _):
                return "given up \(at) after \(attempts) failed attempts: run --recover"
            }
        }

        /// The `held` member of the action in the plan file.
        var json: JSONValue {
            switch self {
            case .staged:
                return .object(["by": .string("deletionThreshold")])
            case let .deferred(nextRetry, attempts, lastError):
                return .object([
                    "by": .string("escrow"), "attempts": .number(attempts), "lastError": .string(lastError),
                    "nextRetry": .string(nextRetry),
                ])
            case let .givenUp(at, attempts, lastError):
                return .object([
                    "by": .string("escrow"), "attempts": .number(attempts), "lastError": .string(lastError),
                    "gaveUpAt": .string(at),
                ])
            }
        }

        var isStaged: Bool { self == .staged }
    }

    /// Whether the deletion threshold counts this action: a disable or delete that would be applied.
    var countsAsDeletion: Bool {
        (kind == .disable || kind == .delete) && hold == nil
    }

    /// A copy with `hold` set.
    func held(_ hold: Hold?) -> PlanAction {
        var copy = self
        copy.hold = hold
        return copy
    }
}

extension Plan {
    /// Actions held by the deletion threshold.
    public var stagedCount: Int { actions.reduce(0) { $0 + ($1.hold?.isStaged == true ? 1 : 0) } }

    /// Actions held by escrow (deferred or given up).
    public var deferredCount: Int { actions.reduce(0) { $0 + ($1.hold.map { !$0.isStaged } == true ? 1 : 0) } }

    /// Holds (defers) the actions whose escrowed failures, by `Escrow.key`, are in `entries`. The
    /// actions are copied only when there is an escrowed failure to look for.
    mutating func hold(escrowed entries: [String: EscrowEntry], at time: String) {
        guard !entries.isEmpty else { return }
        for index in actions.indices where actions[index].kind != .skip {
            if let entry = entries[Escrow.key(for: actions[index])] { actions[index].hold = entry.hold(at: time) }
        }
    }

    /// The plan without its held actions: what is applied (the plan itself when none is held).
    var applicable: Plan {
        guard actions.contains(where: { $0.hold != nil }) else { return self }
        var copy = self
        copy.actions = actions.filter { $0.hold == nil }
        return copy
    }

    /// `staged` and `deferred` counts for the plan file's summary, present only when something is held
    /// (plans without held actions keep the summary they always had).
    var holdSummary: [String: JSONValue] {
        var summary: [String: JSONValue] = [:]
        if stagedCount > 0 { summary["staged"] = .number(stagedCount) }
        if deferredCount > 0 { summary["deferred"] = .number(deferredCount) }
        return summary
    }

    /// The lines under the text plan's header that say what is held and how to release it.
    var holdLines: [String] {
        var lines: [String] = []
        if stagedCount > 0 {
            lines.append("Held: \(DeletionGuard.phrase(stagedCount)) staged by the deletion threshold, "
                + "not applied; after review, run with --allow-deletions to apply them.")
        }
        if deferredCount > 0 {
            lines.append("Held: \(deferredCount) action\(deferredCount == 1 ? "" : "s") of escrowed failures not due for a retry yet "
                + "(reconcile status lists them; --recover retries them now).")
        }
        return lines
    }
}
