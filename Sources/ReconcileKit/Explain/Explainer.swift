import Foundation

/// Builds the `Explanation` of one user (`reconcile explain USER`) from the real stages: the scope
/// decision of `Scope.decide`, the mapping of `Mapper.map`, the `Matcher`'s outcome, and the user's
/// actions picked out of the `Planner`'s plan of the whole snapshot (duplicates and references can
/// only be seen across all users), never a second copy of the planning rules.
///
/// Explaining reads only; `Result.plan` is the user's share of the plan, which `--apply` applies
/// through the usual guarded run (`GuardedRun.Mode.explain`).
public struct Explainer {
    /// The export, as loaded.
    public let snapshot: Snapshot
    /// The path the export was given as, for the explanation's heading.
    public let snapshotPath: String
    public let scope: Scope
    public let planner: Planner
    /// The limits an apply would check.
    public let settings: SafetySettings
    /// `--allow-deletions` and `--allow-shrink`, as an apply would see them.
    public let allowDeletions: Bool
    public let allowShrink: Bool

    /// An explainer of users of `snapshot` (read from `snapshotPath`) under `scope` and `planner`'s mapping and options.
    public init(
        snapshot: Snapshot, snapshotPath: String, scope: Scope, planner: Planner, settings: SafetySettings,
        allowDeletions: Bool = false, allowShrink: Bool = false
    ) {
        self.snapshot = snapshot
        self.snapshotPath = snapshotPath
        self.scope = scope
        self.planner = planner
        self.settings = settings
        self.allowDeletions = allowDeletions
        self.allowShrink = allowShrink
    }

    /// The explanation, and the user's share of the plan for `--apply`.
    public struct Result {
        public var explanation: Explanation
        /// The plan of the whole snapshot with only this user's actions left.
        public var plan: Plan
        /// The target state with only this user's target user and link: what the run's record of
        /// unchanged users is made from when applying one user.
        public var target: Planner.TargetState
    }

    /// Explains the user `query` names, against `target`.
    /// - Parameters:
    ///   - targetExists: false when the store does not exist yet (`target` is empty).
    ///   - state: the run state (escrow, quarantine, runs), or `nil` when there is none yet.
    ///   - applying: true under `--apply`, whose own run holds the lock.
    /// - Throws: `ExplainError.unknownUser` or `.ambiguous`; `StoreError` reading the run state.
    public func explain(
        _ query: String, target: Planner.TargetState, targetExists: Bool, state: RunState?, applying: Bool = false,
        now: Date = Date()
    ) throws -> Result {
        let plan = planner.plan(snapshot: snapshot, target: target, createdAt: Timestamp.format(now), scope: scope)
        let matcher = Matcher(targets: target.users, links: target.links, matchingPaths: planner.mapping.matchingPaths)
        let subject = try resolve(query, plan: plan, target: target, matcher: matcher)
        let actions = plan.actions.filter(subject.owns)
        var user = UserStages(subject: subject, target: target, matcher: matcher, actions: actions)
        user.skipOutOfScopeDeletions = planner.options.skipOutOfScopeDeletions
        user.evaluate(scope: scope, mapper: Mapper(mapping: planner.mapping))
        let targetReference = user.pairedTarget.map { Self.reference(target.users[$0]) }

        var (guards, annotated) = try self.guards(plan, subject: subject, target: target, state: state, applying: applying, now: now)
        guards.escrowHold = annotated.compactMap(\.hold).first { !$0.isStaged }
        let (outcome, why) = user.outcome(actions: actions)
        // The plan's warnings start with the userName they are about.
        let names = Set(actions.map(\.userName) + [user.desired?.userName, targetReference?.userName].compactMap { $0 })
        let warnings = plan.warnings.filter { warning in names.contains { warning.hasPrefix($0 + ": ") } }
        let step = Explanation.ActionStep(actions: annotated, outcome: outcome, why: why, warnings: warnings, guards: guards)

        let explanation = Explanation(
            query: query, foundBy: subject.foundBy, sourceID: subject.sourceID, targetUser: targetReference,
            snapshot: .init(path: snapshotPath, users: snapshot.users.count),
            target: .init(kind: target.kind, location: target.location, exists: targetExists, users: target.users.count,
                          managed: target.links.count),
            imported: subject.source.map(imported), scope: user.decision.map { .init(decision: $0, hasAssignments: scope.assignments != nil) },
            match: user.match(mappingPaths: planner.mapping.matchingPaths), mapping: user.mappingStep(planner.mapping),
            action: step)

        var userPlan = plan
        userPlan.actions = actions
        userPlan.noChange = outcome == "noChange" ? 1 : 0
        userPlan.notProvisioned = outcome == "notProvisioned" ? 1 : 0
        userPlan.outOfScope = outcome == "outOfScope" ? 1 : 0
        userPlan.warnings = warnings
        var userTarget = target
        userTarget.users = user.pairedTarget.map { [target.users[$0]] } ?? []
        userTarget.links = target.links.filter { $0.key == subject.sourceID || $0.value == targetReference?.id }
        return Result(explanation: explanation, plan: userPlan, target: userTarget)
    }

    static func reference(_ user: TargetUser) -> Explanation.TargetReference {
        .init(id: user.id, userName: user.userName)
    }

    // MARK: - 1. Imported

    /// The record and every property the mapping and the scoping filters read, each once.
    func imported(_ user: DirectoryUser) -> Explanation.Imported {
        var names: [String] = []
        var seen: Set<String> = []
        func add(_ name: String) {
            if seen.insert(name.lowercased()).inserted { names.append(name) }
        }
        for entry in planner.mapping.entries {
            switch entry.source {
            case .attribute(let name): add(name)
            case .expression(let expression): expression.attributes.forEach(add)
            case .constant: break
            }
        }
        for filter in scope.filters {
            for clause in filter.clauses { add(clause.attribute) }
        }
        var values: [Explanation.SourceValue] = []
        for name in names {
            guard name.lowercased() == "issoftdeleted" else {
                values.append(.init(name: name, value: Self.value(name, of: user)))
                continue
            }
            // Computed as the mapping computes it for a user in scope (entra-provisioning.md §2).
            let deleted = !user.accountEnabled || user.value("deletedDateTime") != nil
            values.append(.init(name: name, value: .bool(deleted), computedFrom: "accountEnabled and deletedDateTime"))
            for input in ["accountEnabled", "deletedDateTime"] where seen.insert(input.lowercased()).inserted {
                values.append(.init(name: input, value: user.value(input)))
            }
        }
        return .init(origin: user.origin, values: values)
    }

    /// A property as the mapping finds it: by name in any case (and Entra's other names for Graph's
    /// properties), `extensionAttribute1` in `onPremisesExtensionAttributes`, a dotted name as a member.
    static func value(_ name: String, of user: DirectoryUser) -> JSONValue? {
        let lowered = name.lowercased()
        if lowered == "id" || lowered == "objectid" { return user.value(name) ?? .string(user.id) }
        if let value = user.value(name) { return value }
        if lowered.hasPrefix("extensionattribute"), let value = user.value("onPremisesExtensionAttributes")?.member(name) {
            return value.isAbsent ? nil : value
        }
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count > 1, var value = user.value(parts[0]) else { return nil }
        for part in parts.dropFirst() {
            guard let member = value.member(part) else { return nil }
            value = member
        }
        return value.isAbsent ? nil : value
    }
}
