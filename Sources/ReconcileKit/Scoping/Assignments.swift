/// Who is assigned to the app: Entra's "Sync only assigned users and groups" scope (formats.md §4).
///
/// A user is in scope when assigned directly, or when a **direct** member of an assigned group.
/// Entra does not expand nested groups ("The service can only read and provision users that are
/// immediate members of an explicitly assigned group", HOW), so a member of a group that is itself a
/// member of an assigned group is out of scope unless assigned some other way; `match` says so.
public struct Assignments: Sendable, Equatable {
    /// A user or group the app is assigned to.
    public struct Principal: Sendable, Equatable {
        /// The user's or group's object id.
        public var id: String
        /// `principalDisplayName` from the export, when it has one.
        public var displayName: String?

        /// A principal by id, with the name the export gave it.
        public init(id: String, displayName: String? = nil) {
            self.id = id
            self.displayName = displayName
        }

        /// `Sales (0f2c...)`, or the id alone.
        public var label: String { displayName.map { "\($0) (\(id))" } ?? id }
    }

    /// Users assigned directly, by user id.
    public let users: [String: Principal]
    /// Groups assigned, by group id.
    public let groups: [String: Principal]
    /// Direct members of groups (user and group ids), by group id: every assigned group has an entry;
    /// other groups' members are kept to explain nested membership.
    public let members: [String: Set<String>]
    /// Groups' display names, from assignments and member pages.
    public let groupNames: [String: String]
    /// Things worth telling the operator about the export (nested groups, unused member pages), one line each.
    public internal(set) var warnings: [String] = []
    /// The groups each user or group is a direct member of, sorted by id.
    private let memberOf: [String: [String]]

    /// Assignments as read from an export; `members` must hold every assigned group's direct members.
    public init(
        users: [String: Principal] = [:], groups: [String: Principal] = [:], members: [String: Set<String>] = [:],
        groupNames: [String: String] = [:]
    ) {
        self.users = users
        self.groups = groups
        self.members = members
        self.groupNames = groupNames
        var memberOf: [String: [String]] = [:]
        for (group, ids) in members {
            for id in ids { memberOf[id, default: []].append(group) }
        }
        self.memberOf = memberOf.mapValues { $0.sorted() }
    }

    /// How a user relates to the app's assignments.
    public enum Match: Sendable, Equatable, CustomStringConvertible {
        /// Assigned directly.
        case direct
        /// A direct member of these assigned groups (sorted by id).
        case group([Principal])
        /// Not in scope: only a member of these groups, which are nested in assigned groups
        /// (nested group, assigned group it is a member of).
        case nestedOnly([(nested: Principal, assigned: Principal)])
        /// Not assigned at all.
        case notAssigned

        /// Whether this puts the user in scope (direct or through an assigned group).
        public var isAssigned: Bool {
            switch self {
            case .direct, .group: return true
            case .nestedOnly, .notAssigned: return false
            }
        }

        public var description: String {
            switch self {
            case .direct: return "assigned directly"
            case .group(let groups): return "member of assigned group \(groups.map(\.label).joined(separator: ", "))"
            case .nestedOnly(let pairs):
                return pairs.map { "member of group \($0.nested.label), which is nested in assigned group \($0.assigned.label)" }
                    .joined(separator: "; ") + ": Entra does not expand nested groups"
            case .notAssigned: return "not assigned to the app"
            }
        }

        public static func == (lhs: Match, rhs: Match) -> Bool {
            switch (lhs, rhs) {
            case (.direct, .direct), (.notAssigned, .notAssigned): return true
            case let (.group(a), .group(b)): return a == b
            case let (.nestedOnly(a), .nestedOnly(b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.nested == $1.nested && $0.assigned == $1.assigned }
            default: return false
            }
        }
    }

    /// How user `id` is assigned, if at all.
    public func match(userID: String) -> Match {
        let id = userID.lowercased()
        if users[id] != nil { return .direct }
        let containing = memberOf[id] ?? []
        let viaGroups = containing.filter { groups[$0] != nil }
        if !viaGroups.isEmpty { return .group(viaGroups.map(principal)) }
        var nested: [(nested: Principal, assigned: Principal)] = []
        for child in containing {
            for parent in memberOf[child] ?? [] where groups[parent] != nil {
                nested.append((principal(child), principal(parent)))
            }
        }
        return nested.isEmpty ? .notAssigned : .nestedOnly(nested)
    }

    private func principal(_ groupID: String) -> Principal {
        groups[groupID] ?? Principal(id: groupID, displayName: groupNames[groupID])
    }
}
