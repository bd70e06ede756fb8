import Dispatch

/// The Planning stage: turns matched users into create / update / link / disable / delete / skip actions.
///
/// Rules (DESIGN §2, entra-provisioning.md §1-§2): only managed users (linked by an earlier run) are
/// ever disabled or deleted; a managed user missing from the snapshot is disabled, or deleted when
/// `deleteMissing` is set; a user disabled in the directory is never created; an update sends only
/// the operations that change something.
public struct Planner: Sendable {
    /// The target's users and the links this job keeps to them.
    public struct TargetState: Sendable {
        public var users: [TargetUser] {
            // Both describe the users by their positions.
            didSet { (indexes, snapshotLinks) = (nil, nil) }
        }
        /// Source id -> target id for every user this job created or matched.
        public var links: [String: String] {
            get { linkTable.dictionary }
            set { (linkTable, snapshotLinks) = (Links(newValue), nil) }
        }
        /// `links`, made when first asked for (`Links`): a plan with `snapshotLinks` seldom needs them.
        var linkTable: Links
        public var kind: String
        public var location: String
        public var fingerprint: String
        /// Whether the target keeps applied digests (the embedded store): only then are unchanged
        /// users without a current digest collected for `Plan.digestRefresh`.
        public var keepsDigests = false
        /// The links as they stand to the snapshot being planned, when the store found them while
        /// reading them (`SnapshotLinks`); planning checks they describe its snapshot.
        var snapshotLinks: SnapshotLinks?
        /// Indexes of `users` made while the store read the links (`Matcher`).
        var indexes: TargetIndexes?

        public init(users: [TargetUser], links: [String: String], kind: String, location: String, fingerprint: String) {
            self.init(users: users, linkTable: Links(links), kind: kind, location: location, fingerprint: fingerprint)
        }

        init(users: [TargetUser], linkTable: Links, kind: String, location: String, fingerprint: String) {
            self.users = users
            self.linkTable = linkTable
            self.kind = kind
            self.location = location
            self.fingerprint = fingerprint
        }
    }

    public struct Options: Sendable {
        /// Delete, rather than disable, managed users missing from the snapshot.
        public var deleteMissing = false
        /// Leave managed users who go out of scope as they are, instead of disabling them (Entra's
        /// SkipOutOfScopeDeletions, entra-provisioning.md §2).
        public var skipOutOfScopeDeletions = false

        public init(deleteMissing: Bool = false, skipOutOfScopeDeletions: Bool = false) {
            self.deleteMissing = deleteMissing
            self.skipOutOfScopeDeletions = skipOutOfScopeDeletions
        }
    }

    public let mapping: Mapping
    public let options: Options
    /// The mapping's target paths with the digest of each one's name, for `DesiredUser.updateDigest`.
    let digestPaths: [(path: SCIMPath, tag: UInt64)]
    /// Digests records under this mapping, for the store to keep beside applied digests.
    let sourceDigest: SourceDigest

    public init(mapping: Mapping, options: Options = Options()) {
        self.mapping = mapping
        self.options = options
        digestPaths = mapping.targetPaths.map { ($0, Digest64($0.description).value) }
        sourceDigest = SourceDigest(mapping: mapping)
    }

