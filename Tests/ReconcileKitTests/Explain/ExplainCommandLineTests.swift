import Foundation
import Testing
@testable import ReconcileKit

/// `reconcile explain USER`, run as the built binary: one golden file per kind of user (text and
/// JSON), and the errors for names that match nobody or several users.
///
/// The fixtures (`Fixtures/explain/`): day one has Alice, Bob, Carol, Dave Lee and the guest Erin;
/// on day two Alice is promoted and moves, Bob is disabled, Carol is gone, Dave Lee's UPN is reused
/// by a new David Lee, and Frank is hired. Bob and Erin share the mailbox `shared@contoso.example`.
final class ExplainCommandLineTests: StoreCommandLineSuite {
    let folder: String
    let store: String
    let dayOne = TestSupport.fixture("explain/day-one.json")
    let dayTwo = TestSupport.fixture("explain/day-two.json")
    let membersOnly = TestSupport.fixture("explain/members-only.json")

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func applyDayOne() throws {
        try applyToStore(dayOne)
    }

    /// `text` without what differs between runs: the fixture folder, the temporary folder, and the
    /// target ids the store made up (each becomes `target-` and its user's userName).
    func normalized(_ text: String) throws -> String {
        var result = text.replacingOccurrences(of: TestSupport.fixture("explain"), with: "Fixtures/explain")
            .replacingOccurrences(of: folder, with: "TMP")
        if FileManager.default.fileExists(atPath: store) {
            for user in try CommandLineSupport.users(of: store) {
                result = result.replacingOccurrences(of: user.id, with: "target-" + user.userName)
            }
        }
        return result
    }

