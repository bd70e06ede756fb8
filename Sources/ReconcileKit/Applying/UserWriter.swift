import Foundation

/// Writes single plan actions into the embedded store's users and links, with reused prepared statements.
final class UserWriter {
    private let database: Database
    private let selectUser: Statement
    private let insertUser: Statement
    private let updateUser: Statement
    /// `updateUser` without the identity columns, for an update that keeps userName and externalId:
    /// setting them to what they were would still rewrite their index entries.
    private let updateUserKeepingIdentity: Statement
    private let deleteUser: Statement
    private let setDigest: Statement
    /// Ids of created users, in creation order (see `TimeOrderedID`).
    private var ids = TimeOrderedID()
    private var createJSONCache: (layout: PathLayout, shape: CreateJSON?)?
    /// Reused for each created user's JSON.
    private var jsonBuffer: [UInt8] = []

    private static let columns: [(name: String, path: SCIMPath)] = [
        ("display_name", SCIMPath(attribute: "displayName")),
        ("title", SCIMPath(attribute: "title")),
        ("email", SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value")),
        ("given_name", SCIMPath(attribute: "name", subAttribute: "givenName")),
        ("family_name", SCIMPath(attribute: "name", subAttribute: "familyName")),
        ("locality", SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "locality")),
        ("organization", SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "organization")),
        ("department", SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "department")),
    ]

    init(database: Database) throws(StoreError) {
        self.database = database
        let names = Self.columns.map(\.name)
        selectUser = try database.prepare("SELECT version, resource, created, user_name, external_id FROM users WHERE id = ?")
        insertUser = try database.prepare("""
            INSERT INTO users (id, external_id, user_name, user_name_key, active, \(names.joined(separator: ", ")),
                resource, created, last_modified, version, applied_digest, digest_version, source_digest)
            VALUES (?, ?, ?, ?, ?, \(names.map { _ in "?" }.joined(separator: ", ")), ?, ?, ?, ?, ?, ?, ?)
            """)
        updateUser = try database.prepare("""
            UPDATE users SET external_id = ?, user_name = ?, user_name_key = ?, active = ?,
                \(names.map { "\($0) = ?" }.joined(separator: ", ")), resource = ?, last_modified = ?, version = ?,
                applied_digest = ?, digest_version = ?, source_digest = ?
            WHERE id = ?
            """)
        updateUserKeepingIdentity = try database.prepare("""
            UPDATE users SET active = ?,
                \(names.map { "\($0) = ?" }.joined(separator: ", ")), resource = ?, last_modified = ?, version = ?,
                applied_digest = ?, digest_version = ?, source_digest = ?
            WHERE id = ?
            """)
        deleteUser = try database.prepare("DELETE FROM users WHERE id = ?")
        setDigest = try database.prepare("UPDATE users SET applied_digest = ?, digest_version = version, source_digest = ? WHERE id = ? AND version = ?")
    }

    /// Applies one action and returns the target id it concerned.
    func apply(_ action: PlanAction, at time: String) throws -> String {
        switch action.kind {
        case .skip:
            throw ActionFailure(code: "invalidPlan", message: "a skip has nothing to apply")
        case .create:
            if let values = action.createResource?.values, let shape = createJSON(for: values.layout) {
                let id = ids.next()
                try insert(values, shape: shape, id: id, at: time, digest: action.digest)
                return id
            }
            guard let resource = action.resource else {
                throw ActionFailure(code: "invalidPlan", message: "create action without a resource")
            }
            let id = ids.next()
            try write(resource, id: id, created: time, version: 1, at: time, insert: true, digest: action.digest)
            return id
        case .update, .disable, .link:
            let (id, current) = try existing(action)
            if !action.operations.isEmpty {
                var resource = current.resource
                for operation in action.operations {
                    resource.set(operation.path, to: operation.op == .remove ? nil : operation.value)
                }
                try write(resource, id: id, created: current.created, version: current.version + 1, at: time, insert: false,
                          digest: action.digest, identity: current.identity)
            } else {
                try setDigest.run(SQLValue(action.digest.value), SQLValue(action.digest.source), .text(id), .integer(Int64(current.version)))
            }
            return id
        case .delete:
            let (id, _) = try existing(action)
            try deleteUser.run(.text(id))
            return id
        }
    }

    /// The target user an action concerns, refused if it is gone or changed since the plan.
    private func existing(_ action: PlanAction) throws -> (String, (resource: JSONValue, version: Int, created: String, identity: Identity)) {
        guard let id = action.targetId else { throw ActionFailure(code: "invalidPlan", message: "\(action.kind.rawValue) action without a targetId") }
        try selectUser.bind([.text(id)])
        defer { selectUser.reset() }
        guard try selectUser.step() else {
            throw ActionFailure(code: "targetMissing", message: "target user \(id) no longer exists")
        }
        let version = selectUser.int(0)
        if let planned = action.version, planned != SQLiteStore.etag(version) {
            throw ActionFailure(code: "stalePlan", message: "target user \(id) changed since the plan (version \(planned), now \(SQLiteStore.etag(version)))")
        }
        let resource = try SQLiteStore.parseResource(selectUser, column: 1)
        return (id, (resource, version, selectUser.text(2), Identity(userName: selectUser.text(3), externalId: selectUser.optionalText(4))))
    }

    /// The shape of resources of `layout` (`CreateJSON`), made once per mapping; `nil` when its
    /// creates take the general path.
    private func createJSON(for layout: PathLayout) -> CreateJSON? {
        if let cached = createJSONCache, cached.layout === layout { return cached.shape }
        let shape = CreateJSON(layout: layout)
        createJSONCache = (layout, shape)
        return shape
    }

    /// Inserts a created user from its mapped values: the row `write` inserts for the resource
    /// built from them (`JSONValue.userResource`), without building it.
    private func insert(_ values: PathValues<SCIMValue>, shape: CreateJSON, id: String, at time: String, digest: AppliedDigest) throws {
        let (userName, externalId, active) = shape.identity(values)
        guard let userName, !userName.isEmpty else {
            throw ActionFailure(code: "invalidResource", message: "the resource has no userName")
        }
        jsonBuffer.removeAll(keepingCapacity: true)
        shape.write(values, id: id, created: time, lastModified: time, version: SQLiteStore.etag(1), into: &jsonBuffer)
        let json = String(decoding: jsonBuffer, as: UTF8.self)
        let attributes = Self.columns.map { SQLValue(shape.value(values, at: $0.path).map(\.text)) }
        try run(insert: true, userName: userName, values: [.text(id), SQLValue(externalId), .text(userName),
            .text(IdentityKey.normalize(userName)), SQLValue(active)] + attributes
            + [.text(json), .text(time), .text(time), .integer(1), SQLValue(digest.value), .integer(1), SQLValue(digest.source)])
    }

    /// A stored user's userName and externalId.
    struct Identity: Equatable {
        let userName: String
        let externalId: String?
    }

    /// Inserts or rewrites a user from its resource, keeping the columns in step with the JSON.
    /// - Parameter identity: when rewriting, the user's stored identity columns.
    private func write(
        _ resource: JSONValue, id: String, created: String, version: Int, at time: String, insert: Bool, digest: AppliedDigest,
        identity: Identity? = nil
    ) throws {
        guard let userName = resource.member("userName")?.stringValue, !userName.isEmpty else {
            throw ActionFailure(code: "invalidResource", message: "the resource has no userName")
        }
        let key = IdentityKey.normalize(userName)
        let externalId = resource.member("externalId")?.stringValue
        let active = resource.member("active")?.boolValue ?? true
        let meta: JSONValue = .object([
            "resourceType": .string("User"), "created": .string(created), "lastModified": .string(time),
            "version": .string(SQLiteStore.etag(version)), "location": .string("Users/\(id)"),
        ])
        var full = resource
        full.set(SCIMPath(attribute: "id"), to: .string(id))
        full.set(SCIMPath(attribute: "meta"), to: meta)
        let json = JSONWriter.write(full, pretty: false)
        let attributes = Self.columns.map { SQLValue(resource.value(at: $0.path).flatMap(SCIMValue.init(json:)).map(\.text)) }
        if insert {
            try run(insert: true, userName: userName, values: [.text(id), SQLValue(externalId), .text(userName), .text(key), SQLValue(active)]
                + attributes + [.text(json), .text(created), .text(time), .integer(Int64(version)), SQLValue(digest.value), .integer(Int64(version)), SQLValue(digest.source)])
        } else {
            let unchanged = [SQLValue(active)] + attributes
                + [.text(json), .text(time), .integer(Int64(version)), SQLValue(digest.value), .integer(Int64(version)),
                   SQLValue(digest.source), .text(id)]
            if identity == Identity(userName: userName, externalId: externalId) {
                try updateUserKeepingIdentity.run(values: unchanged)
            } else {
                try run(insert: false, userName: userName, values: [SQLValue(externalId), .text(userName), .text(key)] + unchanged)
            }
        }
    }

    /// Runs the insert or update with `values`, a taken userName reported as the action's failure.
    private func run(insert: Bool, userName: String, values: [SQLValue]) throws {
        do {
            try (insert ? insertUser : updateUser).run(values: values)
        } catch {
            if case .sqlite(code: 2067, _, _) = error {
                throw ActionFailure(code: "uniqueness", message: "userName \(userName) is already taken by another target user")
            }
            throw error
        }
    }
}

extension UserWriter {
    /// Records the digests of users a full comparison found unchanged (`Plan.digestRefresh`); a user
    /// changed since (another version) keeps what it has.
    func refresh(_ digests: DigestRefresh) throws(StoreError) {
        for entry in digests.entries {
            guard let version = SQLiteStore.version(etag: entry.version) else { continue }
            try setDigest.run(SQLValue(entry.digest), SQLValue(entry.source), .text(entry.targetId), .integer(Int64(version)))
        }
    }
}

extension SQLValue {
    /// A digest as SQLite's signed 64-bit integer; `nil` as NULL.
    init(_ digest: UInt64?) {
        self = digest.map { .integer(Int64(bitPattern: $0)) } ?? .null
    }
}

extension SCIMValue {
    /// The value as a column's text.
    var text: String {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        }
    }
}
