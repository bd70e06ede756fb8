import Foundation
import Testing
@testable import ReconcileKit

/// The embedded store: its schema, how it recognises its own files, its fingerprint and the
/// uniqueness of `userName`. Each test gets its own folder, removed with any WAL files in `deinit`.
final class SQLiteStoreTests {
    private let folder: String
    private let path: String

    init() {
        folder = TestSupport.temporaryFolder()
        path = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private static let refusal = "; it was left untouched. Pass --store with a new path to create a store, or the path of an existing one."

    // MARK: - A new store

    @Test func createsMissingStoreWithItsSchemaAndSaysSo() throws {
        var notices: [String] = []
        let store = try SQLiteStore(path: path, create: true) { notices.append($0) }
        #expect(notices == ["created new store \(path) (schema version \(StoreFile.migrations.count))"])

        let database = store.database
        #expect(try database.userVersion == StoreFile.migrations.count)
        #expect(StoreFile.migrations.count >= 2)
        #expect(try database.applicationID() == 0x5243_4E43)
        #expect(try StoreFixtures.schemaNames(database, type: "table")
            == ["escrow", "links", "provisioning_log", "quarantine", "run_lock", "runs", "store_info", "users"])
        #expect(try StoreFixtures.schemaNames(database, type: "index")
            == ["provisioning_log_run", "provisioning_log_time", "users_external_id", "users_planning"])
        #expect(try StoreFixtures.schemaNames(database, type: "trigger") == [
            "links_delete_generation", "links_insert_generation", "links_update_generation",
            "users_delete_generation", "users_insert_generation", "users_update_generation",
        ])
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("PRAGMA foreign_keys") == 1)

        let columns = try StoreFixtures.rows(database, "SELECT name FROM pragma_table_info('users') ORDER BY cid")
        #expect(columns.map { $0[0] } == [
            "id", "external_id", "user_name", "user_name_key", "active", "display_name", "title", "email",
            "given_name", "family_name", "locality", "organization", "department", "resource", "created",
            "last_modified", "version", "applied_digest", "digest_version", "source_digest",
        ])
        // user_name_key carries the UNIQUE constraint, not user_name.
        let unique = try StoreFixtures.rows(database, """
            SELECT ii.name FROM pragma_index_list('users') AS il, pragma_index_info(il.name) AS ii
            WHERE il."unique" = 1 AND il.origin = 'u'
            """)
        #expect(unique == [["user_name_key"]])

        #expect(try database.scalarText("SELECT value FROM store_info WHERE key = 'kind'") == "scim")
        #expect(try database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "0")
        let storeID = try #require(try database.scalarText("SELECT value FROM store_info WHERE key = 'store_id'"))
        #expect(UUID(uuidString: storeID) != nil)
        #expect(storeID == storeID.lowercased())

        #expect(try store.fingerprint() == "new")
        #expect(try store.users().isEmpty)
        #expect(try store.links().isEmpty)
    }

    @Test func recordsApplicationIDAndSchemaVersionInTheFileHeader() throws {
        do {
            _ = try SQLiteStore(path: path, create: true)
        }
        // Closing the last connection checkpoints the WAL into the file and removes it.
        let header = [UInt8](TestSupport.bytes(path).prefix(100))
        try #require(header.count == 100)
        #expect(Array(header[0..<16]) == Array("SQLite format 3\0".utf8))
        #expect(Array(header[60..<64]) == [0, 0, 0, UInt8(StoreFile.migrations.count)])  // user_version, big-endian
        #expect(Array(header[68..<72]) == Array("RCNC".utf8))  // application_id
        #expect(StoreFixtures.files(in: folder) == ["store.db"])
    }

    @Test func reopensItsOwnStoreWithoutNoticeOrChange() throws {
        var fingerprint = ""
        do {
            let store = try SQLiteStore(path: path, create: true)
            _ = try store.apply(
                try StoreFixtures.plan([StoreFixtures.alice()], against: store), mode: "apply", checkFingerprint: false)
            fingerprint = try store.fingerprint()
        }
        let before = TestSupport.bytes(path)
        var notices: [String] = []
        let reopened = try SQLiteStore(path: path, create: false) { notices.append($0) }
        #expect(notices.isEmpty)
        #expect(try reopened.fingerprint() == fingerprint)
        #expect(try reopened.users().map(\.userName) == ["alice@contoso.example"])
        #expect(TestSupport.bytes(path) == before)
    }

    @Test func refusesToCreateMissingStoreWhenNotAllowed() throws {
        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: false) }
        #expect(error == .cannotOpen(path: path, message: "no such store; run with --apply to create it"))
        #expect(error.description == "cannot open store \(path): no such store; run with --apply to create it")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    // MARK: - Files that are not ours

    @Test func refusesAnotherProgramsSQLiteFileAndLeavesItUntouched() throws {
        do {
            let database = try Database(path: path, create: true)
            try database.execute("""
                CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
                INSERT INTO notes (body) VALUES ('keep me');
                """)
        }
        let before = TestSupport.bytes(path)
        try #require(!before.isEmpty)

        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: true) }
        #expect(error == .notAStore(path: path, reason: "an SQLite database of another program"))
        #expect(error.description == "\(path) is not a reconcile store (an SQLite database of another program)" + Self.refusal)
        #expect(TestSupport.bytes(path) == before)
        #expect(StoreFixtures.files(in: folder) == ["store.db"])
    }

    @Test func refusesSQLiteFileWithAnotherApplicationID() throws {
        do {
            let database = try Database(path: path, create: true)
            try database.setApplicationID(0x1234_5678)
            try database.execute("CREATE TABLE t (x)")
        }
        let before = TestSupport.bytes(path)

        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: true) }
        #expect(error == .notAStore(path: path, reason: "application_id 0x12345678"))
        #expect(error.description == "\(path) is not a reconcile store (application_id 0x12345678)" + Self.refusal)
        #expect(TestSupport.bytes(path) == before)
    }

    @Test func refusesTextFileAndLeavesItUntouched() throws {
        let text = "userName,displayName\nalice@contoso.example,Alice\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))

        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: true) }
        #expect(error == .notAStore(path: path, reason: "not an SQLite database"))
        #expect(error.description == "\(path) is not a reconcile store (not an SQLite database)" + Self.refusal)
        #expect(TestSupport.bytes(path) == Data(text.utf8))
        #expect(StoreFixtures.files(in: folder) == ["store.db"])
    }

    @Test func refusesEmptyFile() throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))

        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: true) }
        #expect(error == .notAStore(path: path, reason: "not an SQLite database"))
        #expect(TestSupport.bytes(path).isEmpty)
    }

    @Test func refusesStateFileGivenAsStore() throws {
        do {
            _ = try StoreFile.open(path, kind: .state, create: true)
        }
        let before = TestSupport.bytes(path)

        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: true) }
        #expect(error == .notAStore(path: path, reason: "it is not an embedded SCIM store"))
        #expect(error.description == "\(path) is not a reconcile store (it is not an embedded SCIM store)" + Self.refusal)
        #expect(TestSupport.bytes(path) == before)
    }

    @Test func refusesStoreWithNewerSchema() throws {
        do {
            let store = try SQLiteStore(path: path, create: true)
            try store.database.setUserVersion(StoreFile.migrations.count + 1)
        }
        let before = TestSupport.bytes(path)
        let (found, supported) = (StoreFile.migrations.count + 1, StoreFile.migrations.count)

        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path, create: true) }
        #expect(error == .newerSchema(path: path, found: found, supported: supported))
        #expect(error.description == "store \(path) has schema version \(found), newer than this reconcile supports (\(supported)); "
            + "upgrade reconcile before running it against this store")
        #expect(TestSupport.bytes(path) == before)
    }

    // MARK: - Fingerprint

    @Test func aStoreOfTheFourthSchemaLosesTheLogIndexesNoQueryUses() throws {
        do {
            let database = try Database(path: path, create: true)
            try database.setApplicationID(StoreFile.applicationID)
            for migration in StoreFile.migrations[0..<4] { try database.execute(migration) }
            try database.execute("INSERT INTO store_info (key, value) VALUES ('kind', 'scim'), ('store_id', 'fourth-store')")
            try database.setUserVersion(4)
            #expect(try StoreFixtures.schemaNames(database, type: "index").contains("provisioning_log_user"))
        }
        let migrated = try SQLiteStore(path: path, create: false)
        #expect(try migrated.database.userVersion == 5)
        #expect(try StoreFixtures.schemaNames(migrated.database, type: "index")
            == ["provisioning_log_run", "provisioning_log_time", "users_external_id", "users_planning"])
        // The query by user reads the whole log, with or without them.
        let plan = try StoreFixtures.rows(migrated.database, """
            EXPLAIN QUERY PLAN SELECT id FROM provisioning_log WHERE (user_name = 'a' COLLATE NOCASE OR source_id = 'a' OR target_id = 'a')
            """)
        #expect(plan.compactMap { row -> String? in if case .text(let detail)? = row.last { detail } else { nil } } == ["SCAN provisioning_log"])
    }

    @Test func fingerprintChangesAfterAnyUserOrLinkChange() throws {
        let store = try SQLiteStore(path: path, create: true)
        let database = store.database
        let storeID = try #require(try database.scalarText("SELECT value FROM store_info WHERE key = 'store_id'"))
        #expect(try store.fingerprint() == "new")

        // One create: a user row and a link row.
        _ = try store.apply(try StoreFixtures.plan([StoreFixtures.alice()], against: store), mode: "apply", checkFingerprint: false)
        #expect(try store.fingerprint() == "\(storeID):2")

        // Out-of-band changes by anyone count too.
        try database.execute("UPDATE users SET title = 'Chief Chemist'")
        #expect(try store.fingerprint() == "\(storeID):3")
        try database.execute("UPDATE links SET run_id = 42")
        #expect(try store.fingerprint() == "\(storeID):4")
        try database.execute("DELETE FROM links")
        #expect(try store.fingerprint() == "\(storeID):5")
        try database.execute("DELETE FROM users")
        #expect(try store.fingerprint() == "\(storeID):6")

        // Run bookkeeping is not target state.
        try database.execute("INSERT INTO runs (started_at, mode) VALUES ('2026-01-01T00:00:00.000Z', 'apply')")
        #expect(try store.fingerprint() == "\(storeID):6")
    }

    @Test func fingerprintNamesTheStoreNotOnlyItsGeneration() throws {
        let other = folder + "/other.db"
        let first = try SQLiteStore(path: path, create: true)
        let second = try SQLiteStore(path: other, create: true)
        for store in [first, second] {
            _ = try store.apply(try StoreFixtures.plan([StoreFixtures.alice()], against: store), mode: "apply", checkFingerprint: false)
        }
        #expect(try first.fingerprint().hasSuffix(":2"))
        #expect(try second.fingerprint().hasSuffix(":2"))
        #expect(try first.fingerprint() != second.fingerprint())
    }

    // MARK: - userName uniqueness

    @Test(arguments: [
        ("STRASSE@contoso.example", "straße@contoso.example", "strasse@contoso.example"),
        ("ZOË@contoso.example", "Zoe\u{308}@contoso.example", "zo\u{EB}@contoso.example"),
        ("Zoe\u{308}@contoso.example", "zoë@CONTOSO.example", "zo\u{EB}@contoso.example"),
        ("Anna.Weber@Contoso.example", "anna.weber@contoso.example", "anna.weber@contoso.example"),
    ])
    func userNameIsUniqueAcrossUnicodeCaseAndNormalization(first: String, second: String, key: String) throws {
        let store = try SQLiteStore(path: path, create: true)
        let plan = try StoreFixtures.plan(actions: [
            StoreFixtures.create(sourceId: "source-2", userName: second),
            StoreFixtures.create(sourceId: "source-1", userName: first),
        ], against: store)
        #expect(plan.actions.map(\.sourceId) == ["source-1", "source-2"])

        let result = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        #expect(result.applied == [.create: 1])
        #expect(result.outcome == "partial")
        try #require(result.failures.count == 1)
        #expect(result.failures[0].action.sourceId == "source-2")
        #expect(result.failures[0].message == "userName \(second) is already taken by another target user")

        let users = try store.users()
        #expect(users.map(\.userName) == [first])
        #expect(try store.links() == ["source-1": users[0].id])
        let storedKey = try #require(try store.database.scalarText("SELECT user_name_key FROM users"))
        #expect(Array(storedKey.utf8) == Array(key.utf8))

        let log = try StoreFixtures.rows(store.database, """
            SELECT action, status, source_id, user_name, error_code, reason FROM provisioning_log ORDER BY id
            """)
        #expect(log == [
            ["create", "success", "source-1", .text(first), .null, .null],
            ["create", "failure", "source-2", .text(second), "uniqueness",
             .text("userName \(second) is already taken by another target user")],
        ])
    }

    @Test func failedCreateWithoutASavepointLeavesTheStoreAsIfItWereNotPlanned() throws {
        // The embedded store gives actions no savepoint (`failedActionsWriteNothing`): a create that
        // fails for uniqueness must still leave no row, no link and no generation bump behind.
        let store = try SQLiteStore(path: path, create: true)
        let other = try SQLiteStore(path: path + ".other", create: true)
        #expect(store.failedActionsWriteNothing)
        for database in [store.database, other.database] {
            try database.execute("""
                INSERT INTO users (id, user_name, user_name_key, active, resource, created, last_modified, version)
                VALUES ('taken', 'Bob@contoso.example', 'bob@contoso.example', 1, '{}', 'then', 'then', 1)
                """)
        }
        let creates = [
            StoreFixtures.create(sourceId: "source-1", userName: "alice@contoso.example"),
            StoreFixtures.create(sourceId: "source-2", userName: "bob@contoso.example"),
            StoreFixtures.create(sourceId: "source-3", userName: "carol@contoso.example"),
        ]
        let result = try store.apply(try StoreFixtures.plan(actions: creates, against: store), mode: "apply", checkFingerprint: false,
                                     now: StoreFixtures.firstClock)
        #expect(result.failures.map(\.code) == ["uniqueness"])
        _ = try other.apply(try StoreFixtures.plan(actions: [creates[0], creates[2]], against: other), mode: "apply",
                            checkFingerprint: false, now: StoreFixtures.firstClock)

        let comparable = """
            SELECT user_name_key, external_id, replace(resource, id, 'ID'), version FROM users ORDER BY user_name_key
            """
        #expect(try StoreFixtures.rows(store.database, comparable) == StoreFixtures.rows(other.database, comparable))
        #expect(try StoreFixtures.rows(store.database, "SELECT source_id FROM links ORDER BY 1") == [["source-1"], ["source-3"]])
        #expect(try store.database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "5")
        #expect(try other.database.scalarText("SELECT value FROM store_info WHERE key = 'generation'") == "5")
        #expect(try StoreFixtures.rows(store.database, "SELECT source_id, status FROM provisioning_log ORDER BY id")
            == [["source-1", "success"], ["source-2", "failure"], ["source-3", "success"]])
    }

    @Test func userNameKeyUniquenessHoldsForOutOfBandWrites() throws {
        let store = try SQLiteStore(path: path, create: true)
        _ = try store.apply(try StoreFixtures.plan([StoreFixtures.alice()], against: store), mode: "apply", checkFingerprint: false)
        let insert = try store.database.prepare("""
            INSERT INTO users (id, user_name, user_name_key, active, resource, created, last_modified, version)
            VALUES ('other', 'ALICE@contoso.example', ?, 1, '{}', 'now', 'now', 1)
            """)
        let error = try #require(throws: StoreError.self) {
            try insert.run(.text(IdentityKey.normalize("ALICE@contoso.example")))
        }
        guard case .sqlite(let code, let message, _) = error else {
            Issue.record("expected an SQLite error, got \(error)")
            return
        }
        #expect(code == 2067)
        #expect(message == "UNIQUE constraint failed: users.user_name_key")
    }

    // MARK: - Reading back

    @Test func usersAndLinksReadBackWhatWasApplied() throws {
        let store = try SQLiteStore(path: path, create: true)
        let plan = try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store)
        _ = try store.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)

        let users = try store.users()
        #expect(users.map(\.id) == users.map(\.id).sorted())
        let alice = try #require(users.first { $0.externalId == "alice-id" })
        let bob = try #require(users.first { $0.externalId == "bob-id" })
        #expect(alice.userName == "alice@contoso.example")
        #expect(alice.active)
        #expect(alice.version == "W/\"1\"")
        #expect(alice.resource.member("id")?.stringValue == alice.id)
        #expect(alice.value(at: SCIMPath(attribute: "title")) == .string("Medicinal Chemist"))
        #expect(bob.userName == "Bob@Contoso.example")
        #expect(bob.value(at: SCIMPath(attribute: "title")) == nil)
        #expect(try store.links() == ["alice-id": alice.id, "bob-id": bob.id])

        // The planner's view: the same users, their resources read when asked for, each with the
        // digest its create wrote.
        let state = try store.targetState()
        #expect(state.users.map(\.id) == users.map(\.id))
        #expect(state.users.map(\.resource) == users.map(\.resource))
        #expect(state.users.map(\.userName) == users.map(\.userName))
        #expect(state.users.allSatisfy { $0.appliedDigest != nil })
        #expect(state.kind == "sqlite")
        #expect(state.location == path)
        #expect(state.fingerprint == (try store.fingerprint()))
    }

    /// The users of a store that was applied to and then let go of, as a run keeps them until it exits.
    private func usersOutlivingTheirStore() throws -> [TargetUser] {
        let store = try SQLiteStore(path: path, create: true)
        _ = try store.apply(try StoreFixtures.plan([StoreFixtures.alice()], against: store), mode: "apply",
                            checkFingerprint: false, now: StoreFixtures.firstClock)
        return try store.targetState().users
    }

    @Test func usersKeptAfterTheStoreDoNotKeepItsConnectionOpen() throws {
        let users = try usersOutlivingTheirStore()
        #expect(users.map(\.userName) == ["alice@contoso.example"])
        // The last connection closed and checkpointed: SQLite removes the write-ahead log then.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        // Reading the resource now gets nothing rather than a connection that is gone.
        #expect(users[0].resource == .object([:]))
        let store = try SQLiteStore(path: path, create: false)
        #expect(try store.targetState().users.first?.resource.member("userName") == .string("alice@contoso.example"))
    }
}
