import Foundation
import Testing
@testable import ReconcileKit

/// End-to-end runs that must be refused: bad input, files that are not stores, usage errors; and `--help`.
extension CommandLineTests {
    // MARK: - Bad input changes nothing

    enum BadInput: String, CaseIterable, Sendable {
        case malformedSnapshot, truncatedSnapshot, incompleteSnapshot, firstPageOnly, malformedPlanFile
    }

    @Test(arguments: BadInput.allCases)
    func badInputExitsOneAndLeavesTheStoreByteForByteUnchanged(_ input: BadInput) throws {
        try applyDayOne()
        let arguments: [String]
        let message: String
        switch input {
        case .malformedSnapshot:
            let file = TestSupport.fixture("EndToEnd/malformed-page.json")
            arguments = ["--snapshot", file, "--store", store, "--apply"]
            message = "\(file):7:13: expected ',' or '}' after object member (the snapshot is not valid JSON; nothing was applied)"
        case .truncatedSnapshot:
            let file = TestSupport.fixture("EndToEnd/truncated-page.json")
            arguments = ["--snapshot", file, "--store", store, "--apply"]
            message = "\(file):15:1: unexpected end of input (the snapshot is not valid JSON; nothing was applied)"
        case .incompleteSnapshot:
            let file = TestSupport.fixture("EndToEnd/incomplete-page.json")
            arguments = ["--snapshot", file, "--store", store, "--apply"]
            message = "\(file): the export is incomplete: its last page still has @odata.nextLink "
                + "(https://graph.microsoft.com/v1.0/users?$select=id,userPrincipalName,accountEnabled&$top=2&$skiptoken=RFNwdAIAAQAAAA); "
                + "download the remaining pages (follow @odata.nextLink until it is absent) and pass them all"
        case .firstPageOnly:
            let pages = folder + "/pages"
            try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: dayOne + "/users-page-1.json", toPath: pages + "/users-page-1.json")
            let nextLink = try #require(
                try JSONReader.parse(contentsOf: pages + "/users-page-1.json")["@odata.nextLink"]?.stringValue)
            arguments = ["--snapshot", pages, "--store", store, "--apply"]
            message = "\(pages)/users-page-1.json: the export is incomplete: its last page still has @odata.nextLink (\(nextLink)); "
                + "download the remaining pages (follow @odata.nextLink until it is absent) and pass them all"
        case .malformedPlanFile:
            let file = folder + "/plan.json"
            try Data("{\"formatVersion\": 1,\n".utf8).write(to: URL(fileURLWithPath: file))
            arguments = ["--apply-plan", file, "--store", store]
            message = "cannot read plan \(file): not valid JSON: \(file):2:1: unexpected end of input"
        }
        let files = StoreFixtures.files(in: folder)
        let before = TestSupport.bytes(store)

        let run = try TestSupport.run(arguments)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(message)\n")
        #expect(TestSupport.bytes(store) == before)
        #expect(StoreFixtures.files(in: folder) == files)
    }

    @Test func badSnapshotCreatesNoStore() throws {
        let file = TestSupport.fixture("EndToEnd/truncated-page.json")
        let run = try reconcile("--snapshot", file, "--store", store, "--apply")
        #expect(run.status == 1)
        #expect(run.stderr == "reconcile: \(file):15:1: unexpected end of input (the snapshot is not valid JSON; nothing was applied)\n")
        #expect(StoreFixtures.files(in: folder).isEmpty)
    }

    @Test func planningAndExportingLeaveTheStoreByteForByteUnchanged() throws {
        try applyDayOne()
        let before = TestSupport.bytes(store)
        let planFile = folder + "/plan.json"
        for arguments in [
            ["--snapshot", dayTwo, "--store", store, "--plan"],
            ["--snapshot", dayTwo, "--store", store, "--plan", "--format", "json", "--out", planFile, "--detailed-exitcode"],
            ["export", "--store", store],
        ] {
            let run = try TestSupport.run(arguments)
            #expect(run.status == (arguments.contains("--detailed-exitcode") ? 2 : 0), "\(arguments)")
            #expect(run.stderr == "", "\(arguments)")
        }
        #expect(TestSupport.bytes(store) == before)
        #expect(StoreFixtures.files(in: folder) == ["plan.json", "store.db"])
    }

    @Test func textFileGivenAsStoreIsRefusedAndLeftUnchanged() throws {
        let text = "not a database\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: store))
        let message = "reconcile: \(store) is not a reconcile store (not an SQLite database); it was left untouched. "
            + "Pass --store with a new path to create a store, or the path of an existing one.\n"

        for arguments in [
            ["--snapshot", dayOne, "--store", store, "--apply"],
            ["--snapshot", dayOne, "--store", store, "--plan"],
            ["export", "--store", store],
        ] {
            let run = try TestSupport.run(arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stdout == "", "\(arguments)")
            #expect(run.stderr == message, "\(arguments)")
        }
        #expect(TestSupport.bytes(store) == Data(text.utf8))
        #expect(StoreFixtures.files(in: folder) == ["store.db"])
    }

    @Test func anotherProgramsSQLiteFileGivenAsStoreIsRefusedAndLeftUnchanged() throws {
        do {
            let database = try Database(path: store, create: true)
            try database.execute("CREATE TABLE users (login TEXT); INSERT INTO users VALUES ('root')")
        }
        let before = TestSupport.bytes(store)

        let run = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(store) is not a reconcile store (an SQLite database of another program); "
            + "it was left untouched. Pass --store with a new path to create a store, or the path of an existing one.\n")
        #expect(TestSupport.bytes(store) == before)
        #expect(StoreFixtures.files(in: folder) == ["store.db"])
    }

    // MARK: - Usage

    static let usageErrors: [([String], String)] = [
        ([], "missing arguments: give --snapshot PATH --store DB with --plan or --apply, or --apply-plan FILE --store DB"),
        (["--snapshot", "users.json", "--store", "store.db", "--plan", "--apply"], "--plan and --apply cannot be combined: choose one"),
        (["--snapshot", "users.json", "--store", "store.db", "--plan", "--bogus"], "unknown option '--bogus'"),
        (["--snapshot", "users.json", "--plan"], "missing --store DB"),
        (["--snapshot", "users.json", "--store", "store.db"], "say what to do: --plan (show the changes) or --apply (make them)"),
        (["--snapshot", "users.json", "--store", "store.db", "--plan", "--format", "yaml"], "--format takes text or json, not 'yaml'"),
        (["--apply-plan", "plan.json", "--snapshot", "users.json", "--store", "store.db"],
         "--apply-plan applies the plan as reviewed and takes no --snapshot"),
        (["--snapshot", "users.json", "--plan", "--store"], "--store needs a value"),
        (["export"], "missing --store DB for 'export'"),
        (["export", "--store", "store.db", "--all"], "unknown option '--all' for 'export'"),
    ]

    @Test(arguments: CommandLineTests.usageErrors)
    func usageErrorExits64WithItsMessage(arguments: [String], message: String) throws {
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(message)" + Self.usageHint)
    }

    @Test func helpMatchesGoldenFile() throws {
        let run = try reconcile("--help")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        CommandLineSupport.expectGolden(run.stdout, named: "help.txt")
        #expect(try reconcile("-h").stdout == run.stdout)
        #expect(try reconcile("--snapshot", "x", "--help").stdout == run.stdout)

        let export = try reconcile("export", "--help")
        #expect(export.status == 0)
        CommandLineSupport.expectGolden(export.stdout, named: "help-export.txt")
    }
}
