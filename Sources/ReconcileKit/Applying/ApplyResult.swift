/// What applying a plan did.
public struct ApplyResult: Sendable {
    /// An action that could not be applied, and why.
    public struct Failure: Sendable {
        public let action: PlanAction
        public let message: String
        /// The `ActionFailure` code, as the provisioning log records it.
        public var code: String? = nil
    }

    public let runID: Int64
    /// Applied actions by kind (skips count as applied: they are logged).
    public var applied: [PlanAction.Kind: Int] = [:]
    public var failures: [Failure] = []
    /// Problems that did not fail an action, one sentence each (a manager left unset).
    public var warnings: [String] = []
    /// The target's fingerprint after applying.
    public var fingerprint: String?

    /// Actions that changed the target (everything applied but skips).
    public var appliedChanges: Int {
        applied.filter { $0.key != .skip }.values.reduce(0, +)
    }

    /// `success` when every action was applied, `partial` otherwise.
    public var outcome: String { failures.isEmpty ? "success" : "partial" }
}

/// Why a plan cannot be applied at all. Nothing is applied in any of these cases.
public enum ApplyError: Error, CustomStringConvertible, Equatable {
    /// The target changed since the plan was made (DESIGN §3 exit 6).
    case stalePlan(planned: String, current: String)
    /// The plan was made for another kind or location of target.
    case wrongTarget(planned: String, given: String)
    /// The run stopped on an error after `applied` changes had been committed.
    case interrupted(applied: Int, reason: String)

    public var description: String {
        switch self {
        case let .stalePlan(planned, current):
            return "the store changed since the plan was made (planned against \(planned), now \(current)); "
                + "nothing was applied: make a new plan with --plan, review it, and apply that"
        case let .wrongTarget(planned, given):
            return "the plan was made for \(planned), not \(given); nothing was applied"
        case let .interrupted(applied, reason):
            return applied == 0
                ? "\(reason); nothing was applied"
                : "\(reason); applying stopped after \(applied) changes were committed (the next run carries on from there)"
        }
    }
}