    /// Explains `user` against day two in text and JSON, checks both against the golden files
    /// `explain-<name>.txt` and `.json`, and returns the text run.
    @discardableResult
    func expectExplained(_ user: String, golden name: String, extra: [String] = []) throws -> TestSupport.Run {
        let text = try TestSupport.run(["explain", user, "--snapshot", dayTwo, "--store", store] + extra)
        #expect(text.status == 0, "\(text.stderr)")
        CommandLineSupport.expectGolden(try normalized(text.stdout), named: "explain-\(name).txt")
        let json = try TestSupport.run(["explain", user, "--snapshot", dayTwo, "--store", store, "--format", "json"] + extra)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stderr == text.stderr)
        CommandLineSupport.expectGolden(try normalized(json.stdout), named: "explain-\(name).json")
        let document = try CommandLineSupport.json(json.stdout)
        #expect(document["formatVersion"] == .number("1"))
        #expect(document["query"] == .string(user))
        return text
    }

    // MARK: - One golden per kind of user

    @Test func explainsACreateWithEveryValueItSets() throws {
        try applyDayOne()
        let run = try expectExplained("Frank.Weber@Contoso.example", golden: "create")
        #expect(run.stderr == "")
        #expect(run.stdout.contains("5. Action: create: no target user matched and the user is enabled in the directory"))
    }

    @Test func explainsAnUpdateWithOldAndNewValues() throws {
        try applyDayOne()
        let run = try expectExplained("alice.martin@contoso.example", golden: "update")
        #expect(run.stdout.contains("""
                 changes  title                               jobTitle                                                     always  "Medicinal Chemist"                     "Senior Medicinal Chemist"
            """))
    }

    @Test func explainsWhichScopingClauseFailsWithoutCreatingTheStore() throws {
        let run = try expectExplained("erin_fabrikam.example#EXT#@contoso.example", golden: "out-of-scope", extra: ["--config", membersOnly])
        #expect(run.stderr == "reconcile: store \(store) does not exist yet; explaining against an empty store (explain --apply creates it)\n")
        #expect(run.stdout.contains("""
                   userType    EQUALS       "Member"  "Guest"  false
            """))
        #expect(!FileManager.default.fileExists(atPath: store))
        #expect(StoreFixtures.files(in: folder).isEmpty)
    }

    @Test func explainsAReusedUserNameAsAnIdentityConflict() throws {
        try applyDayOne()
        let run = try expectExplained("dave.lee@contoso.example", golden: "conflict")
        #expect(run.stdout.contains("5. Action: skip: identityConflict: userName \"dave.lee@contoso.example\" matches target user "))
    }

    @Test func explainsAManagedUserMissingFromTheSnapshot() throws {
        try applyDayOne()
        let run = try expectExplained("carol.diaz@contoso.example", golden: "missing")
        #expect(run.stdout.contains("1. Imported: not in the snapshot."))
        #expect(run.stdout.contains("5. Action: disable: managed by this job and missing from the snapshot"))
    }

    // MARK: - Names that match nobody, or several users

    @Test func unknownUserExitsOneWithTheClosestNames() throws {
        try applyDayOne()
        let run = try reconcile("explain", "alice", "--snapshot", dayTwo, "--store", store)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        CommandLineSupport.expectGolden(try normalized(run.stderr), named: "explain-unknown.txt")
        #expect(run.stderr.hasSuffix("; closest names: alice.martin@contoso.example\n"))
    }

    @Test func unknownUserWithNothingCloseSaysWhereItLooked() throws {
        let run = try reconcile("explain", "zz-9", "--snapshot", dayTwo, "--store", store)
        #expect(run.status == 1)
        #expect(run.stderr.hasSuffix("""
            reconcile: no user 'zz-9' in the snapshot \(dayTwo) or in the store \(store): USER is looked up by directory object id, \
            userPrincipalName and mail, and by the target's userName, externalId and id, in any case

            """))
    }

    @Test func ambiguousNameListsEveryCandidate() throws {
        let run = try reconcile("explain", "SHARED@contoso.example", "--snapshot", dayTwo, "--store", store)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.hasSuffix("""
            reconcile: 'SHARED@contoso.example' names 2 users; explain one of them by its directory object id or target id:
              directory user 6a1f0c9d-2222-4a1e-9c01-000000000b0b (bob.kent@contoso.example) from \(dayTwo): record 2; found by mail
              directory user 6a1f0c9d-5555-4a1e-9c01-00000000e121 (erin_fabrikam.example#EXT#@contoso.example) from \(dayTwo): record 3; found by mail

            """))
        let byID = try reconcile("explain", "6A1F0C9D-2222-4A1E-9C01-000000000B0B", "--snapshot", dayTwo, "--store", store)
        #expect(byID.status == 0)
        #expect(byID.stdout.hasPrefix("Explain 6A1F0C9D-2222-4A1E-9C01-000000000B0B: directory user 6a1f0c9d-2222-4a1e-9c01-000000000b0b "
            + "(found by directory object id).\n"))
    }

    @Test func targetIDFindsTheDirectoryUserItIsLinkedTo() throws {
        try applyDayOne()
        let target = try #require(try CommandLineSupport.users(of: store).first { $0.userName == "dave.lee@contoso.example" })
        let run = try reconcile("explain", target.id, "--snapshot", dayTwo, "--store", store)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("Explain \(target.id): directory user 6a1f0c9d-4444-4a1e-9c01-00000000da01, "
            + "target user \(target.id) (dave.lee@contoso.example) (found by target id).\n"))
    }

    // MARK: - Read-only

    @Test func explainLeavesAnExistingStoreByteForByte() throws {
        try applyDayOne()
        let before = TestSupport.bytes(store)
        let files = StoreFixtures.files(in: folder)
        let run = try reconcile("explain", "bob.kent@contoso.example", "--snapshot", dayTwo, "--store", store)
        #expect(run.status == 0)
        #expect(TestSupport.bytes(store) == before)
        #expect(StoreFixtures.files(in: folder) == files)
        let runs = try StoreFixtures.rows(SQLiteStore(path: store, create: false).runState.database, "SELECT id, mode FROM runs")
        #expect(runs == [[.integer(1), .text("apply")]])
    }

    @Test func olderStoreIsRefusedRatherThanUpgraded() throws {
        try applyDayOne()
        try SQLiteStore(path: store, create: false).runState.database.setUserVersion(1)
        let before = TestSupport.bytes(store)
        let run = try reconcile("explain", "bob.kent@contoso.example", "--snapshot", dayTwo, "--store", store)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(store) has schema version 1, older than this program's \(StoreFile.migrations.count); "
            + "explain writes nothing, so it does not upgrade it: run 'reconcile check --store \(store)' once to upgrade it, "
            + "then explain again\n")
        #expect(TestSupport.bytes(store) == before)
    }

    // MARK: - Usage

    @Test func usageErrorsSayWhatToDo() throws {
        let cases: [([String], String)] = [
            (["explain", "--snapshot", dayTwo, "--store", store],
             "explain needs USER: a directory object id, userPrincipalName or mail, or the target's userName or externalId"),
            (["explain", "a", "b", "--snapshot", dayTwo, "--store", store], "explain takes one USER, not 'a', 'b'"),
            (["explain", "a", "--snapshot", dayTwo, "--store", store, "--plan"],
             "explain takes no --plan: it explains one user, and --apply provisions just that user"),
            (["explain", "a", "--store", store], "missing --snapshot PATH"),
            (["explain", "a", "--snapshot", dayTwo, "--store", store, "--apply", "--format", "json"],
             "--format json describes a user without changing anything; --apply prints the explanation as text, then what it applied"),
        ]
        for (arguments, message) in cases {
            let run = try TestSupport.run(arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr == "reconcile: \(message)" + CommandLineTests.usageHint, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func helpOfExplainListsEveryOptionWithItsDefault() throws {
        let run = try reconcile("explain", "--help")
        #expect(run.status == 0)
        CommandLineSupport.expectGolden(run.stdout, named: "help-explain.txt")
        let main = try reconcile("--help")
        #expect(main.stdout.contains("  explain USER          one user's way through each stage; --apply provisions just that user\n"))
    }
}
