import Foundation
import Testing
@testable import ReconcileKit

/// `reconcile explain USER --apply`: that user's actions, and nothing else, through the guarded
/// apply (lock, guards, provisioning log, a run recorded with mode `explain`).
final class ExplainApplyTests {
    let folder: String
    let store: String
    let dayOne = TestSupport.fixture("explain/day-one.json")
    let dayTwo = TestSupport.fixture("explain/day-two.json")

    static let alice = "6a1f0c9d-1111-4a1e-9c01-00000000a11c"

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func reconcile(_ arguments: String...) throws -> TestSupport.Run {
        try TestSupport.run(arguments)
    }

    func rows(_ sql: String) throws -> [[SQLValue]] {
        try StoreFixtures.rows(SQLiteStore(path: store, create: false).runState.database, sql)
    }

    /// userName -> (active, title) of every user in the store.
    func usersByName() throws -> [String: (active: Bool, title: String?)] {
        var result: [String: (active: Bool, title: String?)] = [:]
        for user in try CommandLineSupport.users(of: store) {
            result[user.userName] = (user.active, user.resource["title"]?.stringValue)
        }
        return result
    }

    @Test func appliesThatUsersUpdateAndNothingElse() throws {
        let first = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        try #require(first.status == 0, "\(first.stderr)")
        let before = try usersByName()

        let run = try reconcile("explain", "alice.martin@contoso.example", "--snapshot", dayTwo, "--store", store, "--apply")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "")
        #expect(run.stdout.hasPrefix("Explain alice.martin@contoso.example: directory user \(Self.alice), target user "))
        #expect(run.stdout.contains("5. Action: update: "))
        #expect(run.stdout.hasSuffix("   --apply applies this update.\nApplied 1 change in run 2.\n"))

