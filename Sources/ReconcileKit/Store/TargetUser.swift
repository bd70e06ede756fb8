import Foundation

/// A SCIM User as the target holds it now: its identity, state and full resource.
///
/// The embedded store hands out users whose resource is read only when something asks for it
/// (`deferred`): a nightly run compares most users by their applied digest and never needs it.
public struct TargetUser: Sendable, Equatable {
    // A million of these are held through planning: the fields are ordered, the digests kept
    // without optionals and the store's version as its number, so one takes 80 bytes, not 128.

    /// The target's `id` (server-assigned, RFC 7643 §3.1).
    public let id: String
    public let externalId: String?
    public let userName: String
    private let applied: UInt64
    private let source: UInt64
    private let storage: ResourceStorage
    /// The embedded store's version number (`SQLiteStore.etag`), or `inStorage` when the version
    /// is the ETag `storage` holds beside the resource.
    private let versionNumber: UInt32
    public let active: Bool
    /// Which of `applied` and `source` are known (`Known`).
    private let known: UInt8

    private enum Known {
        static let applied: UInt8 = 1
        static let source: UInt8 = 2
    }

    /// The digest of the mapped values this job last wrote to the user (`DesiredUser.updateDigest`),
    /// when it still describes the current version; `nil` when unknown.
    public var appliedDigest: UInt64? { known & Known.applied != 0 ? applied : nil }
    /// The digest of the directory record the applied digest was mapped from (`SourceDigest`);
    /// `nil` when unknown, and whenever `appliedDigest` is.
    public var sourceDigest: UInt64? { known & Known.source != 0 ? source : nil }

    private static let inStorage = UInt32.max

    /// `meta.version`, the resource's ETag (RFC 7644 §3.14); compared before changing the user.
    public var version: String {
        switch storage {
        case .loaded(let loaded) where versionNumber == Self.inStorage: return loaded.version
        default: return SQLiteStore.etag(Int(versionNumber))
        }
    }

    /// The whole resource as JSON.
    public var resource: JSONValue {
        switch storage {
        case .loaded(let loaded): return loaded.resource
        case .deferred(let loader): return loader.resource(id: id)
        }
    }

    public init(
        id: String, externalId: String?, userName: String, active: Bool, version: String, resource: JSONValue,
        appliedDigest: UInt64? = nil, sourceDigest: UInt64? = nil
    ) {
        self.init(id: id, externalId: externalId, userName: userName, active: active, versionNumber: Self.inStorage,
                  storage: .loaded(LoadedResource(resource, version: version)), appliedDigest: appliedDigest, sourceDigest: sourceDigest)
    }

    /// A user of the embedded store at version `version`, whose resource `loader` reads when it is
    /// first asked for.
    init(id: String, externalId: String?, userName: String, active: Bool, version: Int, loader: ResourceLoader, appliedDigest: UInt64?,
         sourceDigest: UInt64?) {
        guard let number = UInt32(exactly: version), number != Self.inStorage else {
            // Past four billion writes of one user: the version is kept as its ETag, with the resource.
            self.init(id: id, externalId: externalId, userName: userName, active: active, version: SQLiteStore.etag(version),
                      resource: loader.resource(id: id), appliedDigest: appliedDigest, sourceDigest: sourceDigest)
            return
        }
        self.init(id: id, externalId: externalId, userName: userName, active: active, versionNumber: number,
                  storage: .deferred(loader), appliedDigest: appliedDigest, sourceDigest: sourceDigest)
    }

    private init(id: String, externalId: String?, userName: String, active: Bool, versionNumber: UInt32,
                 storage: ResourceStorage, appliedDigest: UInt64?, sourceDigest: UInt64?) {
        self.id = id
        self.externalId = externalId
        self.userName = userName
        self.active = active
        self.versionNumber = versionNumber
        self.storage = storage
        applied = appliedDigest ?? 0
        source = appliedDigest == nil ? 0 : sourceDigest ?? 0
        known = appliedDigest == nil ? 0 : Known.applied | (sourceDigest == nil ? 0 : Known.source)
    }

    /// This user with its resource in hand: comparing it reads many paths, and a deferred resource
    /// would be read from the store again for each of them.
    func withResourceRead() -> TargetUser {
        guard case .deferred = storage else { return self }
        return TargetUser(id: id, externalId: externalId, userName: userName, active: active, versionNumber: versionNumber,
                          storage: .loaded(LoadedResource(resource, version: version)), appliedDigest: appliedDigest,
                          sourceDigest: sourceDigest)
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
/// Both cases hold a reference, so the storage takes one word.
enum ResourceStorage: Sendable, Equatable {
    case loaded(LoadedResource)
    case deferred(ResourceLoader)

    static func == (a: ResourceStorage, b: ResourceStorage) -> Bool {
        switch (a, b) {
        case (.loaded(let x), .loaded(let y)): return x.resource == y.resource && x.version == y.version
        case (.deferred(let x), .deferred(let y)): return x === y
        default: return false
        }
    }
}

/// A resource in hand, and its ETag.
final class LoadedResource: Sendable {
    let resource: JSONValue
    let version: String

    init(_ resource: JSONValue, version: String) {
        self.resource = resource
        self.version = version
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
