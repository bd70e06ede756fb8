import Foundation
import Testing
@testable import ReconcileKit

/// The applied digest: what a run writes beside each user so the next run can tell "unchanged"
/// without reading the resource, and every way the digest must stop being trusted.
final class AppliedDigestTests {
    private let temporary: TemporaryStore
    private var store: SQLiteStore { temporary.store }
    private var database: Database { store.database }

    init() throws {
        temporary = try TemporaryStore()
    }

    @discardableResult
    private func apply(_ users: [DirectoryUser], now: () -> String = StoreFixtures.firstClock) throws -> ApplyResult {
        try store.apply(try StoreFixtures.plan(users, against: store), mode: "apply", checkFingerprint: false, now: now)
    }

    private func digestRow(_ sourceID: String) throws -> [SQLValue] {
        let id = try #require(try store.links()[sourceID])
        return try #require(try StoreFixtures.rows(database, "SELECT applied_digest IS NOT NULL, digest_version = version FROM users WHERE id = '\(id)'").first)
    }

    /// Replaces a user's stored resource with text that is not JSON: planning that reads it fails.
    private func corruptResource(_ sourceID: String) throws {
        let id = try #require(try store.links()[sourceID])
        try database.execute("UPDATE users SET resource = 'not json' WHERE id = '\(id)'")
    }

    @Test func createsAndUpdatesWriteTheDigestOfTheirVersion() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        #expect(try digestRow("alice-id") == [.integer(1), .integer(1)])
        #expect(try digestRow("bob-id") == [.integer(1), .integer(1)])
        try apply([StoreFixtures.alice(jobTitle: "Lab Director"), StoreFixtures.bob()], now: StoreFixtures.secondClock)
        #expect(try StoreFixtures.rows(database, "SELECT version, digest_version FROM users WHERE user_name = 'alice@contoso.example'") == [[.integer(2), .integer(2)]])
    }

    @Test func aCreateWritesTheDigestTheNextRunComputes() throws {
        // A create's digest is made in the planner's pass, before its update values are let go.
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        // Without source digests the applied digest alone must say alice is in line.
        try database.execute("UPDATE users SET source_digest = NULL")
        try corruptResource("alice-id")
        let plan = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        #expect(store.planningFailure() == nil)
        #expect(store.resourcesRead == 0)
        #expect(plan.actions.isEmpty)
        #expect(plan.noChange == 2)
    }

    @Test func anUnchangedUserWithItsDigestIsNotReadAgain() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        // Were alice's resource read, planning would fail: the digest answers for her.
        try corruptResource("alice-id")
        let plan = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        #expect(store.planningFailure() == nil)
        #expect(plan.actions.isEmpty)
        #expect(plan.noChange == 2)
    }

    @Test func aChangedUserIsReadAndUpdated() throws {
        try apply([StoreFixtures.alice()])
        let plan = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Lab Director")], against: store)
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes.map(\.path.description) == ["title"])
    }

    @Test func aChangedUserIsReadOnceForAllItsAttributes() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        let plan = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Lab Director", department: "Quality"), StoreFixtures.bob()], against: store)
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes.count == 2)
        // Compared over every mapped path, but read from the store once; bob, unchanged, not at all.
        #expect(store.resourcesRead == 1)
    }

    @Test func aResourceThatCannotBeReadIsReportedNotGuessed() throws {
        try apply([StoreFixtures.alice()])
        try corruptResource("alice-id")
        _ = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Lab Director")], against: store)
        let failure = try #require(store.planningFailure())
        #expect("\(failure)".contains("users.resource holds invalid JSON"))
    }

    @Test func aWriteThatDidNotKeepTheDigestMakesItUntrusted() throws {
        try apply([StoreFixtures.alice()])
        // As a reconcile that knows no digests would: a new version, the digest left as it was.
        let id = try #require(try store.links()["alice-id"])
        try database.execute("""
            UPDATE users SET version = version + 1,
                resource = json_set(resource, '$.title', 'Changed by hand') WHERE id = '\(id)'
            """)
        let plan = try StoreFixtures.plan([StoreFixtures.alice()], against: store)
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes.map(\.old) == [.string("Changed by hand")])
    }

    @Test func aStoreWithoutDigestsIsComparedInFullOnceThenByDigest() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        try database.execute("UPDATE users SET applied_digest = NULL, digest_version = NULL")
        let plan = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        #expect(plan.actions.isEmpty)
        #expect(plan.digestRefresh.entries.count == 2)
        // The apply of a plan with nothing to do still records the digests it learned.
        _ = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.secondClock)
        #expect(try digestRow("alice-id") == [.integer(1), .integer(1)])
        try corruptResource("alice-id")
        let next = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        #expect(store.planningFailure() == nil)
        #expect(next.noChange == 2)
        #expect(next.digestRefresh.entries.isEmpty)
    }

    @Test func aTargetThatKeepsNoDigestsCollectsNoneToRefresh() throws {
        try apply([StoreFixtures.alice()])
        try database.execute("UPDATE users SET applied_digest = NULL")
        var state = try store.targetState()
        state.keepsDigests = false
        let plan = Planner(mapping: .uiPath).plan(
            snapshot: StoreFixtures.snapshot([StoreFixtures.alice()]), target: state, createdAt: StoreFixtures.planTime)
        #expect(plan.noChange == 1)
        #expect(plan.digestRefresh.entries.isEmpty)
    }

    @Test func aDisableForAUserLeavingClearsTheDigestSoTheReturnIsCompared() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        // Bob leaves the export: disabled, and his digest no longer describes what he should be.
        let gone = try apply([StoreFixtures.alice()], now: StoreFixtures.secondClock)
        #expect(gone.applied == [.disable: 1])
        #expect(try StoreFixtures.rows(database, "SELECT applied_digest FROM users WHERE user_name = 'Bob@Contoso.example'") == [[.null]])
        // He comes back as he was: he must be enabled again, not taken as unchanged.
        let back = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        #expect(back.actions.map(\.kind) == [.update])
        #expect(back.actions.first?.changes.map(\.path) == [.active])
    }

    @Test func digestsDependOnTheAttributeNotJustTheValue() {
        let user = StoreFixtures.alice()
        let paths = Mapping.uiPath.targetPaths.map { ($0, Digest64($0.description).value) }
        let desired = try? Mapper(mapping: .uiPath).map(user)
        let digest = desired?.updateDigest(paths)
        // The same values under the paths in another order digest differently.
        let reordered = desired?.updateDigest(paths.reversed())
        #expect(digest != nil)
        #expect(digest != reordered)
        var moved = Digest64()
        moved.combine("ab")
        moved.combine("c")
        var other = Digest64()
        other.combine("a")
        other.combine("bc")
        #expect(moved.value != other.value)
    }
}