        // Alice is updated; Bob stays active, Carol and Dave are not disabled, Frank is not created.
        var expected = before
        expected["alice.martin@contoso.example"]?.title = "Senior Medicinal Chemist"
        let after = try usersByName()
        #expect(after.keys.sorted() == expected.keys.sorted())
        for (name, user) in expected {
            #expect(after[name]?.active == user.active && after[name]?.title == user.title, "\(name)")
        }
        #expect(after.values.allSatisfy { $0.active })
        #expect(try rows("SELECT id, mode, outcome, created, updated, disabled FROM runs ORDER BY id") == [
            [.integer(1), .text("apply"), .text("success"), .integer(5), .integer(0), .integer(0)],
            [.integer(2), .text("explain"), .text("success"), .integer(0), .integer(1), .integer(0)],
        ])
        #expect(try rows("SELECT action, status, source_id, user_name FROM provisioning_log WHERE run_id = 2") == [
            [.text("update"), .text("success"), .text(Self.alice), .text("alice.martin@contoso.example")],
        ])
        let logs = try reconcile("logs", "--store", store, "--run", "2")
        #expect(logs.stdout.contains("""
            run 2  update  success  alice.martin@contoso.example
            """))

        // Alice is done; the rest of day two is still to do.
        let explained = try reconcile("explain", "alice.martin@contoso.example", "--snapshot", dayTwo, "--store", store)
        #expect(explained.stdout.contains("4. Mapping: nothing changes.\n"))
        #expect(explained.stdout.contains("5. Action: noChange: "))
        let plan = try reconcile("--snapshot", dayTwo, "--store", store, "--plan")
        #expect(plan.stdout.hasPrefix(
            "Plan: 1 to create, 0 to update, 0 to link, 3 to disable, 0 to delete, 1 skipped, 2 unchanged.\n"))
    }

    @Test func createsTheStoreForTheOneUserItProvisions() throws {
        let run = try reconcile("explain", "bob.kent@contoso.example", "--snapshot", dayOne, "--store", store, "--apply")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "reconcile: created new store \(store) (schema version \(StoreFile.migrations.count))\n")
        #expect(run.stdout.hasSuffix("   --apply applies this create.\nApplied 1 change in run 1.\n"))
        #expect(try CommandLineSupport.users(of: store).map(\.userName) == ["bob.kent@contoso.example"])
        #expect(try CommandLineSupport.links(of: store) == ["6a1f0c9d-2222-4a1e-9c01-000000000b0b": try #require(
            try CommandLineSupport.users(of: store).first?.id)])
    }

    @Test func unknownUserCreatesNoStoreAndRecordsNoRun() throws {
        let run = try reconcile("explain", "nobody@contoso.example", "--snapshot", dayOne, "--store", store, "--apply")
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.hasPrefix("reconcile: no user 'nobody@contoso.example' in the snapshot \(dayOne) or in the store \(store): "))
        #expect(!FileManager.default.fileExists(atPath: store))

        let first = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        try #require(first.status == 0)
        let again = try reconcile("explain", "nobody@contoso.example", "--snapshot", dayTwo, "--store", store, "--apply")
        #expect(again.status == 1)
        #expect(try rows("SELECT id FROM runs") == [[.integer(1)]])
    }

    @Test func isRefusedWhileTheJobIsQuarantined() throws {
        let first = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        try #require(first.status == 0)
        let held = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--deletion-threshold", "1")
        try #require(held.status == 3, "\(held.stderr)")
        let before = try usersByName()

        let run = try reconcile("explain", "frank.weber@contoso.example", "--snapshot", dayTwo, "--store", store, "--apply")
        #expect(run.status == 4)
        #expect(run.stdout == "")
        let quarantine = try #require(try rows("SELECT since FROM quarantine").first?.first)
        guard case .text(let since) = quarantine else { Issue.record("quarantine.since is not text"); return }
        #expect(run.stderr == """
            reconcile: the job is quarantined since \(since) (deletionThreshold: 3 disables and deletes planned in run 2, more \
            than the deletion threshold of 1); reconcile explain --apply changes one user only while the job is not \
            quarantined, so nothing was applied. To leave quarantine: review the staged disables and deletes with --plan; if \
            they are intended, run with --allow-deletions, otherwise fix the cause (the export, scoping or mapping) and run again.

            """)
        #expect(try usersByName().keys.sorted() == before.keys.sorted())
        #expect(try rows("SELECT mode, outcome FROM runs WHERE id = 3") == [[.text("explain"), .text("quarantined")]])
        #expect(try rows("SELECT count(*) FROM quarantine") == [[.integer(1)]])

        // Read-only, it says why an apply would be refused.
        let explained = try reconcile("explain", "frank.weber@contoso.example", "--snapshot", dayTwo, "--store", store)
        #expect(explained.status == 0)
        #expect(explained.stdout.hasSuffix("explain --apply is refused while quarantined.\n"))
    }

    @Test func stagesAUsersDisableOverTheDeletionThreshold() throws {
        let first = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        try #require(first.status == 0)
        let explained = try reconcile(
            "explain", "bob.kent@contoso.example", "--snapshot", dayTwo, "--store", store, "--deletion-threshold", "1")
        #expect(explained.status == 0)
        #expect(explained.stdout.contains("""
                 replace active: false
                 held: staged: deletion threshold
               Guards:
                 deletion threshold:  3 disables and deletes planned in the whole plan, more than the deletion threshold of 1: this one is staged

            """))
        #expect(explained.stdout.hasSuffix(
            "   A full --apply would hold this disable: it is staged by the deletion threshold (--allow-deletions applies it after "
                + "review); explain --apply counts this user's disable alone.\n"))
        let json = try CommandLineSupport.json(try reconcile(
            "explain", "bob.kent@contoso.example", "--snapshot", dayTwo, "--store", store, "--deletion-threshold", "1",
            "--format", "json").stdout)
        #expect(json["action"]?["guards"]?["deletionThreshold"]?["staged"] == .bool(true))
        #expect(json["action"]?["actions"]?.arrayValue?.first?["held"] == .object(["by": .string("deletionThreshold")]))

        // Applied one user at a time, the threshold counts that user's disable only.
        let applied = try reconcile(
            "explain", "bob.kent@contoso.example", "--snapshot", dayTwo, "--store", store, "--deletion-threshold", "1", "--apply")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.hasSuffix("Applied 1 change in run 2.\n"))
        #expect(try usersByName()["bob.kent@contoso.example"]?.active == false)
        #expect(try usersByName()["carol.diaz@contoso.example"]?.active == true)
    }
}
