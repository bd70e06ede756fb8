import Foundation
import Testing
@testable import ReconcileKit

/// The `safety` configuration section, the notification command, and migrating a store made before
/// the safety tables existed.
final class SafetySettingsTests {
    let folder: String

    init() {
        folder = TestSupport.temporaryFolder()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: - Configuration

    @Test func safetySectionSetsEveryLimit() throws {
        let configuration = try Configuration.load(try JSONReader.parse("""
            {"safety": {"deletionThreshold": 50, "deletionThresholdPercent": 5, "snapshotShrinkLimitPercent": 10,
             "failureQuarantinePercent": 25, "failureQuarantineMinimum": 3, "logRetentionDays": 7, "logUnchanged": false,
             "notifyCommand": "logger -t reconcile"}}
            """), file: "config.json")
        var expected = SafetySettings()
        expected.deletionThreshold = 50
        expected.deletionThresholdPercent = 5
        expected.snapshotShrinkLimitPercent = 10
        expected.failureQuarantinePercent = 25
        expected.failureQuarantineMinimum = 3
        expected.logRetentionDays = 7
        expected.logUnchanged = false
        expected.notifyCommand = "logger -t reconcile"
        #expect(configuration.safety == expected)
        #expect(try Configuration.load(try JSONReader.parse("{}"), file: "config.json").safety == SafetySettings())
    }

    @Test(arguments: [
        (#"{"safety": {"deletionTreshold": 5}}"#,
         "config.json: safety.deletionTreshold: unknown key (known: deletionThreshold, deletionThresholdPercent, failureQuarantineMinimum, "
            + "failureQuarantinePercent, logRetentionDays, logUnchanged, notifyCommand, snapshotShrinkLimitPercent)"),
        (#"{"safety": {"deletionThresholdPercent": 150}}"#,
         "config.json: safety.deletionThresholdPercent: expected a whole number from 0 to 100, found the number 150"),
        (#"{"safety": {"logRetentionDays": 0}}"#, "config.json: safety.logRetentionDays: expected a whole number from 1 to 36500, found the number 0"),
        (#"{"safety": {"deletionThreshold": "500"}}"#, "config.json: safety.deletionThreshold: expected a whole number from 0 up, found a string \"500\""),
        (#"{"safety": 500}"#, "config.json: safety: expected an object, found the number 500"),
    ])
    func badSafetySettingIsRefusedNamingIt(document: String, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration.load(try JSONReader.parse(document), file: "config.json")
        }
        #expect(error.description == message)
    }

    // MARK: - Notifications

    @Test func notifierPassesTheSummaryOnStdinAndTheVariables() throws {
        let out = folder + "/out.txt"
        let failure = Notifier(command: "cat > '\(out)'; echo \"$RECONCILE_OUTCOME\" >> '\(out)'")
            .send("run 7 held\n", environment: ["RECONCILE_OUTCOME": "held"])
        #expect(failure == nil)
        #expect(String(decoding: TestSupport.bytes(out), as: UTF8.self) == "run 7 held\nheld\n")
    }

    @Test func notifierSaysHowTheCommandFailed() {
        #expect(Notifier(command: "echo 'no route to mail host' >&2; exit 3").send("x", environment: [:])
            == "the notify command exited with status 3: no route to mail host")
        #expect(Notifier(command: "kill -9 $$").send("x", environment: [:]) == "the notify command was killed by signal 9")
        #expect(Notifier(command: "sleep 10", timeout: 0.3).send("x", environment: [:])
            == "the notify command did not finish within 0.3 seconds and was stopped")
        // A command that ignores a large summary on stdin neither blocks nor kills reconcile.
        #expect(Notifier(command: "true").send(String(repeating: "x", count: 1_000_000), environment: [:]) == nil)
    }

    // MARK: - Migration

    @Test func storeOfTheFirstSchemaIsMigratedKeepingItsData() throws {
        let path = folder + "/old.db"
        do {
            let database = try Database(path: path, create: true)
            try database.execute("PRAGMA journal_mode = WAL")
            try database.setApplicationID(StoreFile.applicationID)
            try database.execute(StoreFile.migrations[0])
            try database.execute("""
                INSERT INTO store_info (key, value) VALUES ('kind', 'scim'), ('store_id', 'old-store');
                INSERT INTO runs (id, started_at, finished_at, mode, outcome, created) VALUES (1, 't0', 't1', 'apply', 'success', 1);
                INSERT INTO links (source_id, target_id, created, run_id) VALUES ('alice-id', 'u1', 't0', 1);
                """)
            try database.setUserVersion(1)
        }
        let store = try SQLiteStore(path: path, create: false)
        #expect(try store.database.userVersion == StoreFile.migrations.count)
        #expect(try store.links() == ["alice-id": "u1"])
        #expect(try StoreFixtures.rows(store.database, "SELECT id, outcome, snapshot_users, staged, deferred, no_change, message FROM runs")
            == [[1, "success", .null, 0, 0, 0, .null]])
        // A run before migration recorded no snapshot size, so it is no baseline for the shrink guard.
        #expect(try RunHistory.lastSuccessful(store.database) == nil)
        #expect(try Quarantine(database: store.database).current() == nil)
        #expect(try Escrow(database: store.database).entries().isEmpty)
    }
}