    /// Plans the run that takes `target` to what `snapshot` says, for the users `scope` keeps in.
    /// - Parameter progress: advanced by one per snapshot user as it is scoped and mapped.
    public func plan(
        snapshot: Snapshot, target: TargetState, createdAt: String, scope: Scope = .everyone, progress: ProgressReporter? = nil
    ) -> Plan {
        let mapper = Mapper(mapping: mapping)
        let matchingPaths = mapping.matchingPaths
        let matcher = Matcher(targets: target.users, links: target.linkTable, matchingPaths: matchingPaths, prebuilt: target.indexes)
        var actions: [PlanAction] = []
        var noChange = 0
        var notProvisioned = 0
        var scopedOut = 0, outOfScope = 0
        var digestRefresh = DigestRefresh()

        // One pass maps and matches each user, slices of the snapshot on every core (`Planner+Pass`).
        let creates = CreateMapping(users: snapshot.users, mapper: mapper.withEntriesOfItsOwn())
        var passes = pass(snapshot: snapshot, target: target, matcher: matcher, mapper: mapper, creates: creates, scope: scope,
                          progress: progress)
        var keys = SourceKeys(paths: matchingPaths, capacity: snapshot.users.count)
        var unchanged: [(position: Int32, index: Int32)] = []
        var waiting: [Waiting] = []
        // The creates made in the pass, at their snapshot positions and their indexes in `actions`.
        var created: [(position: Int32, index: Int32)] = []
        var disabled: [Int32] = []
        // Room for every action the pass made and one per waiting user: grown by doubling, a first
        // load's million actions took half again their size.
        actions.reserveCapacity(passes.reduce(0) { $0 + $1.actions.count + $1.creates.count + $1.waiting.count })
        for index in passes.indices {
            // Each slice is let go once joined: its key digests are a million entries in all.
            let slice = passes[index]
            passes[index] = Pass(matchingPaths: 0)
            actions += slice.actions
            for (position, create) in slice.creates {
                created.append((position, Int32(actions.count)))
                actions.append(create)
            }
            disabled += slice.disabled
            scopedOut += slice.scopedOut
            outOfScope += slice.outOfScope
            keys.insert(slice.keys)
            unchanged += slice.unchanged
            waiting += slice.waiting
            digestRefresh.entries += slice.refresh
        }
        keys.seal()
        // The mapped user at a position: kept when it waits, mapped again (rare: a duplicate) when not.
        let desiredAt = { (position: Int) -> DesiredUser? in
            if let found = waiting.binarySearch(position: position) { return waiting[found].user }
            return try? mapper.map(snapshot.users[position])
        }
        let duplicates = sourceDuplicates(keys, desiredAt: desiredAt)
        // The skip of the user at a position that shares a key with others (`duplicates`).
        let duplicateSkip = { (position: Int32, detail: String) in
            skip(snapshot.users[Int(position)], .duplicateSourceEntries, detail, userName: desiredAt(Int(position))?.userName)
        }
        for (position, index) in created {
            if let detail = duplicates[Int(position)] { actions[Int(index)] = duplicateSkip(position, detail) }
        }
        for position in disabled {
            if let detail = duplicates[Int(position)] { actions.append(duplicateSkip(position, detail)) } else { notProvisioned += 1 }
        }

        // Each target user may be claimed by one source user only.
        var claims = [UInt8](repeating: 0, count: target.users.count)
        for (position, index) in unchanged where duplicates[Int(position)] == nil { claims[Int(index)] = min(claims[Int(index)] + 1, 2) }
        for user in waiting where duplicates[user.position] == nil {
            if let index = user.outcome.targetIndex { claims[index] = min(claims[index] + 1, 2) }
        }
        let claimants = contestedClaims(claims, unchanged: unchanged, waiting: waiting, duplicates: duplicates, snapshot: snapshot)

        for (position, index) in unchanged {
            let detail = duplicates[Int(position)] ?? claimants[Int(index)].map { target.contested(Int(index), by: $0) }
            guard let detail else {
                noChange += 1
                continue
            }
            actions.append(duplicateSkip(position, detail))
        }

        // References (the manager) resolve through the links and this run's matches and creates.
        // Without duplicates (as most nights), the waiting users themselves: not a copy of a million.
        let deciding = duplicates.isEmpty ? waiting : waiting.filter { duplicates[$0.position] == nil }
        let outcomes = deciding.lazy.map { ($0.user, $0.outcome) }
        var references = ReferenceResolver(target: target, matcher: matcher, outcomes: outcomes, claims: claims,
                                           snapshot: snapshot, mapping: mapping, deleteMissing: options.deleteMissing)
        for user in waiting {
            guard let detail = duplicates[user.position] else { continue }
            actions.append(skip(user.user.source, .duplicateSourceEntries, detail, userName: user.user.userName))
        }
        for decided in deciding {
            let (user, outcome, source) = (decided.user, decided.outcome, decided.source)
            switch outcome {
            case .refused(let reason, let detail):
                actions.append(skip(user.source, reason, detail, userName: user.userName))
            case .unmatched:
                if !user.active { notProvisioned += 1; continue }
                let (resolved, pending) = references.resolve(user, target: nil)
                var create = PlanAction(
                    kind: .create, sourceId: user.source.id, userName: user.userName ?? user.source.id,
                    externalId: user.externalId
                )
                create.createResource = CreateResource(values: resolved.createValues)
                create.references = pending
                // A manager filled in at apply time is not in the values digested here.
                if pending.isEmpty { create.digest = AppliedDigest(resolved.updateDigest(digestPaths), source: source) }
                actions.append(create)
            case .linked(let index), .matched(let index, _):
                if let contenders = claimants[index] {
                    actions.append(skip(user.source, .duplicateSourceEntries, target.contested(index, by: contenders), userName: user.userName))
                    continue
                }
                var matchedOn: SCIMPath?
                if case .matched(_, let path) = outcome { matchedOn = path }
                // A disabled user is never provisioned: an account this job does not manage yet stays untouched.
                if matchedOn != nil && !user.active {
                    notProvisioned += 1
                    continue
                }
                let current = target.users[index]
                let (resolved, pending) = references.resolve(user, target: current)
                let digest = pending.isEmpty ? resolved.updateDigest(digestPaths) : nil
                // The store's digest says the values an update enforces are there already: no need
                // to read and compare the resource.
                if let digest, matchedOn == nil, current.appliedDigest == digest, current.active == user.active {
                    noChange += 1
                    continue
                }
                let compared = current.withResourceRead()
                if var action = references.attach(pending, to: change(resolved, compared, matchedOn: matchedOn),
                                                  user: resolved, target: compared, matchedOn: matchedOn) {
                    action.digest = AppliedDigest(digest, source: source)
                    actions.append(action)
                } else {
                    noChange += 1
                    if target.keepsDigests, let digest, current.appliedDigest != digest || current.sourceDigest != source {
                        digestRefresh.entries.append(.init(targetId: current.id, version: current.version, digest: digest, source: source))
                    }
                }
            }
        }

        for (sourceID, targetID) in target.links(to: snapshot)?.missing ?? Self.linksMissing(from: snapshot.positions(), in: target.links) {
            guard let index = matcher.target(id: targetID) else { continue }
            let user = target.users[index]
            if options.deleteMissing {
                actions.append(PlanAction(
                    kind: .delete, sourceId: sourceID, targetId: user.id, userName: user.userName,
                    reason: .missingFromSnapshot, version: user.version
                ))
            } else if user.active {
                actions.append(disable(user, sourceID: sourceID, reason: .missingFromSnapshot, operations: []))
            } else {
                noChange += 1
            }
        }

        references.breakCycles(&actions)
        var plan = Plan(
            createdAt: createdAt,
            snapshot: .init(sha256: snapshot.sha256, users: snapshot.users.count, inScope: snapshot.users.count - scopedOut),
            target: .init(kind: target.kind, location: target.location, fingerprint: target.fingerprint),
            actions: consume actions,
            noChange: noChange,
            notProvisioned: notProvisioned,
            outOfScope: outOfScope
        )
        plan.warnings = references.warnings.sorted()
        plan.digestRefresh = digestRefresh
        return plan
    }

