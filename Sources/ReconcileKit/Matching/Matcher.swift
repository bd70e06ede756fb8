/// The Matching stage: finds each directory user's SCIM User, as Entra does (entra-provisioning.md §1).
///
/// A user already managed follows its link (the target id cached when it was created or matched),
/// so renames keep their account. Otherwise the mapping's matching attributes are tried in
/// precedence order and the first that finds anything decides. A match on anything but `externalId`
/// is accepted only when the target's `externalId` is empty or equal: a reused userPrincipalName must
/// not inherit a departed person's account (the identity takeover guard).
struct Matcher {
    /// How one desired user relates to the target.
    enum Outcome: Equatable {
        /// Managed before: the link points at this target user.
        case linked(Int)
        /// Not managed yet; this target user matched on the named attribute.
        case matched(Int, on: SCIMPath)
        /// Nothing matched: the user is to be created.
        case unmatched
        /// Matching failed for the given reason.
        case refused(PlanAction.Reason, String)
    }

    let targets: [TargetUser]
    let links: [String: String]
    let matchingPaths: [SCIMPath]
    private var indexByID: [String: Int] = [:]
    /// Per matching path: key -> the target user with it. A key several target users share maps to
    /// -1 and its users are in `sharedKeys` (rare; one array per key would cost a million arrays).
    private var indexes: [SCIMPath: [String: Int]] = [:]
    private var sharedKeys: [SCIMPath: [String: [Int]]] = [:]
    /// The source id managing each linked target id.
    private var managedBy: [String: String] = [:]

    init(targets: [TargetUser], links: [String: String], matchingPaths: [SCIMPath]) {
        self.targets = targets
        self.links = links
        self.matchingPaths = matchingPaths
        indexByID.reserveCapacity(targets.count)
        for (index, target) in targets.enumerated() { indexByID[target.id] = index }
        for path in matchingPaths {
            var index: [String: Int] = [:]
            index.reserveCapacity(targets.count)
            var shared: [String: [Int]] = [:]
            for (position, target) in targets.enumerated() {
                guard let value = target.value(at: path), let key = Self.key(value, for: path) else { continue }
                if let earlier = index.updateValue(position, forKey: key) {
                    index[key] = -1
                    shared[key, default: earlier >= 0 ? [earlier] : []].append(position)
                }
            }
            indexes[path] = index
            sharedKeys[path] = shared
        }
        for (source, target) in links { managedBy[target] = source }
    }

    /// The comparison key of a matching value: `externalId` and `id` are caseExact (RFC 7643 §3.1);
    /// every other string attribute compares case-insensitively, Unicode-normalized.
    static func key(_ value: SCIMValue, for path: SCIMPath) -> String? {
        guard case .string(let text) = value else { return nil }
        return path == .externalId ? text : IdentityKey.normalize(text)
    }

    /// The index of the target user with `id`, if it exists.
    func target(id: String) -> Int? { indexByID[id] }

    /// Matches one desired user.
    func match(_ desired: DesiredUser) -> Outcome {
        if let targetID = links[desired.source.id], let index = indexByID[targetID] {
            return .linked(index)
        }
        var hadValue = false
        for path in matchingPaths {
            guard let value = desired.createValues[path], let key = Self.key(value, for: path) else { continue }
            hadValue = true
            let candidates = indexes[path]?[key].map { $0 >= 0 ? [$0] : sharedKeys[path]?[key] ?? [] } ?? []
            if candidates.isEmpty { continue }
            if candidates.count > 1 {
                let ids = candidates.map { targets[$0].id }.sorted().joined(separator: ", ")
                return .refused(.duplicateTargetEntries, "\(path) \(value) matches \(candidates.count) target users: \(ids)")
            }
            let target = targets[candidates[0]]
            if let owner = managedBy[target.id], owner != desired.source.id {
                return .refused(.identityConflict, "\(path) \(value) matches target user \(target.id), which is managed for source user \(owner)")
            }
            if path != .externalId, let theirs = target.externalId, theirs != desired.externalId {
                return .refused(.identityConflict, "\(path) \(value) matches target user \(target.id), whose externalId \(theirs) belongs to someone else")
            }
            return .matched(candidates[0], on: path)
        }
        if !hadValue {
            let names = matchingPaths.map(\.description).joined(separator: ", ")
            return .refused(.missingMatchingAttribute, "no value for any matching attribute (\(names))")
        }
        return .unmatched
    }
}
