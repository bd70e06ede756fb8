import Foundation
import Testing
@testable import ReconcileKit

/// The source digest: the store keeps the digest of the record (and mapping) each applied digest
/// was mapped from, so a nightly run does not map records that have not changed; and every way it
/// must stop being trusted.
final class SourceDigestTests {
    private let temporary: TemporaryStore
    private var folder: String { temporary.folder }
    private var store: SQLiteStore { temporary.store }
    private var database: Database { store.database }

    init() throws {
        temporary = try TemporaryStore()
    }

    @discardableResult
    private func apply(_ plan: Plan, now: () -> String = StoreFixtures.firstClock) throws -> ApplyResult {
        try store.apply(plan, mode: "apply", checkFingerprint: false, now: now)
    }

    private func plan(_ users: [DirectoryUser], mapping: Mapping = .uiPath) throws -> Plan {
        Planner(mapping: mapping).plan(snapshot: StoreFixtures.snapshot(users), target: try store.targetState(), createdAt: StoreFixtures.planTime)
    }

    private func sourceDigest(_ sourceID: String) throws -> SQLValue {
        let id = try #require(try store.links()[sourceID])
        return try #require(try StoreFixtures.rows(database, "SELECT source_digest FROM users WHERE id = '\(id)'").first?.first)
    }

    /// Gives a user an applied digest that describes nothing, as valid for its version: a run that
    /// mapped the user would find it out of date and compare the user in full.
    private func spoilAppliedDigest(_ sourceID: String) throws {
        let id = try #require(try store.links()[sourceID])
        try database.execute("UPDATE users SET applied_digest = 12345 WHERE id = '\(id)'")
    }

    @Test func createsAndUpdatesWriteTheRecordsDigestWithTheActiveBit() throws {
        try apply(try plan([StoreFixtures.alice(), StoreFixtures.bob()]))
        let digests = SourceDigest(mapping: .uiPath)
        #expect(try sourceDigest("alice-id") == SQLValue(digests.of(StoreFixtures.alice(), active: true)))
        #expect(try sourceDigest("bob-id") == SQLValue(digests.of(StoreFixtures.bob(), active: true)))
        let changed = StoreFixtures.alice(jobTitle: "Lab Director")
        let update = try plan([changed, StoreFixtures.bob()])
        #expect(update.actions.map(\.kind) == [.update])
        try apply(update, now: StoreFixtures.secondClock)
        #expect(try sourceDigest("alice-id") == SQLValue(digests.of(changed, active: true)))
    }

    @Test func anUnchangedRecordIsNotMappedAgain() throws {
        try apply(try plan([StoreFixtures.alice(), StoreFixtures.bob()]))
        try spoilAppliedDigest("alice-id")
        // Alice's record is as it was: she is taken as in line without being mapped, so the spoilt
        // applied digest goes unseen and nothing is learned to refresh.
        let same = try plan([StoreFixtures.alice(), StoreFixtures.bob()])
        #expect(same.actions.isEmpty)
        #expect(same.noChange == 2)
        #expect(same.digestRefresh.entries.isEmpty)
        // Without her source digest she is mapped, compared in full, and both digests refreshed.
        try database.execute("UPDATE users SET source_digest = NULL")
        let mapped = try plan([StoreFixtures.alice(), StoreFixtures.bob()])
        #expect(mapped.actions.isEmpty)
        #expect(mapped.noChange == 2)
        let refreshed = mapped.digestRefresh.entries
        #expect(refreshed.count == 2)
        let digests = SourceDigest(mapping: .uiPath)
        #expect(Set(refreshed.compactMap(\.source)) == [digests.of(StoreFixtures.alice(), active: true), digests.of(StoreFixtures.bob(), active: true)])
    }

    @Test func aStoreWithoutSourceDigestsLearnsThemFromOneRun() throws {
        try apply(try plan([StoreFixtures.alice(), StoreFixtures.bob()]))
        try database.execute("UPDATE users SET source_digest = NULL")
        try apply(try plan([StoreFixtures.alice(), StoreFixtures.bob()]), now: StoreFixtures.secondClock)
        #expect(try sourceDigest("alice-id") != .null)
        #expect(try sourceDigest("bob-id") != .null)
        #expect(try StoreFixtures.rows(database, "SELECT DISTINCT version FROM users") == [[1]])
        let next = try plan([StoreFixtures.alice(), StoreFixtures.bob()])
        #expect(next.noChange == 2)
        #expect(next.digestRefresh.entries.isEmpty)
    }

    @Test func aChangedRecordIsMappedAndCompared() throws {
        try apply(try plan([StoreFixtures.alice(), StoreFixtures.bob()]))
        let plan = try plan([StoreFixtures.alice(department: "Quality"), StoreFixtures.bob()])
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes.map(\.path.description) == ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"])
    }

    @Test func aPropertyTheMappingDoesNotReadStillCountsAsAChange() throws {
        var properties = StoreFixtures.alice().properties.dictionary
        properties["officelocation"] = .string("Building 4")
        let moved = DirectoryUser(id: "alice-id", properties: properties, origin: RecordOrigin(file: "users.json", record: 1))
        try apply(try plan([StoreFixtures.alice()]))
        // Mapped again, found in line, and the new record's digest learned.
        let plan = try plan([moved])
        #expect(plan.actions.isEmpty)
        #expect(plan.digestRefresh.entries.map(\.source) == [Optional(SourceDigest(mapping: .uiPath).of(moved, active: true))])
    }