    /// What happens to a user out of scope: a managed account that is still active is disabled
    /// (`outOfScope`), unless `skipOutOfScopeDeletions`; anything else is left alone (`nil`): an
    /// account this job never managed is never touched.
    func leaveScope(_ user: DirectoryUser, target: TargetState, matcher: Matcher) -> PlanAction? {
        guard !options.skipOutOfScopeDeletions, let index = matcher.linkedTarget(of: user.id), target.users[index].active else { return nil }
        return disable(target.users[index], sourceID: user.id, reason: .outOfScope, operations: [])
    }

    /// The action that brings a matched target user in line, or `nil` when it already is.
    func change(_ user: DesiredUser, _ target: TargetUser, matchedOn: SCIMPath?) -> PlanAction? {
        var operations: [PatchOperation] = []
        var changes: [AttributeChange] = []
        for path in mapping.targetPaths {
            guard let new = user.updateValues[path] else { continue }
            let old = target.value(at: path)
            if let operation = PatchOperation.between(old, new, at: path) {
                operations.append(operation)
                changes.append(AttributeChange(path: path, old: old, new: new))
            }
        }
        if target.active && !user.active {
            return disable(target, sourceID: user.source.id, reason: .disabledInSource, operations: operations, changes: changes)
                .with(matchedOn: matchedOn)
        }
        if operations.isEmpty {
            guard let matchedOn else { return nil }
            return PlanAction(
                kind: .link, sourceId: user.source.id, targetId: target.id, userName: target.userName,
                externalId: target.externalId, version: target.version, matchedOn: matchedOn.description
            )
        }
        return PlanAction(
            kind: .update, sourceId: user.source.id, targetId: target.id, userName: user.userName ?? target.userName,
            externalId: user.externalId, version: target.version, matchedOn: matchedOn?.description,
            operations: operations, changes: changes
        )
    }

