/// One thing the plan will do to one user, or decline to do with a reason (DESIGN §5).
public struct PlanAction: Sendable, Equatable {
    /// What happens to the user. The order of the cases is the order of the plan.
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        /// POST a new User.
        case create
        /// PATCH a matched or managed User.
        case update
        /// Record that an existing User matched (no attribute changes): it is managed from now on.
        case link
        /// Set `active` false on a managed User.
        case disable
        /// DELETE a managed User.
        case delete
        /// Do nothing, for the reason given.
        case skip

        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            lhs.rank < rhs.rank
        }

        /// The position in plan order (the order of the cases).
        var rank: Int {
            switch self {
            case .create: return 0
            case .update: return 1
            case .link: return 2
            case .disable: return 3
            case .delete: return 4
            case .skip: return 5
            }
        }
    }

    /// Why a user is disabled, deleted or skipped.
    public enum Reason: String, Sendable {
        case disabledInSource
        case missingFromSnapshot
        case outOfScope
        case duplicateSourceEntries
        case duplicateTargetEntries
        case missingMatchingAttribute
        case missingRequiredAttribute
        case identityConflict
        case mappingFailed
        case notProvisionedWhileDisabled
    }

    public var kind: Kind
    public var sourceId: String?
    public var targetId: String?
    public var userName: String
    public var externalId: String?
    public var reason: Reason?
    public var detail: String?
    /// The target's `meta.version` when planned: applying refuses if the user changed since.
    public var version: String?
    /// The matching attribute that linked an unmanaged target user (`externalId`, `userName`).
    public var matchedOn: String?
    /// For `create`: the full SCIM User to create.
    public var resource: JSONValue? {
        get { createResource?.json }
        set { createResource = newValue.map(CreateResource.init(json:)) }
    }
    /// The resource as the plan holds it: a planned create keeps its snapshot user (`CreateMapping`)
    /// and builds the JSON when it is applied or shown.
    var createResource: CreateResource?
    /// For `update` and `disable`: the PATCH operations, and the same as old/new pairs for review.
    public var operations: [PatchOperation]
    public var changes: [AttributeChange]
    /// Why the action is planned but not applied in this run (staged by the deletion threshold, or
    /// deferred by escrow); `nil` for an action that will be applied. See `PlanAction+Hold.swift`.
    public var hold: Hold? = nil
    /// For `create` and `update`: reference attributes (the manager) set to users created in the same
    /// run, filled in by the Applier once those have ids (`PlanReference`).
    public var references: [PlanReference] = []
    /// For the embedded store: the digest of the mapped values the action leaves the user with.
    public var digest = AppliedDigest()

    public init(
        kind: Kind, sourceId: String? = nil, targetId: String? = nil, userName: String, externalId: String? = nil,
        reason: Reason? = nil, detail: String? = nil, version: String? = nil, matchedOn: String? = nil,
        resource: JSONValue? = nil, operations: [PatchOperation] = [], changes: [AttributeChange] = []
    ) {
        self.kind = kind
        self.sourceId = sourceId
        self.targetId = targetId
        self.userName = userName
        self.externalId = externalId
        self.reason = reason
        self.detail = detail
        self.version = version
        self.matchedOn = matchedOn
        self.createResource = resource.map(CreateResource.init(json:))
        self.operations = operations
        self.changes = changes
    }

    /// The order of actions within a plan: by kind, then by case-folded userName, then by ids.
    static func planOrder(_ a: PlanAction, _ b: PlanAction) -> Bool {
        a.orderKey < b.orderKey
    }

    /// The sort key of `planOrder`; computed once per action when sorting many.
    var orderKey: OrderKey {
        OrderKey(kind: kind.rank, userName: IdentityKey.normalize(userName), sourceId: sourceId ?? "", targetId: targetId ?? "")
    }

    struct OrderKey: Comparable {
        let kind: Int
        let userName: String
        let sourceId: String
        let targetId: String

        static func < (a: OrderKey, b: OrderKey) -> Bool {
            (a.kind, a.userName, a.sourceId, a.targetId) < (b.kind, b.userName, b.sourceId, b.targetId)
        }
    }

    /// Puts `actions` in plan order, normalizing each userName once rather than once per comparison.
    static func sortInPlanOrder(_ actions: inout [PlanAction]) {
        // Positions are sorted, then the actions are moved into place, cycle by cycle: a first load
        // plans a million actions, and a sorted copy of them was a quarter of its peak memory.
        // Equal keys keep their order, as a stable sort keeps it.
        let keys = actions.map(\.orderKey)
        let order = keys.indices.sorted { a, b in keys[a] < keys[b] || (!(keys[b] < keys[a]) && a < b) }
        // `order[i]` is the position of the action that goes to position i.
        var placed = [Bool](repeating: false, count: order.count)
        for start in order.indices where !placed[start] {
            var current = start
            while order[current] != start {
                let next = order[current]
                actions.swapAt(current, next)
                placed[current] = true
                current = next
            }
            placed[current] = true
        }
    }
}

/// A create's User resource: JSON read from a plan file, the mapped values it is built from, or the
/// snapshot user those are mapped from again when the resource is applied or shown.
struct CreateResource: Sendable, Equatable {
    private enum Storage: Sendable {
        case json(JSONValue)
        case values(PathValues<SCIMValue>)
        case mapped(position: Int32, from: CreateMapping)
    }

    private let storage: Storage

    init(json: JSONValue) {
        storage = .json(json)
    }

    init(values: PathValues<SCIMValue>) {
        storage = .values(values)
    }

    /// The create of the snapshot user at `position` of `mapping`'s users.
    init(mappedAt position: Int, from mapping: CreateMapping) {
        storage = .mapped(position: Int32(position), from: mapping)
    }

    /// The mapped values of a planned create; `nil` for a resource read from a plan file.
    var values: PathValues<SCIMValue>? {
        switch storage {
        case .json: return nil
        case .values(let values): return values
        case let .mapped(position, mapping): return mapping.createValues(at: Int(position))
        }
    }

    var json: JSONValue {
        switch storage {
        case .json(let json): return json
        case .values, .mapped: return .userResource(values!)
        }
    }

    static func == (a: CreateResource, b: CreateResource) -> Bool { a.json == b.json }
}

/// The snapshot's users and the mapper of a plan's creates. A planned create keeps its user's
/// position and its values are mapped again when it is applied or shown: a first load plans a
/// million creates, and their mapped values were a fifth of its memory. Mapping is deterministic
/// (`Now` is not offered, `Guid` is stable per user), so the values are the ones planned.
final class CreateMapping: Sendable {
    private let users: [DirectoryUser]
    private let mapper: Mapper

    init(users: [DirectoryUser], mapper: Mapper) {
        self.users = users
        self.mapper = mapper
    }

    /// The values a create of the user at `position` writes. Mapping it succeeded when it was
    /// planned; should it not now, the values are empty and applying the create fails for want of
    /// a userName.
    func createValues(at position: Int) -> PathValues<SCIMValue> {
        (try? mapper.map(users[position]))?.createValues ?? PathValues(layout: .empty)
    }
}
