import Foundation
import Synchronization

/// The embedded SCIM store: SCIM Users and this job's run state in one SQLite file.
///
/// Users keep the full resource JSON plus columns for identity (`user_name_key` is the NFC,
/// case-folded userName, unique) and for the attributes of the default mapping, so the file can be
/// queried with the `sqlite3` shell. Every change to users or links bumps the store's generation
/// (by trigger), which with the store's random id makes the fingerprint a plan is checked against.
public final class SQLiteStore: ProvisioningTarget {
    public let path: String
    let database: Database
    /// This store's links, runs and provisioning log, kept in the same file.
    public let runState: RunState
    private lazy var writer = Result { try UserWriter(database: database) }
    /// Read the resources of the users each `targetState()` handed out, when planning asks for them;
    /// the last one is the current plan's.
    private var resourceLoaders: [ResourceLoader] = []
    private var resourceLoader: ResourceLoader? { resourceLoaders.last }

    public var kind: String { "sqlite" }
    public var location: String { path }
    /// Large enough to amortise commits, small enough to bound the work a crash loses.
    public var batchSize: Int { 2_000 }
    /// The fewest creates applied as a bulk load (`BulkLoad`); below that, the batches' index
    /// pages stay in the page cache and a crash loses at most one batch.
    var bulkLoadMinimum = 5_000

    /// Opens the store at `path`; `create` allows creating a missing one.
    /// - Parameter notice: receives one line for stderr when the store is created.
    public init(path: String, create: Bool, notice: (String) -> Void = { _ in }) throws {
        self.path = path
        self.database = try StoreFile.open(path, kind: .scim, create: create, created: notice)
        self.runState = try RunState(database: database)
    }

    // Users handed out by `targetState()` may outlive the store (a run keeps them until it exits):
    // their loader lets go of the connection now, so it closes (and checkpoints) as it would.
    deinit {
        for loader in resourceLoaders { loader.close() }
    }

    /// Writes one action's change to the users table (the Applier records links and the log).
    public func apply(_ action: PlanAction, at time: String) throws -> String {
        try writer.get().apply(action, at: time)
    }

    /// Applies `plan` to this store (see `Applier`).
    public func apply(_ plan: Plan, mode: String, checkFingerprint: Bool, now: () -> String = Timestamp.now) throws -> ApplyResult {
        try Applier(target: self, state: runState).apply(plan, mode: mode, checkFingerprint: checkFingerprint, now: now)
    }

    /// Every action is one INSERT, UPDATE or DELETE, or fails before writing (`UserWriter`), and
    /// SQLite undoes a statement that fails (a uniqueness conflict) whole: a failed action leaves
    /// nothing to roll back.
    public var failedActionsWriteNothing: Bool { true }

    /// A first load of at least `bulkLoadMinimum` users into a store with fewer rows than it adds.
    public func isBulkLoad(creates: Int) throws -> Bool {
        try BulkLoad.isWorthwhile(creates: creates, minimum: bulkLoadMinimum, in: database)
    }

    /// The fingerprint of a store that does not exist yet: plans made against it apply to a new store.
    public static let emptyFingerprint = "new"

    /// What planning sees of a store that does not exist yet at `path`: no users, no links.
    public static func emptyTargetState(at path: String) -> Planner.TargetState {
        Planner.TargetState(users: [], links: [:], kind: "sqlite", location: path, fingerprint: emptyFingerprint)
    }

    /// Changes whenever a user or a link changes, by this job or anyone else.
    public func fingerprint() throws(StoreError) -> String {
        let generation = try database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") ?? "0"
        if generation == "0" { return Self.emptyFingerprint }
        let storeID = try database.scalarText("SELECT value FROM store_info WHERE key = 'store_id'") ?? ""
        return "\(storeID):\(generation)"
    }

    /// Every user in the store, in id order, each with its whole resource.
    public func users() throws -> [TargetUser] {
        var users: [TargetUser] = []
        let statement = try database.prepare("SELECT id, external_id, user_name, active, version, resource FROM users ORDER BY id")
        try statement.forEachRow { row in
            let resource = try Self.parseResource(row, column: 5)
            users.append(TargetUser(
                id: row.text(0), externalId: row.optionalText(1), userName: row.text(2),
                active: row.int(3) != 0, version: Self.etag(row.int(4)), resource: resource
            ))
        }
        return users
    }

    /// Every user in the store, in id order, with the resources left in the store until planning
    /// asks for one (`TargetUser`): a nightly run reads a million users' columns, not their JSON.
    /// - Parameter snapshot: users whose id is a row's externalId lend the row their id string, and
    ///   their userPrincipalName when it is the row's userName (the default mapping's case), so the
    ///   same text is not held twice; bytes must be equal for a string to be shared.
    /// - Returns: the users, and for each the snapshot position of the user whose id is its
    ///   externalId (-1 for none).
    func plannedUsers(
        progress: ProgressReporter? = nil, sharingStringsOf snapshot: Snapshot? = nil
    ) throws -> (users: [TargetUser], positions: [Int32]) {
        let positions = snapshot?.positions()
        let loader = try ResourceLoader(database: database)
        resourceLoaders.append(loader)
        // One read transaction: the count is the number of rows the statement gives.
        return try database.reading {
            let count = try userCount()
            progress?.begin(stage: "reading the store", total: count, unit: "rows")
            let statement = try database.prepare("""
                SELECT id, external_id, user_name, active, version, applied_digest, digest_version, source_digest FROM users ORDER BY id
                """)
            return try UserRows.users(from: statement, count: count, progress: progress) { chunk, place in
                Self.makeUsers(of: chunk, sharingStringsOf: positions, loader: loader, place)
            }
        }
    }