    /// A disable: `active` set false, plus any other changes the mapping asks for at the same time.
    func disable(
        _ target: TargetUser, sourceID: String, reason: PlanAction.Reason,
        operations: [PatchOperation], changes: [AttributeChange] = []
    ) -> PlanAction {
        var operations = operations.filter { $0.path != .active }
        var changes = changes.filter { $0.path != .active }
        operations.insert(PatchOperation(op: .replace, path: .active, value: .bool(false)), at: 0)
        changes.insert(AttributeChange(path: .active, old: .bool(true), new: .bool(false)), at: 0)
        return PlanAction(
            kind: .disable, sourceId: sourceID, targetId: target.id, userName: target.userName,
            reason: reason, version: target.version, operations: operations, changes: changes
        )
    }

    func skip(_ user: DirectoryUser, _ reason: PlanAction.Reason, _ detail: String, userName: String? = nil) -> PlanAction {
        PlanAction(
            kind: .skip, sourceId: user.id, userName: userName ?? user.text("userPrincipalName") ?? user.id,
            reason: reason, detail: detail
        )
    }

    /// Whether the target user holds what `user` maps to, by its applied digest (see `AppliedDigest`).
    func isApplied(_ user: DesiredUser, _ current: TargetUser) -> Bool {
        guard let applied = current.appliedDigest, current.active == user.active else { return false }
        return applied == user.updateDigest(digestPaths)
    }

    /// Source users that share a matching value with another source user, by snapshot position, with
    /// a sentence saying which. `desiredAt` gives the mapped user at a position.
    func sourceDuplicates(_ keys: SourceKeys, desiredAt: (Int) -> DesiredUser?) -> [Int: String] {
        var result: [Int: String] = [:]
        for (path, index) in zip(keys.paths, keys.indexes) {
            // A digest shared by several users: group them by the key itself (a collision is not a duplicate).
            for positions in index.sharedDigests.values {
                var groups: [String: [(position: Int, user: DesiredUser)]] = [:]
                for position in positions.map(Int.init) {
                    guard let user = desiredAt(position), let value = user.createValues[path],
                          let key = Matcher.key(value, for: path) else { continue }
                    groups[key, default: []].append((position, user))
                }
                for group in groups.values where group.count > 1 {
                    let ids = group.map(\.user.source.id).sorted().joined(separator: ", ")
                    let value = group[0].user.createValues[path]!
                    for member in group where result[member.position] == nil {
                        result[member.position] = "source users \(ids) share \(path) \(value)"
                    }
                }
            }
        }
        return result
    }

