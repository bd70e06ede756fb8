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
    /// The resource as the plan holds it: a planned create keeps its snapshot user (`CreateMapping`)
    /// and builds the JSON when it is applied or shown.
    var createResource: CreateResource?
    /// For the embedded store: the digest of the mapped values the action leaves the user with.
    public var digest = AppliedDigest()
    /// What most actions leave unset, apart: a first load plans a million creates that set none of
    /// it, and each takes 136 bytes instead of 256.
    private var more = More.none

    public var reason: Reason? {
        get { more.fields.reason }
        set { more.fields.reason = newValue }
    }
    public var detail: String? {
        get { more.fields.detail }
        set { more.fields.detail = newValue }
    }
    /// The target's `meta.version` when planned: applying refuses if the user changed since.
    public var version: String? {
        get { more.fields.version }
        set { more.fields.version = newValue }
    }
    /// The matching attribute that linked an unmanaged target user (`externalId`, `userName`).
    public var matchedOn: String? {
        get { more.fields.matchedOn }
        set { more.fields.matchedOn = newValue }
    }
    /// For `create`: the full SCIM User to create.
    public var resource: JSONValue? {
        get { createResource?.json }
        set { createResource = newValue.map(CreateResource.init(json:)) }
    }
    /// For `update` and `disable`: the PATCH operations, and the same as old/new pairs for review.
    public var operations: [PatchOperation] {
        get { more.fields.operations }
        set { more.fields.operations = newValue }
    }
    public var changes: [AttributeChange] {
        get { more.fields.changes }
        set { more.fields.changes = newValue }
    }
    /// Why the action is planned but not applied in this run (staged by the deletion threshold, or
    /// deferred by escrow); `nil` for an action that will be applied. See `PlanAction+Hold.swift`.
    public var hold: Hold? {
        get { more.fields.hold }
        set { more.fields.hold = newValue }
    }
    /// For `create` and `update`: reference attributes (the manager) set to users created in the same
    /// run, filled in by the Applier once those have ids (`PlanReference`).
    public var references: [PlanReference] {
        get { more.fields.references }
        set { more.fields.references = newValue }
    }

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
        self.createResource = resource.map(CreateResource.init(json:))
        more.fields = Fields(reason: reason, detail: detail, version: version, matchedOn: matchedOn, operations: operations, changes: changes)
    }

    /// The fields kept apart, with their defaults.
    private struct Fields: Sendable, Equatable {
        var reason: Reason?
        var detail: String?
        var version: String?
        var matchedOn: String?
        var operations: [PatchOperation] = []
        var changes: [AttributeChange] = []
        var hold: Hold?
        var references: [PlanReference] = []
    }

    /// `Fields` behind one reference, shared by every action that sets none of them (`none`) and
    /// copied when one is set.
    private struct More: Sendable, Equatable {
        private final class Box: Sendable {
            let fields: Fields
            init(_ fields: Fields) { self.fields = fields }
        }

        private static let empty = Box(Fields())
        static let none = More(box: empty)

        private var box: Box

        private init(box: Box) {
            self.box = box
        }

        var fields: Fields {
            get { box.fields }
            set { box = newValue == Self.empty.fields ? Self.empty : Box(newValue) }
        }

        static func == (a: More, b: More) -> Bool { a.box === b.box || a.fields == b.fields }
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

    /// The resource with a snapshot user's values mapped now, to be applied or shown without mapping
    /// them again; itself when it holds its values or JSON.
    func materialized() -> CreateResource {
        guard case let .mapped(position, mapping) = storage else { return self }
        return CreateResource(values: mapping.createValues(at: Int(position)))
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
