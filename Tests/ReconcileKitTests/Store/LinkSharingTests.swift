import Foundation
import Testing
@testable import ReconcileKit

/// The planner's links share the strings the store's users hold, and the users the snapshot's: they
/// must still hold exactly the store's links and text, whatever the ids and however the rows pair up.
final class LinkSharingTests {
    private let temporary: TemporaryStore
    private var folder: String { temporary.folder }
    private var store: SQLiteStore { temporary.store }

    init() throws {
        temporary = try TemporaryStore()
    }

    private func link(_ source: String, _ target: String) throws {
        try store.database.execute(
            "INSERT INTO links (source_id, target_id, created) VALUES ('\(source)', '\(target)', '2026-03-02T07:00:00Z')")
    }

    @Test func linksReadBesideTheUsersAreTheStoresLinks() throws {
        _ = try store.apply(
            try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()], against: store),
            mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        // A link to no user (the account was removed by hand), and one whose source is not the externalId.
        try link("gone-id", "0000-no-such-user")
        try link("zz-other-source", "zzzz-no-such-user-either")
        let bobTarget = try #require(try store.links()["bob-id"])
        try store.database.execute("UPDATE links SET source_id = 'bob-renamed' WHERE target_id = '\(bobTarget)'")

        let state = try store.targetState()
        #expect(state.links == (try store.links()))
        #expect(state.links.count == 5)
        #expect(state.links["bob-renamed"] == bobTarget)
        #expect(state.links["gone-id"] == "0000-no-such-user")
        // Users handed over out of id order only miss the sharing.
        let shuffled = Array(state.users.reversed())
        #expect(try store.runState.linksBySource(sharingStringsOf: shuffled) == (try store.links()))
    }

    @Test func usersReadBesideTheSnapshotHoldExactlyTheStoresText() throws {
        let users = [StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()]
        _ = try store.apply(try StoreFixtures.plan(users, against: store), mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        // Bob's account renamed outside (his userName is no longer his userPrincipalName); Carol's
        // externalId in another case, which must not be taken for hers.
        let bob = try #require(try store.links()["bob-id"])
        let carol = try #require(try store.links()["carol-id"])
        try store.database.execute("UPDATE users SET user_name = 'robert@contoso.example' WHERE id = '\(bob)'")
        try store.database.execute("UPDATE users SET external_id = 'CAROL-ID' WHERE id = '\(carol)'")
        let snapshot = try SnapshotLoader().load(path: try Self.export(users, in: folder))

        let shared = try store.targetState(sharingStringsOf: snapshot)
        let plain = try store.targetState()
        let fields = { (state: Planner.TargetState) in state.users.map { [$0.id, $0.externalId ?? "-", $0.userName, $0.version] } }
        #expect(fields(shared) == fields(plain))
        #expect(shared.users.map(\.appliedDigest) == plain.users.map(\.appliedDigest))
        #expect(shared.users.first { $0.id == bob }?.userName == "robert@contoso.example")
        #expect(shared.users.first { $0.id == carol }?.externalId == "CAROL-ID")
        #expect(shared.links == plain.links)
    }

    @Test func usersReadInChunksOnBothCoresAreTheStoresRowsInIDOrder() throws {
        // Two full chunks and part of a third; rows inserted out of id order, with every kind of
        // column: no externalId, no or a stale digest, disabled, versions past the common ETags.
        let rows = 2 * UserRows.chunkSize + 17
        try store.database.execute("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows))
            INSERT INTO users (id, external_id, user_name, user_name_key, active, resource, created, last_modified,
                               version, applied_digest, digest_version)
            SELECT printf('t-%06d', (i * 7919) % 100003), CASE WHEN i % 3 = 0 THEN NULL ELSE printf('src-%06d', i) END,
                   printf('user%06d@contoso.example', i), printf('user%06d@contoso.example', i), i % 5 != 0, '{}',
                   '2026-03-02T07:00:00Z', '2026-03-02T07:00:00Z', CASE WHEN i % 13 = 0 THEN 1500 + i ELSE i % 4 + 1 END,
                   CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000003 END, CASE WHEN i % 11 = 0 THEN 0 ELSE i % 4 + 1 END
            FROM n
            """)
        var expected: [[String]] = []
        try store.database.prepare("""
            SELECT id, external_id, user_name, active, version,
                   CASE WHEN applied_digest IS NOT NULL AND digest_version = version THEN applied_digest END
            FROM users ORDER BY id
            """).forEachRow { row in
            expected.append([row.text(0), row.optionalText(1) ?? "-", row.text(2), "\(row.int(3) != 0)",
                             "W/\"\(row.int(4))\"", row.isNull(5) ? "-" : "\(UInt64(bitPattern: row.int64(5)))"])
        }
        // Every other externalId is a user of the export, half of them with the row's userName.
        let records = (1...rows).filter { $0 % 2 == 1 }.map { i in
            JSONValue.object(["id": .string(String(format: "src-%06d", i)),
                              "userPrincipalName": .string(String(format: i % 4 == 1 ? "user%06d@contoso.example" : "other%06d@contoso.example", i))])
        }
        let path = folder + "/users.json"
        try JSONWriter.write(.object(["value": .array(records)])).write(toFile: path, atomically: true, encoding: .utf8)
        let snapshot = try SnapshotLoader().load(path: path)

        let fields = { (state: Planner.TargetState) in
            state.users.map { [$0.id, $0.externalId ?? "-", $0.userName, "\($0.active)", $0.version, $0.appliedDigest.map { "\($0)" } ?? "-"] }
        }
        #expect(expected.count == rows)
        #expect(fields(try store.targetState()) == expected)
        #expect(fields(try store.targetState(sharingStringsOf: snapshot)) == expected)
    }

    @Test func linksStoredOutOfTargetIDOrderFindTheirUsers() throws {
        // Users whose ids sort apart from the order their links were made in (as links made by
        // matching existing accounts are): the links are read as stored, and each must still find
        // its user, share its strings and say which snapshot user it is.
        let count = 300
        let target = { (i: Int) in String(format: "target-%06d-of-a-long-id", (i * 7919) % 100_003) }
        try store.database.execute("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            INSERT INTO users (id, external_id, user_name, user_name_key, active, resource, created, last_modified, version)
            SELECT printf('target-%06d-of-a-long-id', (i * 7919) % 100003), printf('source-%06d-of-a-long-id', i),
                   printf('user%06d@contoso.example', i), printf('user%06d@contoso.example', i), 1, '{}',
                   '2026-03-02T07:00:00Z', '2026-03-02T07:00:00Z', 1
            FROM n
            """)
        // Links in a scrambled order; every tenth user has none, and two links lead to no user.
        for i in (1...count).sorted(by: { ($0 * 131) % 307 < ($1 * 131) % 307 }) where i % 10 != 0 {
            try link(String(format: "source-%06d-of-a-long-id", i), target(i))
        }
        try link("source-gone-of-a-long-id", "target-000000-no-such-user")
        try link("source-zz-gone-of-a-long-id", "target-zzzzzz-no-such-user")
        // The snapshot holds every other source user.
        let snapshot = StoreFixtures.snapshot((1...count).filter { $0 % 2 == 1 }.map {
            StoreFixtures.user(String(format: "source-%06d-of-a-long-id", $0), upn: String(format: "user%06d@contoso.example", $0), record: $0)
        })

        let state = try store.targetState(sharingStringsOf: snapshot)
        let stored = try store.links()
        #expect(stored.count == count - count / 10 + 2)
        #expect(state.links == stored)
        let found = try #require(state.snapshotLinks)
        let positionByID = Dictionary(uniqueKeysWithValues: state.users.enumerated().map { ($1.id, $0) })
        for (position, user) in snapshot.users.enumerated() {
            #expect(found.linkedTarget(at: position) == stored[user.id].flatMap { positionByID[$0] }, "snapshot user \(user.id)")
        }
        #expect(found.missing.map(\.source).sorted() == (["source-gone-of-a-long-id", "source-zz-gone-of-a-long-id"]
            + (1...count).filter { $0 % 2 == 0 && $0 % 10 != 0 }.map { String(format: "source-%06d-of-a-long-id", $0) }).sorted())
        // Each link to a user holds that user's id string itself, not a copy of its text.
        let same = { (a: String, b: String) in withUnsafeBytes(of: a) { a in withUnsafeBytes(of: b) { a.elementsEqual($0) } } }
        var shared = 0
        for user in state.users {
            guard let source = user.externalId, let linked = state.links[source] else { continue }
            #expect(same(linked, user.id), "link of \(source)")
            shared += 1
        }
        #expect(shared == count - count / 10)
    }

    /// A Graph page holding `users`' properties.
    private static func export(_ users: [DirectoryUser], in folder: String) throws -> String {
        let records = users.map { JSONValue.object($0.properties.dictionary) }
        let path = folder + "/users.json"
        try JSONWriter.write(.object(["value": .array(records)])).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
