import Foundation
import Testing
@testable import ReconcileKit

/// The links found to the snapshot while the store reads them: they must say what looking the
/// links up by id says, and a plan made with them must be the plan made without.
final class SnapshotLinksTests {
    private let temporary: TemporaryStore
    private var store: SQLiteStore { temporary.store }

    init() throws {
        temporary = try TemporaryStore()
        let everyone = [StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()]
        _ = try store.apply(try StoreFixtures.plan(everyone, against: store), mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        // Bob's account now carries another externalId (his link's source is no longer shared with
        // it), and a link leads to an account that is gone.
        try store.database.execute("""
            UPDATE users SET external_id = 'hand-edited' WHERE user_name = 'Bob@Contoso.example';
            INSERT INTO links (source_id, target_id, created) VALUES ('ghost-id', 'no-such-user', 't0');
            """)
    }

    /// Alice, Bob, and Alice again: carol and the ghost are missing.
    private var snapshot: Snapshot {
        StoreFixtures.snapshot([StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.user("alice-id", upn: "alice2@contoso.example", record: 3)])
    }

    @Test func theyAreWhatTheLinksByIDSay() throws {
        let snapshot = snapshot
        let state = try store.targetState(sharingStringsOf: snapshot)
        let found = try #require(state.snapshotLinks)
        #expect(found.describe(snapshot))
        #expect(state.links == (try store.links()))
        let index = { (id: String) in state.users.firstIndex { $0.id == state.links[id] } }
        #expect(found.linkedTarget(at: 0) == index("alice-id"))
        #expect(found.linkedTarget(at: 1) == index("bob-id"))
        #expect(found.linkedTarget(at: 0) != nil && found.linkedTarget(at: 1) != nil)
        // A later record with an id already seen is left to the links by id.
        #expect(found.linkedTarget(at: 2) == nil)
        let missing = Planner.linksMissing(from: snapshot.positions(), in: state.links)
        #expect(found.missing.map(\.source).sorted() == missing.map(\.source).sorted())
        #expect(found.missing.map(\.source).sorted() == ["carol-id", "ghost-id"])
        #expect(Dictionary(uniqueKeysWithValues: found.missing.map { ($0.source, $0.target) }) == Dictionary(uniqueKeysWithValues: missing.map { ($0.source, $0.target) }))
    }

    @Test func aPlanMadeWithThemIsThePlanMadeWithout() throws {
        // Bob's link is lost: his account is found again through the users' indexes, by userName,
        // and refused, as its externalId is not his.
        try store.database.execute("DELETE FROM links WHERE source_id = 'bob-id'")
        let snapshot = snapshot
        let planner = Planner(mapping: .uiPath)
        var state = try store.targetState(sharingStringsOf: snapshot)
        #expect(state.snapshotLinks != nil)
        #expect(state.indexes?.byPath.keys.sorted { $0.description < $1.description } == [.externalId, .userName])
        let with = planner.plan(snapshot: snapshot, target: state, createdAt: StoreFixtures.planTime)
        state.snapshotLinks = nil
        state.indexes = nil
        let without = planner.plan(snapshot: snapshot, target: state, createdAt: StoreFixtures.planTime)
        #expect(with == without)
        #expect(with.actions.contains { $0.kind == .disable && $0.sourceId == "carol-id" })
        #expect(with.actions.contains { $0.kind == .skip && $0.sourceId == "bob-id" && $0.reason == .identityConflict })
    }

    @Test func aPlanOfAnExportWithUniqueIDsLeavesTheLinksByIDUnmade() throws {
        // Alice changed, Bob's link runs from no externalId of his account, Dave is new, Carol is gone.
        let snapshot = StoreFixtures.snapshot([
            StoreFixtures.alice(jobTitle: "Head of Chemistry"), StoreFixtures.bob(),
            StoreFixtures.user("dave-id", upn: "dave@contoso.example", record: 3),
        ])
        let planner = Planner(mapping: .uiPath)
        var state = try store.targetState(sharingStringsOf: snapshot)
        #expect(try #require(state.snapshotLinks).idsAreUnique)
        let with = planner.plan(snapshot: snapshot, target: state, createdAt: StoreFixtures.planTime)
        #expect(state.linkTable.madeDictionary == nil)
        // Asked for, the links are all there, and planning through them gives the same plan.
        #expect(state.links == (try store.links()))
        state.snapshotLinks = nil
        let without = planner.plan(snapshot: snapshot, target: state, createdAt: StoreFixtures.planTime)
        #expect(with == without)
        #expect(with.actions.map { "\($0.kind) \($0.sourceId ?? "")" }.sorted() == ["create dave-id", "disable carol-id", "update alice-id"])
    }

    @Test func aLaterUserWithAnIDAlreadySeenIsLeftToTheLinksByID() throws {
        let found = try #require(try store.targetState(sharingStringsOf: snapshot).snapshotLinks)
        #expect(!found.idsAreUnique)
        #expect(found.link(at: 0) == .some(found.linkedTarget(at: 0)))
        #expect(found.link(at: 2) == nil)
    }

    @Test func theyAreForgottenWhenTheUsersOrLinksChange() throws {
        var state = try store.targetState(sharingStringsOf: snapshot)
        #expect(state.indexes != nil && state.snapshotLinks != nil)
        state.users.reverse()
        #expect(state.indexes == nil && state.snapshotLinks == nil)
        var relinked = try store.targetState(sharingStringsOf: snapshot)
        relinked.links["carol-id"] = nil
        #expect(relinked.snapshotLinks == nil)
        #expect(relinked.indexes != nil)
    }

    @Test func theyAreNotUsedForAnotherSnapshot() throws {
        let state = try store.targetState(sharingStringsOf: snapshot)
        // Carol is back in this one: were the links found for the other snapshot used, she would be disabled.
        let other = StoreFixtures.snapshot([StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()], sha256: "another export")
        #expect(state.snapshotLinks?.describe(other) == false)
        let plan = Planner(mapping: .uiPath).plan(snapshot: other, target: state, createdAt: StoreFixtures.planTime)
        #expect(!plan.actions.contains { $0.sourceId == "carol-id" })
    }
}
