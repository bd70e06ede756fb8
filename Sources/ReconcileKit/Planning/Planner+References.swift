/// Reference attributes in planning: the enterprise `manager` is mapped from the directory's
/// manager id (Graph `$expand=manager`, formats.md §1.4) and must become the manager's id in the
/// target, found through the links (entra-provisioning.md §3).
///
/// - A manager that already exists in the target (managed, or matched in this run) resolves now:
///   its target id goes into the create or the PATCH like any other value.
/// - A manager created in this run resolves at apply time: the action carries a `PlanReference` and
///   the Applier creates managers first. A chain of new managers is created top-down; a cycle among
///   new users (A manages B manages A) is broken at its first user in plan order, whose manager is
///   then set by the next run.
/// - Anything else (not in the snapshot and never managed, skipped, disabled, out of scope, deleted
///   in this run) is unresolvable: the attribute is left unset on a create and as it is on an update,
///   with a warning in the plan. It is not a failure: Entra counts reference failures apart too
///   (entra-provisioning.md §7).
struct ReferenceResolver {
    /// Source id -> target id, for users whose target account exists and stays through this run.
    private var targetIDs: [String: String] = [:]
    /// Source id -> userName, for users created in this run.
    private var created: [String: String] = [:]
    /// The snapshot's users by directory id, to say who an unresolvable manager is and why.
    private let snapshotUsers: [String: DirectoryUser]
    private let deleted: Set<String>
    /// Warnings for the plan, one sentence each.
    private(set) var warnings: [String] = []

    init(target: Planner.TargetState, matcher: Matcher, outcomes: some Sequence<(DesiredUser, Matcher.Outcome)>, claims: [UInt8],
         snapshot: Snapshot, mapping: Mapping, deleteMissing: Bool) {
        // Most mappings have no reference: then there is nothing to index.
        guard mapping.hasReferences else {
            snapshotUsers = [:]
            deleted = []
            return
        }
        var users: [String: DirectoryUser] = [:]
        users.reserveCapacity(snapshot.users.count)
        for user in snapshot.users { users[user.id] = user }
        snapshotUsers = users
        deleted = deleteMissing ? Set(target.links.keys.filter { users[$0] == nil }) : []
        for (source, targetID) in target.links where matcher.target(id: targetID) != nil && !deleted.contains(source) {
            targetIDs[source] = targetID
        }
        for (user, outcome) in outcomes {
            switch outcome {
            case .matched(let index, _), .linked(let index):
                if claims[index] == 1 { targetIDs[user.source.id] = target.users[index].id }
            case .unmatched:
                if user.active { created[user.source.id] = user.userName ?? user.source.id }
            case .refused:
                break
            }
        }
    }

    /// `user` with its references that resolve now turned into values, and those that resolve at
    /// apply time. `target` is the account an update changes; `nil` for a create.
    mutating func resolve(_ user: DesiredUser, target: TargetUser?) -> (DesiredUser, [PlanReference]) {
        let references = target == nil ? user.createReferences.mapValues(Optional.some) : user.updateReferences
        guard !references.isEmpty else { return (user, []) }
        var createValues = user.createValues
        var updateValues = user.updateValues
        var pending: [PlanReference] = []
        let name = user.userName ?? target?.userName ?? user.source.id
        for path in references.keys.sorted() {
            guard let managerID = references[path]! else {
                updateValues[path] = .some(nil)
                continue
            }
            if let targetID = targetIDs[managerID] {
                createValues[path] = .string(targetID)
                updateValues[path] = .some(.string(targetID))
            } else if let managerName = created[managerID] {
                let old = target?.value(at: path)
                pending.append(PlanReference(path: path, sourceId: managerID, userName: managerName, old: old))
                updateValues[path] = nil
            } else {
                updateValues[path] = nil
                let outcome = target == nil ? "left unset" : "left as it is"
                warnings.append("\(name): \(path.shortName) \(outcome): manager \(unresolvable(managerID))")
            }
        }
        let resolved = DesiredUser(source: user.source, createValues: createValues, updateValues: updateValues,
                                   createReferences: user.createReferences, updateReferences: user.updateReferences)
        return (resolved, pending)
    }

    /// Who the manager is and why it has no account to point at.
    private func unresolvable(_ id: String) -> String {
        guard let manager = snapshotUsers[id] else {
            return deleted.contains(id) ? "\(id) is deleted in this run" : "\(id) is not in the snapshot and not managed by this job"
        }
        let name = manager.text("userPrincipalName").map { "\($0) (\(id))" } ?? id
        if !manager.accountEnabled || manager.value("deletedDateTime") != nil {
            return "\(name) is disabled in the directory and has no account"
        }
        return "\(name) has no account: it is skipped or out of scope in this plan"
    }

    /// The action for a matched user with the references that resolve at apply time attached: an
    /// update (a link becomes one) carrying them, even when nothing else changes.
    func attach(_ pending: [PlanReference], to action: PlanAction?, user: DesiredUser, target: TargetUser, matchedOn: SCIMPath?) -> PlanAction? {
        guard !pending.isEmpty else { return action }
        var action = action ?? PlanAction(
            kind: .update, sourceId: user.source.id, targetId: target.id, userName: user.userName ?? target.userName,
            externalId: user.externalId, version: target.version, matchedOn: matchedOn?.description
        )
        if action.kind == .link { action.kind = .update }
        action.references = pending
        return action
    }

    /// Drops the references that close a cycle among users created in this run (A manages B manages
    /// A: neither has an id before the other), keeping plans applicable top-down; one warning each.
    mutating func breakCycles(_ actions: inout [PlanAction]) {
        guard actions.contains(where: { !$0.references.isEmpty }) else { return }
        var createIndex: [String: Int] = [:]
        for (index, action) in actions.enumerated() where action.kind == .create {
            if let source = action.sourceId { createIndex[source] = index }
        }
        // Each create references at most one other per attribute; follow each chain once. Where a walk
        // starts does not matter: the reference dropped is the one of the cycle's first user in plan order.
        var state: [Int: Bool] = [:]  // false: on the current walk; true: done
        for start in actions.indices where actions[start].kind == .create {
            var walk: [Int] = []
            var current: Int? = start
            while let index = current, state[index] == nil {
                state[index] = false
                walk.append(index)
                current = actions[index].references.lazy.compactMap { createIndex[$0.sourceId] }.first
            }
            if let index = current, state[index] == false, let position = walk.firstIndex(of: index) {
                let cycle = Array(walk[position...])
                let breaker = cycle.min { PlanAction.planOrder(actions[$0], actions[$1]) }!
                let from = cycle.firstIndex(of: breaker)!
                let loop = Array(cycle[from...] + cycle[..<from]) + [breaker]
                let names = loop.map { actions[$0].userName }.joined(separator: " -> ")
                for reference in actions[breaker].references {
                    warnings.append("\(actions[breaker].userName): \(reference.path.shortName) left unset: manager \(reference.userName) "
                        + "is created in this run in a management cycle (\(names)); the next run sets it")
                }
                actions[breaker].references = []
            }
            for index in walk { state[index] = true }
        }
    }
}
