/// What a run will do: the reviewed unit between planning and applying (DESIGN §5, `formatVersion` 1).
public struct Plan: Sendable, Equatable {
    public static let formatVersion = 1

    /// The export the plan was computed from.
    public struct SnapshotInfo: Sendable, Equatable {
        public var sha256: String
        public var users: Int
        public var inScope: Int
    }

    /// The store or endpoint the plan applies to, and its state when planned.
    public struct TargetInfo: Sendable, Equatable {
        public var kind: String
        public var location: String
        /// Changes whenever the target's users or links change; a plan applies only to the same fingerprint.
        public var fingerprint: String
    }

    public var createdAt: String
    public var snapshot: SnapshotInfo
    public var target: TargetInfo
    /// Actions in plan order (`PlanAction.planOrder`).
    public var actions: [PlanAction]
    /// Matched users already as they should be.
    public var noChange: Int
    /// Users disabled in the directory and never provisioned: counted, not listed (Entra does not
    /// provision disabled users, entra-provisioning.md §1).
    public var notProvisioned: Int
    /// Users out of scope that need no action (never managed, already disabled, or kept by
    /// SkipOutOfScopeDeletions): counted, not listed, like Entra's skipped out-of-scope events.
    public var outOfScope: Int
    /// Problems that do not stop the plan, one sentence each, such as a manager that cannot be
    /// resolved (the attribute is left unset); printed on stderr and in the plan.
    public var warnings: [String] = []
    /// Unchanged users whose stored digest is missing or out of date (see `AppliedDigest`).
    public var digestRefresh = DigestRefresh()

    public init(
        createdAt: String, snapshot: SnapshotInfo, target: TargetInfo, actions: [PlanAction], noChange: Int, notProvisioned: Int = 0,
        outOfScope: Int = 0
    ) {
        self.createdAt = createdAt
        self.snapshot = snapshot
        self.target = target
        var actions = actions
        PlanAction.sortInPlanOrder(&actions)
        self.actions = actions
        self.noChange = noChange
        self.notProvisioned = notProvisioned
        self.outOfScope = outOfScope
    }

    /// The number of actions of `kind`.
    public func count(_ kind: PlanAction.Kind) -> Int {
        actions.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) }
    }

    /// Whether applying would change the target (anything but skips).
    public var hasChanges: Bool {
        actions.contains { $0.kind != .skip }
    }
}
