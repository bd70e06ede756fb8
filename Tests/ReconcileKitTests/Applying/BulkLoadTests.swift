import Foundation
import Testing
@testable import ReconcileKit

/// A first load applied as one transaction that rebuilds the secondary indexes (`BulkLoad`): the
/// store it leaves is the one batch-by-batch applying leaves, and a failure or a kill leaves every
/// index in place.
final class BulkLoadTests {
    private let folder: String

    init() {
        folder = TestSupport.temporaryFolder()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Directory users 1...count, each with every attribute of the default mapping set.
    private static func users(_ count: Int) -> [DirectoryUser] {
        (1...count).map { user($0) }
    }

    /// Directory user `index` of `users(_:)`, with another job title when given.
    private static func user(_ index: Int, jobTitle: String? = nil) -> DirectoryUser {
        let number = String(format: "%05d", index)
        return StoreFixtures.user(
            "source-\(number)", upn: "user\(number)@contoso.example", enabled: index % 7 != 0,
            displayName: "User \(number)", givenName: "Given\(number)", surname: "Family\(number)",
            jobTitle: jobTitle ?? "Title \(index % 5)", mail: "user\(number)@contoso.example", department: "Department \(index % 3)",
            companyName: "Contoso", city: "City \(index % 4)", record: index)
    }

    /// What a store holds apart from the ids and the per-action durations and change ids, which
    /// differ from run to run: users by userName with their id replaced in the resource, links and
    /// log records by userName, the runs, and the schema.
    private static func comparable(_ database: Database) throws -> [[SQLValue]] {
        try StoreFixtures.rows(database, """
            SELECT user_name_key, external_id, user_name, active, display_name, title, email, given_name, family_name,
                locality, organization, department, replace(resource, id, 'ID'), created, last_modified, version,
                applied_digest, digest_version
            FROM users ORDER BY user_name_key
            """)
            + StoreFixtures.rows(database, """
                SELECT links.source_id, users.user_name_key, links.created, links.run_id
                FROM links JOIN users ON users.id = links.target_id ORDER BY links.source_id
                """)
            + StoreFixtures.rows(database, """
                SELECT run_id, time, action, status, source_id, target_id IS NULL, user_name, changes, error_code, reason
                FROM provisioning_log ORDER BY id
                """)
            + StoreFixtures.rows(database, "SELECT * FROM runs ORDER BY id")
            + StoreFixtures.rows(database, "SELECT * FROM store_info WHERE key <> 'store_id' ORDER BY key")
            + StoreFixtures.rows(database, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    }

    /// Each table's indexes as `PRAGMA index_list` names them (name, unique, origin, partial).
    private static func indexLists(_ database: Database) throws -> [[SQLValue]] {
        var lists: [[SQLValue]] = []
        for table in BulkLoad.tables {
            lists += try StoreFixtures.rows(database, "SELECT name, \"unique\", origin, partial FROM pragma_index_list('\(table)') ORDER BY name")
        }
        return lists
    }

    /// The indexes of a store just created: what every store must have after any run.
    private func freshIndexLists() throws -> [[SQLValue]] {
        try Self.indexLists(try SQLiteStore(path: folder + "/fresh.db", create: true).database)
    }

    /// The store's triggers: name, table and SQL.
    private static func triggers(_ database: Database) throws -> [[SQLValue]] {
        try StoreFixtures.rows(database, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    }

    /// The triggers of a store just created: the six generation triggers.
    private func freshTriggers() throws -> [[SQLValue]] {
        try Self.triggers(try SQLiteStore(path: folder + "/fresh.db", create: true).database)
    }

    /// A user row taking `userName`, written by someone else between the plan and its apply.
    private static func insertUser(_ userName: String, into database: Database) throws {
        try database.prepare("""
            INSERT INTO users (id, user_name, user_name_key, active, resource, created, last_modified, version)
            VALUES ('other-user', ?, ?, 1, '{}', 'then', 'then', 1)
            """).run(.text(userName), .text(IdentityKey.normalize(userName)))
    }

    @Test func bulkLoadIsChosenForEnoughCreatesIntoAStoreWithNoMoreRowsThanTheyAdd() throws {
        let store = try SQLiteStore(path: folder + "/store.db", create: true)
        store.bulkLoadMinimum = 3
        #expect(try store.isBulkLoad(creates: 2) == false)
        #expect(try store.isBulkLoad(creates: 3))
        _ = try store.apply(try StoreFixtures.plan(Self.users(4), against: store), mode: "apply", checkFingerprint: false,
                        now: StoreFixtures.firstClock)
        #expect(try store.database.scalarInt("SELECT count(*) FROM users") == 4)
        #expect(try store.isBulkLoad(creates: 3) == false)
        #expect(try store.isBulkLoad(creates: 4))
        // The log counts too: with the users and links gone, its four records still make three creates too few.
        try store.database.execute("DELETE FROM links; DELETE FROM users")
        #expect(try store.database.scalarInt("SELECT count(*) FROM provisioning_log") == 4)
        #expect(try store.isBulkLoad(creates: 3) == false)
        #expect(try store.isBulkLoad(creates: 4))
    }

    @Test func bulkLoadLeavesTheStoreThatBatchByBatchApplyingLeaves() throws {
        let bulk = try SQLiteStore(path: folder + "/bulk.db", create: true)
        let batched = try SQLiteStore(path: folder + "/batched.db", create: true)
        bulk.bulkLoadMinimum = 1
        batched.bulkLoadMinimum = .max
        let users = Self.users(2_500)
        let plans = (try StoreFixtures.plan(users, against: bulk), try StoreFixtures.plan(users, against: batched))
        #expect(plans.0.actions == plans.1.actions)
        // More than one batch of creates (every seventh user is disabled, and not created).
        let creates = plans.0.actions.filter { $0.kind == .create }.count
        #expect(creates == 2_143)
        // Another writer takes one planned userName first: that create fails for uniqueness alone.
        try Self.insertUser("USER00017@contoso.example", into: bulk.database)
        try Self.insertUser("USER00017@contoso.example", into: batched.database)
        #expect(try bulk.isBulkLoad(creates: creates))
        #expect(try batched.isBulkLoad(creates: creates) == false)

        let results = (
            try bulk.apply(plans.0, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock),
            try batched.apply(plans.1, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        )
        #expect(results.0.applied == [.create: creates - 1])
        #expect(results.0.applied == results.1.applied)
        #expect(results.0.failures.map(\.message) == ["userName user00017@contoso.example is already taken by another target user"])
        #expect(results.0.failures.map(\.code) == ["uniqueness"])
        #expect(results.1.failures.map(\.message) == results.0.failures.map(\.message))
        #expect(try StoreFixtures.rows(bulk.database, "SELECT status, error_code FROM provisioning_log WHERE user_name = 'user00017@contoso.example'")
            == [[.text("failure"), .text("uniqueness")]])
        #expect(try Self.comparable(bulk.database) == Self.comparable(batched.database))
        #expect(try bulk.database.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try Self.indexLists(bulk.database) == freshIndexLists())
        // The load ran with a rollback journal; the store is back in WAL mode, at its usual synchronous.
        #expect(try bulk.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try bulk.database.scalarInt("PRAGMA synchronous") == 1)
        // The next night sees nothing to do, in either store.
        #expect(try StoreFixtures.plan(users, against: bulk).actions.filter { $0.kind != .skip }.map(\.userName)
            == ["user00017@contoso.example"])
    }

    @Test func storeErrorInALaterBatchOfABulkLoadRollsBackTheWholeLoadAndKeepsEveryIndex() throws {
        let store = try SQLiteStore(path: folder + "/store.db", create: true)
        store.bulkLoadMinimum = 1
        let database = store.database
        // The last create (in the second batch) hits a trigger that aborts the statement: a store
        // error, which stops the run.
        try database.execute("""
            CREATE TRIGGER refuse_last BEFORE INSERT ON users WHEN NEW.user_name = 'user02500@contoso.example'
            BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;
            """)
        let before = try Self.indexLists(database)
        let plan = try StoreFixtures.plan(Self.users(2_500), against: store)
        let creates = plan.actions.filter { $0.kind == .create }
        #expect(creates.count == 2_143)
        #expect(creates.last?.userName == "user02500@contoso.example")
        #expect(try store.isBulkLoad(creates: creates.count))

        let error = try #require(throws: ApplyError.self) {
            try store.apply(plan, mode: "apply", checkFingerprint: true)
        }
        guard case .interrupted(let applied, let reason) = error else {
            Issue.record("expected an interrupted run, got \(error)")
            return
        }
        #expect(applied == 0)
        #expect(reason.hasPrefix("SQLite error 1811 (refused by test trigger) in statement: INSERT INTO users"))
        #expect(error.description.hasSuffix("; nothing was applied"))
        #expect(try StoreFixtures.rows(database, "SELECT outcome, created FROM runs") == [[.text("failed"), .integer(0)]])
        #expect(try database.scalarInt("SELECT count(*) FROM users") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM links") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM provisioning_log") == 0)
        #expect(try store.fingerprint() == "new")
        #expect(try Self.indexLists(database) == before)
        #expect(before == (try freshIndexLists()))
        #expect(try Self.triggers(database).filter { $0[0] != .text("refuse_last") } == freshTriggers())
        #expect(try database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "0")

        try database.execute("DROP TRIGGER refuse_last")
        let result = try store.apply(plan, mode: "apply", checkFingerprint: true)
        #expect(result.applied == [.create: 2_143])
        #expect(try Self.indexLists(database) == before)
        #expect(try Self.triggers(database) == freshTriggers())
        #expect(try database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "4286")
    }

    @Test func bulkLoadWithAnotherConnectionOpenStaysInWALModeAndLoadsEveryUser() throws {
        let path = folder + "/shared.db"
        let store = try SQLiteStore(path: path, create: true)
        store.bulkLoadMinimum = 1
        // A reader holds the store open: the journal mode cannot change, and the load runs in WAL mode.
        let reader = try Database(path: path, create: false)
        #expect(try reader.scalarInt("SELECT count(*) FROM users") == 0)
        let plan = try StoreFixtures.plan(Self.users(300), against: store)
        let result = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        #expect(result.applied == [.create: 258])
        #expect(try reader.scalarInt("SELECT count(*) FROM users") == 258)
        #expect(try store.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try store.database.scalarInt("PRAGMA synchronous") == 1)
        #expect(try Self.indexLists(store.database) == freshIndexLists())
    }

    @Test func bulkLoadKilledPartWayLeavesAnEmptyStoreWithEveryIndex() throws {
        let count = 6_000
        let page = folder + "/users.json"
        let users: [JSONValue] = (1...count).map { index in
            let number = String(format: "%05d", index)
            return .object([
                "id": .string("00000000-0000-4000-8000-0000000\(number)"), "userPrincipalName": .string("user\(number)@contoso.example"),
                "accountEnabled": .bool(true), "displayName": .string("User \(number)"), "department": .string("Research"),
            ])
        }
        try Data(JSONWriter.write(.object(["value": .array(users)])).utf8).write(to: URL(fileURLWithPath: page))
        let store = folder + "/store.db"
        let arguments = ["--snapshot", page, "--store", store, "--apply", "--progress", "plain"]

        // Killed after the first or second of the load's three batches: a progress line of applying.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging([ProgressReporter.intervalVariable: "0"]) { $1 }
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        var stderr = ""
        while !stderr.contains(/applying \d+% \([24],000 of 6,000/), process.isRunning {
            let data = err.fileHandleForReading.availableData
            if data.isEmpty { break }
            stderr += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(stderr.contains(/applying \d+% \([24],000 of 6,000/))

        // Killed inside the load's rollback-journal transaction: the journal is there to undo it.
        #expect(FileManager.default.fileExists(atPath: store + "-journal"))
        let killed = try Database(path: store, create: false)
        #expect(try killed.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try killed.scalarInt("SELECT count(*) FROM users") == 0)
        #expect(try killed.scalarInt("SELECT count(*) FROM links") == 0)
        #expect(try Self.indexLists(killed) == freshIndexLists())
        #expect(try Self.triggers(killed) == freshTriggers())
        #expect(try killed.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "0")
        #expect(try killed.scalarText("PRAGMA journal_mode") == "delete")
        // The next open puts the store back in WAL mode.
        #expect(try SQLiteStore(path: store, create: false).database.scalarText("PRAGMA journal_mode") == "wal")

        let run = try TestSupport.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try killed.scalarInt("SELECT count(*) FROM users") == count)
        #expect(try killed.scalarInt("SELECT count(*) FROM links") == count)
        #expect(try Self.indexLists(killed) == freshIndexLists())
        #expect(try Self.triggers(killed) == freshTriggers())
        #expect(try killed.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "12000")
    }

    @Test func bulkLoadRaisesTheGenerationByWhatTheTriggersAddInABatchByBatchApply() throws {
        // One store, 35 users loaded batch by batch, copied twice: the same store id in both copies.
        do {
            let first = try SQLiteStore(path: folder + "/first.db", create: true)
            first.bulkLoadMinimum = .max
            let result = try first.apply(try StoreFixtures.plan(Self.users(40), against: first), mode: "apply",
                                         checkFingerprint: false, now: StoreFixtures.firstClock)
            #expect(result.applied == [.create: 35])
        }
        try FileManager.default.copyItem(atPath: folder + "/first.db", toPath: folder + "/bulk.db")
        try FileManager.default.copyItem(atPath: folder + "/first.db", toPath: folder + "/batched.db")
        let bulk = try SQLiteStore(path: folder + "/bulk.db", create: false)
        let batched = try SQLiteStore(path: folder + "/batched.db", create: false)
        bulk.bulkLoadMinimum = 1
        batched.bulkLoadMinimum = .max
        #expect(try bulk.fingerprint() == batched.fingerprint())
        #expect(try bulk.fingerprint().hasSuffix(":70"))

        // The next export: user 1 gone (a delete), user 2 changed (an update), users 41 to 2,500 new.
        var users = Self.users(2_500)
        users.removeFirst()
        users[0] = Self.user(2, jobTitle: "Changed")
        let plans = (try StoreFixtures.plan(users, against: bulk, deleteMissing: true),
                     try StoreFixtures.plan(users, against: batched, deleteMissing: true))
        #expect(plans.0.actions == plans.1.actions)
        let creates = plans.0.actions.filter { $0.kind == .create }.count
        #expect(creates == 2_108)
        #expect(try bulk.isBulkLoad(creates: creates))
        #expect(try batched.isBulkLoad(creates: creates) == false)
        let results = (
            try bulk.apply(plans.0, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock),
            try batched.apply(plans.1, mode: "apply", checkFingerprint: true, now: StoreFixtures.secondClock)
        )
        #expect(results.0.applied == [.create: creates, .update: 1, .delete: 1])
        #expect(results.1.applied == results.0.applied)
        // A users row and a links row per create; the update's users row; the delete's users and links rows.
        #expect(try bulk.fingerprint().hasSuffix(":\(70 + 2 * creates + 1 + 2)"))
        #expect(try bulk.fingerprint() == batched.fingerprint())
        #expect(try Self.triggers(bulk.database) == freshTriggers())
        #expect(try Self.comparable(bulk.database) == Self.comparable(batched.database))
    }

    @Test func bulkLoadKeepsATriggerChangedOutsideReconcileFiring() throws {
        let store = try SQLiteStore(path: folder + "/store.db", create: true)
        store.bulkLoadMinimum = 1
        let custom = """
            CREATE TRIGGER links_insert_generation AFTER INSERT ON links BEGIN
                UPDATE store_info SET value = CAST(value AS INTEGER) + 100 WHERE key = 'generation';
            END
            """
        try store.database.execute("DROP TRIGGER links_insert_generation; \(custom)")
        let plan = try StoreFixtures.plan(Self.users(300), against: store)
        #expect(try store.isBulkLoad(creates: 258))
        let result = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        #expect(result.applied == [.create: 258])
        // The users rows count one each (the dropped trigger's share); the changed links trigger added its 100 per row.
        #expect(try store.database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "\(258 + 100 * 258)")
        #expect(try StoreFixtures.rows(store.database, "SELECT sql FROM sqlite_master WHERE name = 'links_insert_generation'")
            == [[.text(custom)]])
        #expect(try Self.triggers(store.database).count == 6)
    }
}