    /// The source ids claiming each target user claimed more than once (`claims` counts up to 2).
    func contestedClaims(
        _ claims: [UInt8], unchanged: [(position: Int32, index: Int32)], waiting: [Waiting], duplicates: [Int: String], snapshot: Snapshot
    ) -> [Int: [String]] {
        var result: [Int: [String]] = [:]
        guard claims.contains(where: { $0 > 1 }) else { return result }
        for (position, index) in unchanged where claims[Int(index)] > 1 && duplicates[Int(position)] == nil {
            result[Int(index), default: []].append(snapshot.users[Int(position)].id)
        }
        for user in waiting where duplicates[user.position] == nil {
            if let index = user.outcome.targetIndex, claims[index] > 1 { result[index, default: []].append(user.user.source.id) }
        }
        return result
    }
}

/// A mapped user whose action waits for the whole snapshot to be matched, at its snapshot position.
struct Waiting {
    let position: Int
    let user: DesiredUser
    let outcome: Matcher.Outcome
    /// The record's `SourceDigest`, when the target keeps them.
    var source: UInt64?
}

extension Array where Element == Waiting {
    /// The index of the entry at snapshot `position` (entries are in position order).
    func binarySearch(position: Int) -> Int? {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].position < position { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low].position == position ? low : nil
    }
}

/// The matching keys of every mapped source user, by digest per matching path.
struct SourceKeys {
    let paths: [SCIMPath]
    private(set) var indexes: [KeyIndex]

    init(paths: [SCIMPath], capacity: Int) {
        self.paths = paths
        indexes = paths.map { _ in KeyIndex(capacity: capacity) }
    }

    /// The digests of a user's keys, by matching path, into `digests`; `value` gives the user's
    /// mapped value at each matching path's slot.
    static func collect(
        at position: Int, paths: [SCIMPath], into digests: inout [[(position: Int32, digest: UInt64)]], value: (Int, SCIMPath) -> SCIMValue?
    ) {
        for (slot, path) in paths.enumerated() {
            guard let value = value(slot, path), let digest = Matcher.keyDigest(value, for: path) else { continue }
            digests[slot].append((Int32(position), digest))
        }
    }

    /// Adds digests collected by `collect`, by matching path, in position order.
    mutating func insert(_ digests: [[(position: Int32, digest: UInt64)]]) {
        for (slot, entries) in digests.enumerated() {
            for (position, digest) in entries { indexes[slot].insert(Int(position), digest: digest) }
        }
    }

    /// Readies the indexes for lookups, after the last `insert`: each sorted on a core of its own.
    mutating func seal() {
        indexes.withUnsafeMutableBufferPointer { indexes in
            // Each task seals its own element only.
            nonisolated(unsafe) let indexes = indexes
            DispatchQueue.concurrentPerform(iterations: indexes.count) { indexes[$0].seal() }
        }
    }
}

extension Planner.TargetState {
    /// The links as the store found them to `snapshot` (`SnapshotLinks`), if it did for this one.
    func links(to snapshot: Snapshot) -> SnapshotLinks? {
        snapshotLinks.flatMap { $0.describe(snapshot) ? $0 : nil }
    }

    /// The skip detail for source users that all match one target user.
    func contested(_ index: Int, by sourceIDs: [String]) -> String {
        "source users \(sourceIDs.sorted().joined(separator: ", ")) all match target user \(users[index].id)"
    }
}

extension Matcher.Outcome {
    /// The target user a link or match points at.
    var targetIndex: Int? {
        switch self {
        case .linked(let index), .matched(let index, _): return index
        case .unmatched, .refused: return nil
        }
    }
}

extension PlanAction {
    func with(matchedOn path: SCIMPath?) -> PlanAction {
        var copy = self
        copy.matchedOn = path?.description
        return copy
    }
}
