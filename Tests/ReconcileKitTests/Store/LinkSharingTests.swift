import Foundation
import Testing
@testable import ReconcileKit

/// The planner's links share the strings the store's users hold, and the users the snapshot's: they
/// must still hold exactly the store's links and text, whatever the ids and however the rows pair up.
final class LinkSharingTests {
    private let folder: String
    private let store: SQLiteStore

    init() throws {
        folder = TestSupport.temporaryFolder()
        store = try SQLiteStore(path: folder + "/store.db", create: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
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

    /// A Graph page holding `users`' properties.
    private static func export(_ users: [DirectoryUser], in folder: String) throws -> String {
        let records = users.map { JSONValue.object($0.properties.dictionary) }
        let path = folder + "/users.json"
        try JSONWriter.write(.object(["value": .array(records)])).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