    /// Makes the users of `chunk`'s rows, giving each with its offset in the chunk to `body`. A row
    /// whose externalId is the id of a user in `positions` shares that user's id string, and its
    /// userPrincipalName when it is the row's userName; that user's position goes with it (else -1).
    private static func makeUsers(
        of chunk: UserRows.Chunk, sharingStringsOf positions: SnapshotPositions?, loader: ResourceLoader,
        _ body: (Int, TargetUser, Int32) -> Void
    ) {
        chunk.bytes.withUnsafeBufferPointer { bytes in
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            for (offset, row) in chunk.rows.enumerated() {
                var externalId: String?
                var userName: String?
                var snapshotPosition: Int32 = -1
                if let positions, let range = row.externalId {
                    let written = UnsafeBufferPointer(rebasing: bytes[range])
                    if let position = positions.position(ofUTF8: written) {
                        // Read in place: a copy of the user would retain and release all its strings.
                        if ByteHash.sameBytes(positions.users[position].id, UnsafeRawBufferPointer(written)) {
                            externalId = positions.users[position].id
                            snapshotPosition = Int32(position)
                            if case .string(let name)? = positions.users[position].properties["userprincipalname"],
                               ByteHash.sameBytes(name, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[row.userName]))) {
                                userName = name
                            }
                        }
                    }
                }
                body(offset, TargetUser(
                    id: text(row.id), externalId: externalId ?? row.externalId.map(text), userName: userName ?? text(row.userName),
                    active: row.active, version: row.version, loader: loader, appliedDigest: row.digest,
                    sourceDigest: row.source), snapshotPosition)
            }
        }
    }

    /// Why a resource planning asked for could not be read, if one could not: the plan is then not
    /// to be used.
    public func planningFailure() -> StoreError? { resourceLoader?.failure }

    /// How many users' resources planning read since the store was read.
    var resourcesRead: Int { resourceLoader?.reads ?? 0 }

    /// Source id -> target id for every user this job manages.
    public func links() throws -> [String: String] {
        try runState.linksBySource()
    }

    /// The users and links, as the Planner needs them.
    /// - Parameters:
    ///   - progress: the "reading the store" stage, begun with `userCount()` as its total and
    ///     advanced by one per user row read.
    ///   - snapshot: when given, lends its strings to the users that hold the same text (`plannedUsers`).
    public func targetState(progress: ProgressReporter? = nil, sharingStringsOf snapshot: Snapshot? = nil) throws -> Planner.TargetState {
        let (users, externalIds) = try plannedUsers(progress: progress, sharingStringsOf: snapshot)
        // Reading the links keeps one core busy: for a run planning a snapshot, the other indexes
        // the users meanwhile, by id and by the default mapping's matching attributes, for the
        // planner's matcher.
        nonisolated(unsafe) let runState = runState
        let read = Mutex<Result<(links: Links, snapshot: SnapshotLinks?), any Error>?>(nil)
        let indexed = Mutex<TargetIndexes?>(nil)
        DispatchQueue.concurrentPerform(iterations: snapshot == nil ? 1 : 2) { task in
            if task == 0 {
                let result = Result { try runState.linksBySource(sharingStringsOf: users, describing: snapshot.map { ($0, externalIds) }) }
                read.withLock { $0 = result }
            } else {
                let indexes = TargetIndexes(users, paths: [.externalId, .userName], byID: true)
                indexed.withLock { $0 = indexes }
            }
        }
        let (links, snapshotLinks) = try read.withLock { $0! }.get()
        var state = Planner.TargetState(users: users, linkTable: links, kind: "sqlite", location: path, fingerprint: try fingerprint())
        state.keepsDigests = true
        state.snapshotLinks = snapshotLinks
        state.indexes = indexed.withLock { $0 }
        return state
    }

    /// `meta.version` as a weak ETag (RFC 7644 §3.14).
    static func etag(_ version: Int) -> String {
        version >= 0 && version < commonETags.count ? commonETags[version] : "W/\"\(version)\""
    }

    /// Most users' versions are small numbers: their ETags are made once, not once per user read.
    private static let commonETags = (0..<1024).map { "W/\"\($0)\"" }

    /// The version number in an ETag made by `etag(_:)`.
    static func version(etag: String) -> Int? {
        guard etag.hasPrefix("W/\""), etag.hasSuffix("\""), etag.count > 3 else { return nil }
        return Int(etag.dropFirst(3).dropLast())
    }

    /// Records the digests of unchanged users a plan compared in full (`Plan.digestRefresh`).
    public func refreshDigests(_ digests: DigestRefresh) throws {
        guard !digests.entries.isEmpty else { return }
        try database.inTransaction { try writer.get().refresh(digests) }
    }

    static func parseResource(_ row: Statement, column: Int32) throws(StoreError) -> JSONValue {
        do {
            return try row.withTextBytes(column) { bytes throws(JSONError) in try JSONReader.parse(bytes) }
        } catch {
            throw .sqlite(code: 0, message: "users.resource holds invalid JSON (\(error.message))", sql: "SELECT resource FROM users")
        }
    }
}
