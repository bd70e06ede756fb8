import Foundation
import Testing
@testable import ReconcileKit

/// Applying plans made by `Planner` from small in-memory snapshots to a temporary store: what each
/// action writes, what the provisioning log records, and what happens when things go wrong.
final class ApplyTests {
    private let temporary: TemporaryStore
    private var store: SQLiteStore { temporary.store }
    private var database: Database { store.database }

    init() throws {
        temporary = try TemporaryStore()
    }

    private static let enterprise = SCIMPath.enterpriseSchema
    private static let core = SCIMPath.coreSchema

    /// Applies the plan that takes the store to `users`, at `now`.
    @discardableResult
    private func apply(
        _ users: [DirectoryUser], deleteMissing: Bool = false, now: () -> String = StoreFixtures.firstClock
    ) throws -> ApplyResult {
        try store.apply(
            try StoreFixtures.plan(users, against: store, deleteMissing: deleteMissing), mode: "apply",
            checkFingerprint: false, now: now)
    }

    private func targetID(_ sourceID: String) throws -> String {
        try #require(try store.links()[sourceID])
    }

    private func user(_ sourceID: String) throws -> TargetUser {
        let id = try targetID(sourceID)
        return try #require(try store.users().first { $0.id == id })
    }

    // MARK: - Create

