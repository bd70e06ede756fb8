import Dispatch
import Synchronization

/// The planner's first pass: scope, map and match each snapshot user. Users are independent here
/// (what needs the whole snapshot, duplicate keys and contested accounts, comes after), so slices
/// of the snapshot are passed on every core and their results joined in snapshot order.
extension Planner {
    /// What one slice of the snapshot gave.
    struct Pass: Sendable {
        var actions: [PlanAction] = []
        var scopedOut = 0
        var outOfScope = 0
        /// The digests of each mapped user's matching keys, by matching path, in position order.
        var keys: [[(position: Int32, digest: UInt64)]]
        /// Managed users whose applied digest says they are in line: position and target index.
        var unchanged: [(position: Int32, index: Int32)] = []
        /// Mapped users whose action needs the whole snapshot, in position order.
        var waiting: [Waiting] = []
        /// Creates of users without references who matched no one, at their positions: a create is
        /// all that can come of such a user, unless it shares a key with another (`sourceDuplicates`).
        var creates: [(position: Int32, action: PlanAction)] = []
        /// The positions of such users who are disabled in the directory: never provisioned.
        var disabled: [Int32] = []
        /// Users in line whose stored source digest is missing or out of date (`Plan.digestRefresh`).
        var refresh: [DigestRefresh.Entry] = []

        init(matchingPaths: Int) {
            keys = Array(repeating: [], count: matchingPaths)
        }
    }

    /// Users per slice: enough to make a slice's overhead nothing, few enough to keep both cores busy.
    static let sliceSize = 16_384

    /// The passes of the snapshot's slices, in snapshot order.
    func pass(
        snapshot: Snapshot, target: TargetState, matcher: Matcher, mapper: Mapper, creates: CreateMapping, scope: Scope,
        progress: ProgressReporter?
    ) -> [Pass] {
        let count = snapshot.users.count
        let slices = max(1, (count + Self.sliceSize - 1) / Self.sliceSize)
        let bounds = { @Sendable (slice: Int) in slice * Self.sliceSize..<min(count, (slice + 1) * Self.sliceSize) }
        guard slices > 1 else {
            return [pass(bounds(0), snapshot: snapshot, target: target, matcher: matcher, mapper: mapper, creates: creates, scope: scope,
                         progress: progress)]
        }
        let results = Mutex<[Int: Pass]>([:])
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let result = pass(bounds(slice), snapshot: snapshot, target: target, matcher: matcher, mapper: mapper.withEntriesOfItsOwn(),
                              creates: creates, scope: scope, progress: progress)
            results.withLock { $0[slice] = result }
        }
        return results.withLock { results in (0..<slices).map { results[$0]! } }
    }

    /// The pass of the users at `positions`.
    private func pass(
        _ positions: Range<Int>, snapshot: Snapshot, target: TargetState, matcher: Matcher, mapper: Mapper, creates: CreateMapping,
        scope: Scope, progress: ProgressReporter?
    ) -> Pass {
        let matchingPaths = matcher.matchingPaths
        // References resolve through everyone's outcome, so with them every user waits.
        let decidesEarly = !mapping.hasReferences
        // Only the embedded store keeps source digests; and with references a user's values depend on others.
        let keepsSourceDigests = target.keepsDigests
        let skipsUnchangedRecords = decidesEarly && keepsSourceDigests
        let linksFound = target.links(to: snapshot)
        var result = Pass(matchingPaths: matchingPaths.count)
        var unreported = 0
        defer { progress?.advance(by: unreported) }
        for position in positions {
            let user = snapshot.users[position]
            unreported += 1
            if unreported == 1_024 {
                progress?.advance(by: unreported)
                unreported = 0
            }
            // Scoping comes before matching, as in Entra: a user out of scope is neither mapped nor matched.
            if scope.isRestricted, !scope.decide(user).inScope {
                result.scopedOut += 1
                if let action = leaveScope(user, target: target, matcher: matcher) { result.actions.append(action) } else { result.outOfScope += 1 }
                continue
            }
            // The record's digest, made once: checked against the stored one, and kept with what is written.
            let record = keepsSourceDigests ? sourceDigest.record(user) : nil
            // A managed user in line whose record has not changed since: its keys are all it is mapped for.
            // The link as the store found it for this snapshot, else by id (`nil` before it is looked up).
            let linked = linksFound?.link(at: position)
            if skipsUnchangedRecords, let record,
               let index = linked ?? matcher.linkedTarget(of: user.id),
               let recorded = target.users[index].sourceDigest, recorded == SourceDigest.marking(record, active: target.users[index].active),
               let values = try? mapper.matchingValues(user) {
                SourceKeys.collect(at: position, paths: matchingPaths, into: &result.keys) { slot, _ in values[slot] }
                result.unchanged.append((Int32(position), Int32(index)))
                continue
            }
            let desired: DesiredUser
            do {
                desired = try mapper.map(user)
            } catch {
                result.actions.append(skip(user, .mappingFailed, "\(user.origin): \(error)"))
                continue
            }
            // Source-side duplicates can only be seen across the whole snapshot: keys now, verdicts after.
            SourceKeys.collect(at: position, paths: matchingPaths, into: &result.keys) { _, path in desired.createValues[path] }
            let hasMatchingValue = matchingPaths.contains { desired.createValues[$0] != nil }
            guard desired.userName != nil || !hasMatchingValue else {
                result.actions.append(skip(user, .missingRequiredAttribute, "the mapping gives no userName, which SCIM requires (RFC 7643 §4.1.1)"))
                continue
            }
            let outcome = matcher.match(desired, linked: linked)
            let source = record.map { SourceDigest.marking($0, active: desired.active) }
            // A managed user in line keeps only its position: a million users are not held as mapped values.
            if decidesEarly, case .linked(let index) = outcome, isApplied(desired, target.users[index]) {
                result.unchanged.append((Int32(position), Int32(index)))
                let current = target.users[index]
                if let source, let applied = current.appliedDigest, current.sourceDigest != source {
                    result.refresh.append(.init(targetId: current.id, version: current.version, digest: applied, source: source))
                }
            } else if decidesEarly, case .unmatched = outcome {
                // The create is made now, keeping the user's position rather than its mapped values.
                guard desired.active else {
                    result.disabled.append(Int32(position))
                    continue
                }
                var create = PlanAction(kind: .create, sourceId: user.id, userName: desired.userName ?? user.id, externalId: desired.externalId)
                create.createResource = CreateResource(mappedAt: position, from: creates)
                create.digest = AppliedDigest(desired.updateDigest(digestPaths), source: source)
                result.creates.append((Int32(position), create))
            } else {
                result.waiting.append(Waiting(position: position, user: desired, outcome: outcome, source: source))
            }
        }
        return result
    }
}