    @Test func anotherMappingMapsEveryRecordAgain() throws {
        try apply(try plan([StoreFixtures.alice(), StoreFixtures.bob()]))
        var entries = Mapping.uiPath.entries
        let title = try #require(entries.firstIndex { $0.target == SCIMPath(attribute: "title") })
        entries[title].source = .attribute("department")
        let plan = try plan([StoreFixtures.alice(), StoreFixtures.bob()], mapping: try Mapping(entries: entries))
        // Alice's record has not changed, but what the mapping makes of it has.
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes.map(\.new) == [.string("Research")])
    }

    @Test func aUserNoLongerActiveAsMappedIsComparedInFull() throws {
        try apply(try plan([StoreFixtures.alice()]))
        // Disabled behind the digests' back, version and digests left as they were.
        try database.execute("UPDATE users SET active = 0, resource = json_set(resource, '$.active', json('false'))")
        let plan = try plan([StoreFixtures.alice()])
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes.map(\.path) == [.active])
    }

    @Test func aWriteOfAnotherVersionMakesTheSourceDigestUntrusted() throws {
        try apply(try plan([StoreFixtures.alice()]))
        let id = try #require(try store.links()["alice-id"])
        try database.execute("UPDATE users SET version = version + 1, resource = json_set(resource, '$.title', 'Changed by hand') WHERE id = '\(id)'")
        #expect(try store.targetState().users.first?.sourceDigest == nil)
        let plan = try plan([StoreFixtures.alice()])
        #expect(plan.actions.first?.changes.map(\.old) == [.string("Changed by hand")])
    }

    @Test func anUnchangedUserStillClaimsItsKeysAgainstANewcomer() throws {
        try apply(try plan([StoreFixtures.alice()]))
        // A new hire given alice's UPN: both are held back, whichever of them was mapped.
        let newcomer = StoreFixtures.user("newcomer-id", upn: "ALICE@contoso.example", record: 2)
        let plan = try plan([StoreFixtures.alice(), newcomer])
        #expect(plan.actions.map(\.kind) == [.skip, .skip])
        #expect(Set(plan.actions.map(\.sourceId)) == ["alice-id", "newcomer-id"])
        #expect(plan.actions.allSatisfy { $0.reason == .duplicateSourceEntries })
    }

    @Test func theDigestIsTheRecordsNotItsOrderOrItsFile() {
        let digests = SourceDigest(mapping: .uiPath)
        let alice = StoreFixtures.alice()
        let reordered = DirectoryUser(id: "alice-id", properties: PropertyValues(alice.properties.dictionary),
                                      origin: RecordOrigin(file: "other.json", record: 9))
        #expect(digests.of(reordered, active: true) == digests.of(alice, active: true))
        #expect(digests.of(alice, active: true) != digests.of(alice, active: false))
        #expect(digests.of(alice, active: true) & 1 == 1)
        #expect(digests.of(StoreFixtures.alice(jobTitle: "Lab Director"), active: true) != digests.of(alice, active: true))
        // A value under another property is another record.
        var properties = alice.properties.dictionary
        properties["mobilephone"] = properties.removeValue(forKey: "jobtitle")
        let moved = DirectoryUser(id: "alice-id", properties: properties, origin: alice.origin)
        #expect(digests.of(moved, active: true) != digests.of(alice, active: true))
    }

    @Test func aStoreOfTheThirdSchemaGainsTheColumnInItsPlanningIndex() throws {
        let path = folder + "/third.db"
        do {
            let database = try Database(path: path, create: true)
            try database.setApplicationID(StoreFile.applicationID)
            for migration in StoreFile.migrations[0..<3] { try database.execute(migration) }
            try database.execute("""
                INSERT INTO store_info (key, value) VALUES ('kind', 'scim'), ('store_id', 'third-store');
                INSERT INTO users (id, user_name, user_name_key, active, resource, created, last_modified, version, applied_digest, digest_version)
                VALUES ('u1', 'alice@contoso.example', 'alice@contoso.example', 1, '{"userName":"alice@contoso.example"}', 't0', 't0', 1, 7, 1);
                """)
            try database.setUserVersion(3)
        }
        let migrated = try SQLiteStore(path: path, create: false)
        #expect(try migrated.database.userVersion == StoreFile.migrations.count)
        let user = try #require(try migrated.targetState().users.first)
        #expect(user.appliedDigest == 7)
        #expect(user.sourceDigest == nil)
        let plan = try StoreFixtures.rows(migrated.database, """
            EXPLAIN QUERY PLAN SELECT id, external_id, user_name, active, version, applied_digest, digest_version, source_digest FROM users ORDER BY id
            """)
        let details = plan.compactMap { row -> String? in if case .text(let detail)? = row.last { detail } else { nil } }
        #expect(details.joined().contains("COVERING INDEX users_planning"))
    }
}