    @Test func createWritesResourceColumnsLinkRunAndLog() throws {
        let plan = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        #expect(plan.actions.map(\.kind) == [.create, .create])
        let result = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        #expect(result.runID == 1)
        #expect(result.applied == [.create: 2])
        #expect(result.failures.isEmpty)
        #expect(result.outcome == "success")

        let time = StoreFixtures.firstTime
        let alice = try user("alice-id")
        let expected: JSONValue = .object([
            "schemas": .array([.string(Self.core), .string(Self.enterprise)]),
            "id": .string(alice.id),
            "externalId": .string("alice-id"),
            "userName": .string("alice@contoso.example"),
            "active": .bool(true),
            "displayName": .string("Alice Martin"),
            "title": .string("Medicinal Chemist"),
            "name": .object(["givenName": .string("Alice"), "familyName": .string("Martin")]),
            "emails": .array([.object(["type": .string("work"), "primary": .bool(true), "value": .string("alice@contoso.example")])]),
            "addresses": .array([.object(["type": .string("work"), "primary": .bool(true), "locality": .string("Basel")])]),
            Self.enterprise: .object(["organization": .string("Contoso Pharma"), "department": .string("Research")]),
            "meta": .object([
                "resourceType": .string("User"), "created": .string(time), "lastModified": .string(time),
                "version": .string("W/\"1\""), "location": .string("Users/\(alice.id)"),
            ]),
        ])
        #expect(alice.resource == expected)
        #expect(UUID(uuidString: alice.id) != nil)

        let columns = try StoreFixtures.rows(database, """
            SELECT id, external_id, user_name, user_name_key, active, display_name, title, email, given_name, family_name,
                locality, organization, department, created, last_modified, version
            FROM users ORDER BY user_name_key
            """)
        let bob = try user("bob-id")
        #expect(columns == [
            [.text(alice.id), "alice-id", "alice@contoso.example", "alice@contoso.example", 1, "Alice Martin",
             "Medicinal Chemist", "alice@contoso.example", "Alice", "Martin", "Basel", "Contoso Pharma", "Research",
             .text(time), .text(time), 1],
            [.text(bob.id), "bob-id", "Bob@Contoso.example", "bob@contoso.example", 1, .null, .null, .null, .null, .null,
             .null, .null, .null, .text(time), .text(time), 1],
        ])
        // Bob has no enterprise attribute, so no enterprise schema either.
        #expect(bob.resource.member("schemas") == .array([.string(Self.core)]))
        #expect(try database.scalarText("SELECT resource FROM users WHERE id = ?", .text(bob.id))
            == "{\"active\":true,\"externalId\":\"bob-id\",\"id\":\"\(bob.id)\",\"meta\":{\"created\":\"\(time)\","
            + "\"lastModified\":\"\(time)\",\"location\":\"Users/\(bob.id)\",\"resourceType\":\"User\",\"version\":\"W/\\\"1\\\"\"},"
            + "\"schemas\":[\"\(Self.core)\"],\"userName\":\"Bob@Contoso.example\"}")

        #expect(try StoreFixtures.rows(database, "SELECT source_id, target_id, created, run_id FROM links ORDER BY source_id") == [
            ["alice-id", .text(alice.id), .text(time), 1],
            ["bob-id", .text(bob.id), .text(time), 1],
        ])
        #expect(try StoreFixtures.rows(database, "SELECT * FROM runs") == [
            // ... then migration 2's snapshot_users, no_change, staged, deferred and message.
            [1, .text(time), .text(time), "apply", "0123456789abcdef", "success", 2, 0, 0, 0, 0, 0, 0, .null, 0, 0, 0, .null],
        ])
        #expect(try StoreFixtures.rows(database, """
            SELECT run_id, time, action, status, source_id, target_id, user_name, changes, error_code, reason
            FROM provisioning_log ORDER BY id
            """) == [
            [1, .text(time), "create", "success", "alice-id", .text(alice.id), "alice@contoso.example", .null, .null, .null],
            [1, .text(time), "create", "success", "bob-id", .text(bob.id), "Bob@Contoso.example", .null, .null, .null],
        ])
        let changeIDs = try StoreFixtures.rows(database, "SELECT DISTINCT change_id FROM provisioning_log")
        #expect(changeIDs.count == 2)
    }

    @Test func secondPlanAfterApplyingIsEmpty() throws {
        let users = [StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()]
        try apply(users)
        let fingerprint = try store.fingerprint()

        let again = try StoreFixtures.plan(users, against: store)
        #expect(again.actions.isEmpty)
        #expect(!again.hasChanges)
        #expect(again.noChange == 3)
        #expect(again.text.hasSuffix("\nNothing to do: the target matches the snapshot.\n"))

        // Applying the empty plan records a run and changes no user or link.
        let result = try store.apply(again, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(result.applied.isEmpty)
        #expect(result.outcome == "success")
        #expect(try store.fingerprint() == fingerprint)
        #expect(try database.scalarInt("SELECT count(*) FROM provisioning_log") == 3)
        #expect(try database.scalarInt("SELECT count(*) FROM runs WHERE outcome = 'success'") == 2)
    }

    @Test func disabledDirectoryUserIsNeverCreated() throws {
        let plan = try StoreFixtures.plan([StoreFixtures.alice(enabled: false)], against: store)
        #expect(plan.actions.isEmpty)
        #expect(plan.notProvisioned == 1)
        _ = try store.apply(plan, mode: "apply", checkFingerprint: true)
        #expect(try store.users().isEmpty)
    }

    @Test func whatIsAppliedIsInTheDatabaseFileItselfWhenApplyingReturns() throws {
        // The store checkpoints its write-ahead log only past 65,536 pages: the copying into the
        // file is the checkpointer's (`WALCheckpointer`), on another connection, after each batch.
        let copy = temporary.folder + "/copy.db"
        func fileAlone() throws -> (users: [String], runs: Int) {
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: store.path, toPath: copy)
            let database = try Database(path: copy, create: false)
            var names: [String] = []
            try database.prepare("SELECT user_name FROM users ORDER BY user_name").forEachRow { names.append($0.text(0)) }
            return (names, try database.scalarInt("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL") ?? 0)
        }
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        #expect(FileManager.default.fileExists(atPath: store.path + "-wal"))
        var file = try fileAlone()
        #expect(file.users == ["Bob@Contoso.example", "alice@contoso.example"])
        #expect(file.runs == 1)

        try apply([StoreFixtures.alice(), StoreFixtures.user("bob-id", upn: "robert@contoso.example")], now: StoreFixtures.secondClock)
        file = try fileAlone()
        #expect(file.users == ["alice@contoso.example", "robert@contoso.example"])
        #expect(file.runs == 2)
    }

    @Test func theLastBatchIsAppliedInHalvesWhenTheLogIsCheckpointed() throws {
        // Each batch's actions are logged at the time the batch began: a clock that moves on each
        // reading tells the batches apart.
        store.bulkLoadMinimum = .max
        let users = (1...2_500).map { index in
            StoreFixtures.user("source-\(index)", upn: "user\(index)@contoso.example", record: index)
        }
        var readings = 0
        let result = try store.apply(try StoreFixtures.plan(users, against: store), mode: "apply", checkFingerprint: false) {
            readings += 1
            return String(format: "2026-02-03T04:%02d:00.000Z", readings)
        }
        #expect(result.applied == [.create: 2_500])
        var sizes: [Int] = []
        try database.prepare("SELECT count(*) FROM provisioning_log GROUP BY time ORDER BY time").forEachRow { sizes.append($0.int(0)) }
        #expect(sizes == [2_000, 250, 125, 125])
    }

    // MARK: - Update, link, disable, delete

    @Test func updateWritesChangesAndBumpsVersion() throws {
        try apply([StoreFixtures.alice()])
        let before = try user("alice-id")

        let plan = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Senior Chemist", department: "Legal")], against: store)
        try #require(plan.actions.count == 1)
        #expect(plan.actions[0].kind == .update)
        #expect(plan.actions[0].version == "W/\"1\"")
        let result = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(result.applied == [.update: 1])

        let after = try user("alice-id")
        #expect(after.id == before.id)
        #expect(after.version == "W/\"2\"")
        #expect(after.resource.member("meta") == .object([
            "resourceType": .string("User"), "created": .string(StoreFixtures.firstTime),
            "lastModified": .string(StoreFixtures.secondTime), "version": .string("W/\"2\""),
            "location": .string("Users/\(after.id)"),
        ]))
        #expect(after.resource.member("title") == .string("Senior Chemist"))
        #expect(after.resource.value(at: SCIMPath(schema: Self.enterprise, attribute: "department")) == .string("Legal"))
        #expect(try StoreFixtures.rows(database, "SELECT title, department, created, last_modified, version FROM users") == [
            ["Senior Chemist", "Legal", .text(StoreFixtures.firstTime), .text(StoreFixtures.secondTime), 2],
        ])
        #expect(try StoreFixtures.rows(database, """
            SELECT run_id, action, status, target_id, changes FROM provisioning_log WHERE run_id = 2
            """) == [[
                2, "update", "success", .text(after.id),
                .text("[{\"attribute\":\"title\",\"new\":\"Senior Chemist\",\"old\":\"Medicinal Chemist\"},"
                    + "{\"attribute\":\"\(Self.enterprise):department\",\"new\":\"Legal\",\"old\":\"Research\"}]"),
            ]])
        #expect(try StoreFixtures.rows(database, "SELECT outcome, created, updated FROM runs WHERE id = 2") == [["success", 0, 1]])
        #expect(try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Senior Chemist", department: "Legal")], against: store)
            .actions.isEmpty)
    }

    @Test func renameKeepsTheAccountAndChangesItsUserNameKey() throws {
        try apply([StoreFixtures.bob()])
        let id = try targetID("bob-id")
        let renamed = StoreFixtures.user("bob-id", upn: "Robert@Contoso.example", record: 2)
        let plan = try StoreFixtures.plan([renamed], against: store)
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions.first?.changes == [
            AttributeChange(path: .userName, old: .string("Bob@Contoso.example"), new: .string("Robert@Contoso.example")),
        ])
        _ = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(try StoreFixtures.rows(database, "SELECT id, user_name, user_name_key, version FROM users") == [
            [.text(id), "Robert@Contoso.example", "robert@contoso.example", 2],
        ])
        #expect(try store.links() == ["bob-id": id])
    }

    @Test func anUpdateWritesTheIdentityColumnsOnlyWhenTheyChange() throws {
        try apply([StoreFixtures.alice()])
        let id = try targetID("alice-id")
        let identity = "SELECT external_id, user_name, user_name_key, title, version FROM users"
        _ = try store.apply(try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Lab Director")], against: store),
                            mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(try StoreFixtures.rows(database, identity) == [["alice-id", "alice@contoso.example", "alice@contoso.example", "Lab Director", 2]])
        // Changed by hand: the next update puts the externalId back, through the statement that writes it.
        try database.execute("""
            UPDATE users SET external_id = 'someone-else', resource = json_set(resource, '$.externalId', 'someone-else'),
                version = version + 1
            """)
        let plan = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Lab Director")], against: store)
        #expect(plan.actions.first?.changes.map(\.path) == [.externalId])
        _ = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(try StoreFixtures.rows(database, identity) == [["alice-id", "alice@contoso.example", "alice@contoso.example", "Lab Director", 4]])
        #expect(try StoreFixtures.rows(database, "SELECT id FROM users INDEXED BY users_external_id WHERE external_id = 'alice-id'") == [[.text(id)]])
        #expect(try StoreFixtures.rows(database, "PRAGMA integrity_check") == [["ok"]])
    }

    @Test func unmanagedMatchingUserIsLinkedWithoutChangingIt() throws {
        try apply([StoreFixtures.alice()])
        let id = try targetID("alice-id")
        try database.execute("DELETE FROM links")

        let plan = try StoreFixtures.plan([StoreFixtures.alice()], against: store)
        try #require(plan.actions.count == 1)
        #expect(plan.actions[0].kind == .link)
        #expect(plan.actions[0].matchedOn == "externalId")
        let result = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(result.applied == [.link: 1])
        #expect(try store.links() == ["alice-id": id])
        #expect(try user("alice-id").version == "W/\"1\"")
        #expect(try StoreFixtures.rows(database, "SELECT action, status, target_id, changes FROM provisioning_log WHERE run_id = 2")
            == [["link", "success", .text(id), .null]])
        #expect(try StoreFixtures.plan([StoreFixtures.alice()], against: store).actions.isEmpty)
    }

    @Test func disableSetsActiveFalseAndLogsTheReason() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        let aliceID = try targetID("alice-id"), bobID = try targetID("bob-id")

        // Alice is disabled in the directory; Bob is gone from the export.
        let plan = try StoreFixtures.plan([StoreFixtures.alice(enabled: false)], against: store)
        #expect(plan.actions.map(\.kind) == [.disable, .disable])
        #expect(plan.actions.map(\.reason) == [.disabledInSource, .missingFromSnapshot])
        let result = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(result.applied == [.disable: 2])

        #expect(try StoreFixtures.rows(database, "SELECT id, active, version FROM users ORDER BY user_name_key") == [
            [.text(aliceID), 0, 2], [.text(bobID), 0, 2],
        ])
        #expect(try user("alice-id").resource.member("active") == .bool(false))
        #expect(try user("bob-id").active == false)
        #expect(try store.links() == ["alice-id": aliceID, "bob-id": bobID])
        let activeChange = "[{\"attribute\":\"active\",\"new\":false,\"old\":true}]"
        #expect(try StoreFixtures.rows(database, """
            SELECT action, status, source_id, target_id, changes, reason FROM provisioning_log WHERE run_id = 2 ORDER BY source_id
            """) == [
                ["disable", "success", "alice-id", .text(aliceID), .text(activeChange), "disabledInSource"],
                ["disable", "success", "bob-id", .text(bobID), .text(activeChange), "missingFromSnapshot"],
            ])
        #expect(try StoreFixtures.rows(database, "SELECT disabled, failed, outcome FROM runs WHERE id = 2") == [[2, 0, "success"]])
        #expect(try StoreFixtures.plan([StoreFixtures.alice(enabled: false)], against: store).actions.isEmpty)
    }

    @Test func deleteRemovesUserAndLink() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        let aliceID = try targetID("alice-id"), bobID = try targetID("bob-id")

        let plan = try StoreFixtures.plan([StoreFixtures.alice()], against: store, deleteMissing: true)
        try #require(plan.actions.count == 1)
        #expect(plan.actions[0].kind == .delete)
        #expect(plan.actions[0].targetId == bobID)
        #expect(plan.actions[0].reason == .missingFromSnapshot)
        let result = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        #expect(result.applied == [.delete: 1])

        #expect(try store.users().map(\.id) == [aliceID])
        #expect(try store.links() == ["alice-id": aliceID])
        #expect(try StoreFixtures.rows(database, """
            SELECT action, status, source_id, target_id, user_name, reason FROM provisioning_log WHERE run_id = 2
            """) == [["delete", "success", "bob-id", .text(bobID), "Bob@Contoso.example", "missingFromSnapshot"]])
        #expect(try StoreFixtures.rows(database, "SELECT deleted, outcome FROM runs WHERE id = 2") == [[1, "success"]])
        #expect(try StoreFixtures.plan([StoreFixtures.alice()], against: store, deleteMissing: true).actions.isEmpty)
    }

    // MARK: - Failures

    @Test func stalePerUserVersionFailsThatActionAndAppliesTheOthers() throws {
        try apply([StoreFixtures.alice(), StoreFixtures.bob()])
        let aliceID = try targetID("alice-id"), bobID = try targetID("bob-id")
        let plan = try StoreFixtures.plan(
            [StoreFixtures.alice(jobTitle: "Senior Chemist"), StoreFixtures.bob(jobTitle: "Buyer")], against: store)
        #expect(plan.actions.map(\.kind) == [.update, .update])

        // Someone changes Alice after the plan was made.
        try database.execute("UPDATE users SET version = version + 1 WHERE external_id = 'alice-id'")
        let result = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.secondClock)

        let message = "target user \(aliceID) changed since the plan (version W/\"1\", now W/\"2\")"
        #expect(result.outcome == "partial")
        #expect(result.applied == [.update: 1])
        #expect(result.failures.map(\.message) == [message])
        #expect(result.failures.map(\.action.targetId) == [aliceID])
        #expect(try StoreFixtures.rows(database, "SELECT id, title, version FROM users ORDER BY user_name_key") == [
            [.text(aliceID), "Medicinal Chemist", 2], [.text(bobID), "Buyer", 2],
        ])
        #expect(try StoreFixtures.rows(database, """
            SELECT action, status, target_id, error_code, reason FROM provisioning_log WHERE run_id = 2 ORDER BY source_id
            """) == [
                ["update", "failure", .text(aliceID), "stalePlan", .text(message)],
                ["update", "success", .text(bobID), .null, .null],
            ])
        #expect(try StoreFixtures.rows(database, "SELECT outcome, updated, failed FROM runs WHERE id = 2") == [["partial", 1, 1]])
    }

    @Test func missingTargetUserFailsThatAction() throws {
        try apply([StoreFixtures.alice()])
        let aliceID = try targetID("alice-id")
        let plan = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Senior Chemist")], against: store)
        try database.execute("DELETE FROM users")

        let result = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.secondClock)
        #expect(result.failures.map(\.message) == ["target user \(aliceID) no longer exists"])
        #expect(try StoreFixtures.rows(database, "SELECT status, error_code FROM provisioning_log WHERE run_id = 2")
            == [["failure", "targetMissing"]])
    }

    @Test func wrongFingerprintIsRefusedAndChangesNothing() throws {
        try apply([StoreFixtures.alice()])
        let plan = try StoreFixtures.plan([StoreFixtures.alice(jobTitle: "Senior Chemist")], against: store)
        // Another run applies the same change first.
        _ = try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        let current = try store.fingerprint()
        let before = try StoreFixtures.contents(database)

        let error = try #require(throws: ApplyError.self) {
            try self.store.apply(plan, mode: "apply-plan", checkFingerprint: true)
        }
        #expect(error == .stalePlan(planned: plan.target.fingerprint, current: current))
        #expect(error.description == "the store changed since the plan was made (planned against \(plan.target.fingerprint), "
            + "now \(current)); nothing was applied: make a new plan with --plan, review it, and apply that")
        #expect(try StoreFixtures.contents(database) == before)
        #expect(try database.scalarInt("SELECT count(*) FROM runs") == 2)
    }

    @Test func transactionThatThrowsMidwayRollsBack() throws {
        struct Abort: Error, Equatable {}
        // A do/catch rather than #expect(throws:): the macro's closure would hold the transaction's closure.
        var caught: (any Error)?
        do {
            try database.inTransaction {
                try database.execute("""
                    INSERT INTO users (id, user_name, user_name_key, active, resource, created, last_modified, version)
                    VALUES ('u1', 'alice@contoso.example', 'alice@contoso.example', 1, '{}', 'now', 'now', 1);
                    INSERT INTO links (source_id, target_id, created) VALUES ('alice-id', 'u1', 'now');
                    INSERT INTO runs (started_at, mode) VALUES ('now', 'apply');
                    """)
                #expect(try database.scalarInt("SELECT count(*) FROM users") == 1)
                throw Abort()
            }
        } catch {
            caught = error
        }
        #expect(caught as? Abort == Abort())
        #expect(try database.scalarInt("SELECT count(*) FROM users") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM links") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM runs") == 0)
        #expect(try store.fingerprint() == "new")
    }

    @Test func storeErrorMidwayThroughABatchRollsBackTheWholeBatch() throws {
        // The third create (in plan order) hits a trigger that aborts the statement: not a per-user
        // failure but a store error, so the whole batch is rolled back.
        try database.execute("""
            CREATE TRIGGER refuse_carol BEFORE INSERT ON users WHEN NEW.user_name = 'carol@contoso.example'
            BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;
            """)
        let plan = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()], against: store)
        #expect(plan.actions.map(\.userName) == ["alice@contoso.example", "Bob@Contoso.example", "carol@contoso.example"])

        let error = try #require(throws: ApplyError.self) {
            try self.store.apply(plan, mode: "apply", checkFingerprint: true)
        }
        guard case .interrupted(let applied, let reason) = error else {
            Issue.record("expected an interrupted run, got \(error)")
            return
        }
        #expect(applied == 0)
        #expect(reason.hasPrefix("SQLite error 1811 (refused by test trigger) in statement: INSERT INTO users"))
        #expect(!reason.contains("carol"))
        #expect(error.description.hasSuffix("; nothing was applied"))
        #expect(try database.scalarText("SELECT outcome FROM runs") == "failed")

        #expect(try database.scalarInt("SELECT count(*) FROM users") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM links") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM provisioning_log") == 0)
        #expect(try store.fingerprint() == "new")

        // Once the cause is gone, the same plan applies in full.
        try database.execute("DROP TRIGGER refuse_carol")
        let result = try store.apply(plan, mode: "apply", checkFingerprint: true)
        #expect(result.applied == [.create: 3])
        #expect(try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()], against: store)
            .actions.isEmpty)
    }
}
