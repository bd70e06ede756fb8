import Foundation

/// The job's own records in SQLite: links (which target users it manages), runs, and the
/// provisioning log (one row per action, Entra's provisioning logs in spirit, entra-provisioning.md §8).
///
/// Lives in the embedded store's file, or in the state file beside a live SCIM endpoint.
public final class RunState {
    let database: Database
    private let upsertLink: Statement
    private let deleteLink: Statement
    private let insertLog: Statement
    /// Each log record's `change_id`, a random UUID.
    private var changeIDs = RandomPool()

    /// Prepares the statements used per action, once per run.
    init(database: Database) throws(StoreError) {
        self.database = database
        upsertLink = try database.prepare("""
        INSERT INTO links (source_id, target_id, created, run_id) VALUES (?, ?, ?, ?)
        ON CONFLICT (source_id) DO UPDATE SET target_id = excluded.target_id, run_id = excluded.run_id
        WHERE target_id <> excluded.target_id
        """)
        deleteLink = try database.prepare("DELETE FROM links WHERE target_id = ?")
        insertLog = try database.prepare("""
        INSERT INTO provisioning_log
            (run_id, change_id, time, action, status, source_id, target_id, user_name, changes, error_code, reason, duration_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    }

    /// One provisioning log record.
    struct LogEntry {
        var action: String
        var status: String
        var sourceID: String?
        var targetID: String?
        var userName: String?
        var changes: [AttributeChange] = []
        var errorCode: String?
        var reason: String?
        var durationMS: Double = 0
    }

    /// Records the start of a run and returns its id.
    func beginRun(mode: String, snapshotSHA256: String?, at time: String) throws(StoreError) -> Int64 {
        try database.prepare("INSERT INTO runs (started_at, mode, snapshot_sha256) VALUES (?, ?, ?)")
            .run(.text(time), .text(mode), SQLValue(snapshotSHA256))
        return database.lastInsertRowID
    }

    /// Records how a run ended.
    func finishRun(_ id: Int64, outcome: String, counts: [PlanAction.Kind: Int], failed: Int, at time: String) throws(StoreError) {
        let count = { (kind: PlanAction.Kind) in SQLValue.integer(Int64(counts[kind] ?? 0)) }
        try database.prepare("""
            UPDATE runs SET finished_at = ?, outcome = ?, created = ?, updated = ?, linked = ?, disabled = ?,
                deleted = ?, skipped = ?, failed = ? WHERE id = ?
            """).run(.text(time), .text(outcome), count(.create), count(.update), count(.link), count(.disable),
                     count(.delete), count(.skip), .integer(Int64(failed)), .integer(id))
    }

    /// Source id -> target id for every user this job manages.
    public func linksBySource() throws -> [String: String] {
        try linksBySource(sharingStringsOf: [])
    }

    /// `linksBySource()`, each target id being the string its user in `users` holds, and each source
    /// id too when it is that user's externalId (as the default mapping has it): a million links then
    /// keep no strings of their own (160 bytes each). `users` in id order (`SQLiteStore`'s), so each
    /// link finds its user by a binary search; a user out of that order only misses the sharing.
    ///
    /// The links are read as they are stored, not by target id: a scan of the table, where the order
    /// of the target id index took a lookup in the table per link (0.4 s, not 0.1 s, for a million).
    /// The links this job made are stored in the order it made them, and its target ids are
    /// time-ordered (`TimeOrderedID`): most links' users are next to the last one's, which is
    /// tried before searching.
    public func linksBySource(sharingStringsOf users: [TargetUser]) throws -> [String: String] {
        try linksBySource(sharingStringsOf: users, describing: nil).links.dictionary
    }

    /// `linksBySource(sharingStringsOf:)`, and what the links are to a snapshot (`SnapshotLinks`),
    /// found in the same walk. `externalIds` gives, per user, the snapshot position of the user whose
    /// id is its externalId (-1 for none), as reading the users found them: a link whose source is
    /// that externalId needs no lookup, and only the others are looked up among the snapshot's users.
    ///
    /// With a snapshot, the links by source id are made only if asked for (`Links`): the walk keeps
    /// each link as its user's position when it runs from the user's externalId to its id (the
    /// default mapping's links), else as its two strings.
    func linksBySource(
        sharingStringsOf users: [TargetUser], describing snapshot: (snapshot: Snapshot, externalIds: [Int32])?
    ) throws -> (links: Links, snapshot: SnapshotLinks?) {
        let byID = snapshot?.snapshot.positions()
        var linked = [Int32](repeating: -1, count: byID?.users.count ?? 0)
        var missing: [(source: String, target: String)] = []
        // In row order: a user's position in `users`, or -1 - a position in `others`.
        var rows: [Int32] = []
        rows.reserveCapacity(users.count)
        var others: [(source: String, target: String)] = []
        var next = 0
        let statement = try database.prepare("SELECT source_id, target_id FROM links ORDER BY rowid")
        try statement.forEachRow { row in
            let found = row.withTextBytes(1) { target in Self.position(of: target, in: users, tryingFirst: next) }
            func lookedUp() -> Int? {
                byID.flatMap { byID in row.withTextBytes(0) { byID.position(ofUTF8: $0.assumingMemoryBound(to: UInt8.self)) } }
            }
            guard let found else {
                let position = lookedUp()
                let (source, target) = (row.text(0), row.text(1))
                rows.append(-1 - Int32(others.count))
                others.append((source, target))
                if byID != nil, position == nil { missing.append((source, target)) }
                return
            }
            // Read in place: a copy of the user would retain and release all its strings. The
            // source id is compared as SQLite holds it, and made a string of its own only when
            // it is not the user's externalId.
            next = found
            defer { next += 1 }
            let source: String
            let position: Int?
            if let externalId = users[next].externalId, row.withTextBytes(0, { ByteHash.sameBytes(externalId, $0) }) {
                (source, position) = (externalId, snapshot.flatMap { $0.externalIds[next] < 0 ? nil : Int($0.externalIds[next]) })
                rows.append(Int32(next))
            } else {
                (source, position) = (row.text(0), lookedUp())
                rows.append(-1 - Int32(others.count))
                others.append((source, users[next].id))
            }
            if let position {
                linked[position] = Int32(next)
            } else if byID != nil {
                missing.append((source, users[next].id))
            }
        }
        let (kept, keptOthers) = (rows, others)
        let links = { @Sendable in Self.dictionary(of: kept, others: keptOthers, users: users) }
        guard let snapshot = snapshot?.snapshot, let byID else { return (Links(links()), nil) }
        return (Links(making: links), SnapshotLinks(
            sha256: snapshot.sha256, userCount: snapshot.users.count, linkedTarget: linked, missing: missing,
            idsAreUnique: byID.idsAreUnique))
    }

    /// The links by source id that `rows` and `others` hold (`linksBySource`), in row order: where
    /// two sources are equal strings, the later row's link is kept.
    private static func dictionary(of rows: [Int32], others: [(source: String, target: String)], users: [TargetUser]) -> [String: String] {
        var links: [String: String] = [:]
        links.reserveCapacity(rows.count)
        for row in rows {
            if row >= 0 {
                links[users[Int(row)].externalId!] = users[Int(row)].id
            } else {
                let (source, target) = others[Int(-1 - row)]
                links[source] = target
            }
        }
        return links
    }

    /// The position in `users` (in id order, by bytes as SQLite orders them) of the user whose id
    /// is `target`, trying `next` first: where the link before left off.
    private static func position(of target: UnsafeRawBufferPointer, in users: [TargetUser], tryingFirst next: Int) -> Int? {
        if next < users.count {
            let order = ByteHash.compare(users[next].id, target)
            if order == 0 { return next }
        }
        var low = 0, end = users.count
        while low < end {
            let middle = (low + end) / 2
            let order = ByteHash.compare(users[middle].id, target)
            if order == 0 { return middle }
            if order < 0 { low = middle + 1 } else { end = middle }
        }
        return nil
    }

    /// How many users this job manages (links): what the deletion threshold's percentage is of.
    public func managedUserCount() throws(StoreError) -> Int {
        try database.scalarInt("SELECT count(*) FROM links") ?? 0
    }

    func link(sourceID: String, targetID: String, runID: Int64, at time: String) throws(StoreError) {
        try upsertLink.run(.text(sourceID), .text(targetID), .text(time), .integer(runID))
    }

    /// Forgets the link to a deleted target user.
    func unlink(targetID: String) throws(StoreError) {
        try deleteLink.run(.text(targetID))
    }

    /// Appends one provisioning log record.
    func log(_ entry: LogEntry, runID: Int64, at time: String) throws(StoreError) {
        let changes = entry.changes.isEmpty ? SQLValue.null : .text(JSONWriter.write(
            .array(entry.changes.map(\.json)), pretty: false))
        try insertLog.run(
            .integer(runID), .text(changeIDs.uuid()), .text(time), .text(entry.action), .text(entry.status),
            SQLValue(entry.sourceID), SQLValue(entry.targetID), SQLValue(entry.userName), changes,
            SQLValue(entry.errorCode), SQLValue(entry.reason), .real(entry.durationMS)
        )
    }
}

extension AttributeChange {
    /// `{"attribute", "old", "new"}` as the plan file and the provisioning log write it.
    var json: JSONValue {
        var members: [String: JSONValue] = ["attribute": .string(path.description)]
        members["old"] = old?.json ?? .null
        members["new"] = new?.json ?? .null
        return .object(members)
    }
}
