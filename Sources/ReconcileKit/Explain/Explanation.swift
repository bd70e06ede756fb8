/// One user's journey through the pipeline (`reconcile explain USER`), stage by stage: what was
/// imported, whether the user is in scope and why, how the user matched the target, what each mapped
/// attribute is and becomes, and what the plan does with the user, guards included.
///
/// Built by `Explainer` from the real stages (the action is picked out of the plan of the whole
/// snapshot); printed by `Explanation+Text.swift` and `Explanation+JSON.swift`.
public struct Explanation: Sendable {
    /// What the command line named (USER), as given.
    public var query: String
    /// How the query found the user: `userPrincipalName`, `mail`, `directory object id`, `target userName` ...
    public var foundBy: [String]
    /// The user's directory object id: the snapshot user's, or the one a target user is linked to.
    public var sourceID: String?
    /// The target user the plan pairs with this user (linked, matched, or the account a disable or
    /// delete changes), if any.
    public var targetUser: TargetReference?
    /// The export read.
    public var snapshot: SnapshotSummary
    /// The store or endpoint compared with.
    public var target: TargetSummary
    /// Stage 1; `nil` when the user is not in the snapshot (only in the target).
    public var imported: Imported?
    /// Stage 2; `nil` when the user is not in the snapshot.
    public var scope: ScopeStep?
    /// Stage 3.
    public var match: MatchStep
    /// Stage 4.
    public var mapping: MappingStep
    /// Stage 5.
    public var action: ActionStep

    /// The snapshot as a line of the explanation.
    public struct SnapshotSummary: Sendable, Equatable {
        /// The path given (a file or a folder).
        public var path: String
        public var users: Int
    }

    /// The target as a line of the explanation.
    public struct TargetSummary: Sendable, Equatable {
        /// `sqlite` or `scim`.
        public var kind: String
        public var location: String
        /// False when the store (or state file) does not exist yet: explained against an empty target.
        public var exists: Bool
        public var users: Int
        /// Users this job created or matched (links).
        public var managed: Int
    }

    /// A target user by id and userName.
    public struct TargetReference: Sendable, Equatable, CustomStringConvertible {
        public var id: String
        public var userName: String

        /// `target user 7f3e... (anna.weber@contoso.example)`.
        public var description: String { "target user \(id) (\(userName))" }
    }

    // MARK: - 1. Imported

    /// Where the user was read, and every property the mapping and the scoping filters read.
    public struct Imported: Sendable, Equatable {
        /// The file and record (line and column when known).
        public var origin: RecordOrigin
        /// The properties, in mapping order then scoping order, each once.
        public var values: [SourceValue]
    }

    /// One property of the directory user as the run reads it.
    public struct SourceValue: Sendable, Equatable {
        /// The name as the mapping or the filter spells it.
        public var name: String
        /// The value; `nil` when the user has none.
        public var value: JSONValue?
        /// For a computed attribute (`IsSoftDeleted`): what it is computed from.
        public var computedFrom: String?
    }

    // MARK: - 2. Scope

    /// The scope decision, with every assignment and filter clause result.
    public struct ScopeStep: Sendable, Equatable {
        /// The decision as `Scope.decide` made it.
        public var decision: ScopeDecision
        /// Whether assignments were given (`--assignments`).
        public var hasAssignments: Bool
    }

    // MARK: - 3. Match

    /// How the user relates to the target.
    public struct MatchStep: Sendable, Equatable {
        /// The link an earlier run made for this user, if any.
        public var link: TargetReference?
        /// Each matching attribute in precedence order, with the user's value and the target users
        /// holding it; empty when the user was not matched (out of scope, not in the snapshot).
        public var tried: [Trial]
        public var result: Result

        /// One matching attribute tried.
        public struct Trial: Sendable, Equatable {
            public var path: SCIMPath
            /// The mapped value; `nil` when the user has none.
            public var value: SCIMValue?
            /// Target users with that value (compared as the Matcher compares).
            public var candidates: [TargetReference]
        }

        /// What matching decided.
        public enum Result: Sendable, Equatable {
            /// Followed the link of an earlier run.
            case linked(TargetReference)
            /// Not managed yet; matched on `on`.
            case matched(TargetReference, on: SCIMPath)
            /// No target user holds any of the user's matching values (a create, unless the user is disabled).
            case unmatched
            /// The plan refuses to pair the user, for `reason`.
            case refused(PlanAction.Reason, detail: String)
            /// Matching did not happen, for the reason given (out of scope, not in the snapshot ...).
            case notMatched(String)
        }
    }

    // MARK: - 4. Mapping

    /// Each mapped attribute, old and new.
    public struct MappingStep: Sendable, Equatable {
        /// One row per mapping entry, in mapping order; empty when the user was not mapped.
        public var rows: [Row]
        /// Why the user was not mapped, when it was not.
        public var notMapped: String?

        /// One mapping entry for this user.
        public struct Row: Sendable, Equatable {
            public var target: SCIMPath
            public var source: AttributeMapping.Source
            public var apply: AttributeMapping.Apply
            /// The value in the target now; `nil` for none (or no target user).
            public var old: SCIMValue?
            /// The value the run writes; `nil` for none (a create without it, or an update clearing it).
            public var new: SCIMValue?
            public var change: Change
            /// A remark on the new value (a default used, a manager resolved at apply time, an entry not enforced).
            public var note: String?
        }

        /// What the run does to one attribute.
        public enum Change: String, Sendable, Equatable {
            /// Written by a create.
            case set
            /// Changed by an update or disable.
            case changes
            /// Enforced and already equal.
            case same
            /// Not enforced on an existing user (applies on create only, or a default stands).
            case kept
            /// Nothing is written: the user is skipped or not provisioned.
            case none
        }
    }

    // MARK: - 5. Action

    /// What the plan of the whole snapshot does with this user, and what would hold it.
    public struct ActionStep: Sendable, Equatable {
        /// The user's actions in the plan (escrow and the deletion threshold marked as `--apply` would
        /// mark them); empty when the plan has nothing to do for the user.
        public var actions: [PlanAction]
        /// `create`, `update`, `link`, `disable`, `delete` or `skip` for an action; otherwise
        /// `noChange`, `notProvisioned`, `outOfScope` or `notManaged`.
        public var outcome: String
        /// One sentence on why.
        public var why: String
        /// The plan's warnings about this user (a manager that does not resolve).
        public var warnings: [String]
        public var guards: Guards
    }

    /// The safety checks of an apply, as they stand for this plan.
    public struct Guards: Sendable, Equatable {
        /// The whole plan's disables and deletes against the deletion threshold.
        public var deletionThreshold: DeletionGuard.Verdict
        /// Whether the threshold would hold this user's action (staged).
        public var staged: Bool
        /// The partial-export guard's refusal, or `nil` when the snapshot passes.
        public var partialExport: String?
        /// The quarantine in force, if any.
        public var quarantine: QuarantineState?
        /// This user's escrowed failure, if any, and what escrow does with the action now.
        public var escrow: EscrowEntry?
        public var escrowHold: PlanAction.Hold?
        /// A run holding the lock right now, if any.
        public var lockHolder: LockHolder?
        /// False when there is no run state yet (no store): nothing recorded can hold anything.
        public var hasRunState: Bool
    }
}
