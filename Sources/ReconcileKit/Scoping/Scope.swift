/// The Scoping stage: which directory users are in scope for provisioning (entra-provisioning.md §5).
///
/// Two independent tests, both of which must pass, as in Entra: the app's assignments, when given
/// ("Sync only assigned users and groups"; without them every user is a candidate, "Sync all"), and
/// the attribute scoping filters, when configured (a user passes when every clause of at least one
/// filter is true). A user out of scope is not provisioned; a managed one is disabled (see `Planner`).
public struct Scope: Sendable {
    /// The app's assignments; `nil` scopes every user in (no assignment test).
    public var assignments: Assignments?
    /// The scoping filters, OR-ed; empty passes everyone.
    public var filters: [ScopingFilter]

    /// A scope of `assignments` (none: every user) and `filters` (none: every user).
    public init(assignments: Assignments? = nil, filters: [ScopingFilter] = []) {
        self.assignments = assignments
        self.filters = filters
    }

    /// No assignments and no filters: every user is in scope.
    public static let everyone = Scope()

    /// Whether anything narrows the scope.
    public var isRestricted: Bool { assignments != nil || !filters.isEmpty }

    /// The decision for one user, with each test's result (for the plan and `explain`).
    public func decide(_ user: DirectoryUser) -> ScopeDecision {
        let assignment = assignments?.match(userID: user.id)
        let outcomes = filters.enumerated().map { index, filter in
            ScopeDecision.FilterOutcome(index: index, name: filter.name, clauses: filter.evaluate(user))
        }
        let inScope = (assignment?.isAssigned ?? true) && (outcomes.isEmpty || outcomes.contains(where: \.passed))
        return ScopeDecision(inScope: inScope, assignment: assignment, filters: outcomes)
    }
}

/// Whether one user is in scope, and why.
public struct ScopeDecision: Sendable, Equatable, CustomStringConvertible {
    /// Whether the user is provisioned.
    public let inScope: Bool
    /// How the user is assigned; `nil` when there is no assignment test.
    public let assignment: Assignments.Match?
    /// Each scoping filter's outcome, in configuration order; empty when there are no filters.
    public let filters: [FilterOutcome]

    /// One filter's outcome: every clause's result.
    public struct FilterOutcome: Sendable, Equatable, CustomStringConvertible {
        /// 0-based position in the configuration's `scopingFilters`.
        public let index: Int
        /// The filter's `name` in the configuration, if it has one.
        public let name: String?
        /// Each clause's outcome, in order.
        public let clauses: [ScopingClause.Outcome]

        /// True when every clause is true.
        public var passed: Bool { clauses.allSatisfy(\.passed) }

        /// `scoping filter 2 (Research staff)`.
        public var label: String { "scoping filter \(index + 1)" + (name.map { " (\($0))" } ?? "") }

        /// The label and each clause: `scoping filter 1: department EQUALS "Sales": false (found "Research")`.
        public var description: String {
            let parts = clauses.map { outcome in
                "\(outcome.clause): \(outcome.passed) (found \(outcome.found.map { "\"\($0)\"" } ?? "no value"))"
            }
            return "\(label): " + parts.joined(separator: "; ")
        }
    }

    /// One line: `in scope: assigned directly; passes scoping filter 2 (Research staff)`.
    public var description: String {
        var reasons: [String] = []
        if let assignment { reasons.append(assignment.description) }
        if !filters.isEmpty {
            if let passed = filters.first(where: \.passed) {
                reasons.append("passes \(passed.label)")
            } else {
                reasons.append("fails every scoping filter (" + filters.map { filter in
                    let failed = filter.clauses.first { !$0.passed }!
                    return "\(filter.label): \(failed.clause) is false, found \(failed.found.map { "\"\($0)\"" } ?? "no value")"
                }.joined(separator: "; ") + ")")
            }
        }
        if reasons.isEmpty { reasons.append("no assignments or scoping filters") }
        return (inScope ? "in scope: " : "out of scope: ") + reasons.joined(separator: "; ")
    }
}
