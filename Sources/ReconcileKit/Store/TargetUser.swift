import Foundation

/// A SCIM User as the target holds it now: its identity, state and full resource.
///
/// The embedded store hands out users whose resource is read only when something asks for it
/// (`deferred`): a nightly run compares most users by their applied digest and never needs it.
public struct TargetUser: Sendable, Equatable {
    /// The target's `id` (server-assigned, RFC 7643 §3.1).
    public let id: String
    public let externalId: String?
    public let userName: String
    public let active: Bool
    /// `meta.version`, the resource's ETag (RFC 7644 §3.14); compared before changing the user.
    public let version: String
    /// The digest of the mapped values this job last wrote to the user (`DesiredUser.updateDigest`),
    /// when it still describes the current version; `nil` when unknown.
    public let appliedDigest: UInt64?
    /// The digest of the directory record the applied digest was mapped from (`SourceDigest`);
    /// `nil` when unknown, and whenever `appliedDigest` is.
    public let sourceDigest: UInt64?
    private let storage: ResourceStorage

    /// The whole resource as JSON.
    public var resource: JSONValue {
        switch storage {
        case .loaded(let resource): return resource
        case .deferred(let loader): return loader.resource(id: id)
        }
    }

    public init(
        id: String, externalId: String?, userName: String, active: Bool, version: String, resource: JSONValue,
        appliedDigest: UInt64? = nil, sourceDigest: UInt64? = nil
    ) {
        self.init(id: id, externalId: externalId, userName: userName, active: active, version: version,
                  storage: .loaded(resource), appliedDigest: appliedDigest, sourceDigest: sourceDigest)
    }

    /// A user whose resource `loader` reads when it is first asked for.
    init(id: String, externalId: String?, userName: String, active: Bool, version: String, loader: ResourceLoader, appliedDigest: UInt64?,
         sourceDigest: UInt64?) {
        self.init(id: id, externalId: externalId, userName: userName, active: active, version: version,
                  storage: .deferred(loader), appliedDigest: appliedDigest, sourceDigest: sourceDigest)
    }

    private init(id: String, externalId: String?, userName: String, active: Bool, version: String,
                 storage: ResourceStorage, appliedDigest: UInt64?, sourceDigest: UInt64?) {
        self.id = id
        self.externalId = externalId
        self.userName = userName
        self.active = active
        self.version = version
        self.storage = storage
        self.appliedDigest = appliedDigest
        self.sourceDigest = appliedDigest == nil ? nil : sourceDigest
    }

    /// This user with its resource in hand: comparing it reads many paths, and a deferred resource
    /// would be read from the store again for each of them.
    func withResourceRead() -> TargetUser {
        guard case .deferred = storage else { return self }
        return TargetUser(id: id, externalId: externalId, userName: userName, active: active, version: version,
                          storage: .loaded(resource), appliedDigest: appliedDigest, sourceDigest: sourceDigest)
    }

    /// Reads a User resource as a SCIM server returns it.
    public init?(resource: JSONValue) {
        guard let id = resource.member("id")?.stringValue,
              let userName = resource.member("userName")?.stringValue else { return nil }
        let externalId = resource.member("externalId")?.stringValue
        self.init(
            id: id,
            externalId: externalId?.isEmpty == true ? nil : externalId,
            userName: userName,
            active: resource.member("active").flatMap(Self.boolean) ?? true,
            version: resource.member("meta")?.member("version")?.stringValue ?? "",
            resource: resource
        )
    }

    /// The current value at a mapped path, or `nil` when the resource has none.
    public func value(at path: SCIMPath) -> SCIMValue? {
        // The matching attributes are kept beside the resource: matching reads them for every user.
        if path == .userName { return userName.isEmpty ? nil : .string(userName) }
        if path == .externalId { return externalId.flatMap { $0.isEmpty ? nil : .string($0) } }
        guard let json = resource.value(at: path) else { return nil }
        switch SCIMUserSchema.type(of: path) {
        case .boolean:
            if let flag = Self.boolean(json) { return .bool(flag) }
        case .reference:
            // `{"value": id}` as RFC 7643 §4.3 has it, or the bare id some servers keep from Entra's PATCH.
            if let id = json.member("value")?.stringValue ?? json.stringValue { return id.isEmpty ? nil : .string(id) }
        case .string:
            break
        }
        return SCIMValue(json: json)
    }

    /// A boolean as servers write it: JSON `true`/`false`, or the strings Entra itself sends
    /// (`"True"`, `"False"`, entra-provisioning.md §2).
    static func boolean(_ json: JSONValue) -> Bool? {
        switch json {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: return nil
        }
    }
}

/// Where a target user's resource is: in hand, or in the store until asked for.
enum ResourceStorage: Sendable, Equatable {
    case loaded(JSONValue)
    case deferred(ResourceLoader)

    static func == (a: ResourceStorage, b: ResourceStorage) -> Bool {
        switch (a, b) {
        case (.loaded(let x), .loaded(let y)): return x == y
        case (.deferred(let x), .deferred(let y)): return x === y
        default: return false
        }
    }
}

/// Reads single resources from the embedded store on demand, with one prepared statement.
///
/// Reading cannot fail in the middle of planning without a way to say so: a failure is kept
/// (`failure`) and the run checks it before it shows or applies the plan, so a plan made from a
/// resource that could not be read is never used.
final class ResourceLoader: @unchecked Sendable {
    private let lock = NSLock()
    // Used under `lock` only, which is what makes sharing it safe.
    // `nil` once the store closed (`close()`): the statement would otherwise keep its connection open.
    private nonisolated(unsafe) var statement: Statement?
    private var firstFailure: StoreError?
    private var readCount = 0

    init(database: Database) throws(StoreError) {
        statement = try database.prepare("SELECT resource FROM users WHERE id = ?")
    }

    /// The first read that failed since the store was read, if any.
    var failure: StoreError? { lock.withLock { firstFailure } }

    /// How many resources were read since the store was read.
    var reads: Int { lock.withLock { readCount } }

    /// Lets go of the store's connection; users that still hold this loader can no longer read
    /// their resources, and a read records a failure.
    func close() {
        lock.withLock { statement = nil }
    }

    func resource(id: String) -> JSONValue {
        lock.withLock {
            readCount += 1
            do {
                guard let statement else {
                    throw StoreError.sqlite(code: 0, message: "user \(id) read after the store was closed", sql: "SELECT resource FROM users")
                }
                try statement.bind([.text(id)])
                defer { statement.reset() }
                guard try statement.step() else {
                    throw StoreError.sqlite(code: 0, message: "user \(id) disappeared while planning", sql: "SELECT resource FROM users")
                }
                return try SQLiteStore.parseResource(statement, column: 0)
            } catch {
                if firstFailure == nil {
                    firstFailure = (error as? StoreError) ?? .sqlite(code: 0, message: "\(error)", sql: "SELECT resource FROM users")
                }
                return .object([:])
            }
        }
    }
}
