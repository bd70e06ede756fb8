import Foundation
import Testing
@testable import ReconcileKit

/// End-to-end runs of the built binary on every export format of `samples/`: each plans exactly what
/// the Graph pages plan, and broken files are refused with their line and column, changing nothing.
final class FormatsCommandLineTests {
    let folder: String
    let store: String

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let nothingToDo =
        "Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 22 unchanged, 3 disabled and not provisioned.\n"

    func reconcile(_ arguments: String...) throws -> TestSupport.Run {
        try TestSupport.run(arguments)
    }

    func applyGraphDayOne() throws {
        let run = try reconcile("--snapshot", TestSupport.sample("graph"), "--store", store, "--apply")
        try #require(run.status == 0, "applying day one failed: \(run.stderr)")
    }

    @Test func adminCenterCSVPlansNothingAfterTheSameDirectoryFromGraph() throws {
        try applyGraphDayOne()
        let csv = TestSupport.sample("admin-center/users.csv")
        let run = try reconcile("--snapshot", csv, "--store", store, "--plan")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout.hasPrefix(Self.nothingToDo))
    }

    @Test func powerShellExportPlansNothingAfterTheSameDirectoryFromGraph() throws {
        try applyGraphDayOne()
        let json = TestSupport.sample("powershell/users.json")
        let run = try reconcile("--snapshot", json, "--store", store, "--plan")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout.hasPrefix(Self.nothingToDo))
    }

    @Test func documentedHeaderLacksCompanyNameSoThePlanClearsOrganization() throws {
        try applyGraphDayOne()
        let csv = TestSupport.sample("admin-center/users-documented-header.csv")
        let run = try reconcile("--snapshot", csv, "--store", store, "--plan", "--format", "json")
        #expect(run.status == 0)
        let plan = try JSONReader.parse(run.stdout)
        #expect(plan["summary"]?["update"] == .number(20))
        let paths = Set((plan["actions"]?.arrayValue ?? []).flatMap { $0["changes"]?.arrayValue ?? [] }.compactMap { $0["attribute"]?.stringValue })
        #expect(paths == ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization"])
    }

    @Test func bulkTemplateCreatesEnabledHiresAndNeverShowsPasswords() throws {
        let template = TestSupport.sample("bulk-create-template.csv")
        let run = try reconcile("--snapshot", template, "--store", store, "--apply", "--format", "json")
        #expect(run.status == 0)
        #expect(run.stderr == "reconcile: warning: \(template): the bulk-create template has no object ids, so each "
            + "user's id is its userPrincipalName (and the default mapping's externalId is the UPN); a later Graph or "
            + "admin-center export identifies the same people by object id, so plan from one kind of export\n"
            + "reconcile: created new store \(store) (schema version \(StoreFile.migrations.count))\n")
        #expect(!run.stdout.contains("Sample-Only-Passw0rd"))
        let users = try CommandLineSupport.users(of: store)
        #expect(users.map(\.userName).sorted() == ["noor.alrashid@contosopharma.example", "tomas.ferreira@contosopharma.example"])
        #expect(users.allSatisfy { $0.externalId == $0.userName })
        #expect(!TestSupport.bytes(store).contains(Data("Sample-Only-Passw0rd".utf8)))
    }

    @Test func snapshotFormatOptionOverridesDetection() throws {
        let csv = TestSupport.sample("admin-center/users.csv")
        let run = try reconcile("--snapshot", csv, "--store", store, "--plan", "--snapshot-format", "bulk-csv")
        #expect(run.status == 1)
        #expect(run.stderr == "reconcile: \(csv):1: expected the template's version line (version:v1.0) first; is this "
            + "an admin-center \"Download users\" export (--snapshot-format csv)? (the snapshot is not valid CSV; nothing was applied)\n")
        let auto = try reconcile("--snapshot", csv, "--store", store, "--plan", "--snapshot-format", "auto")
        #expect(auto.status == 0)
    }

    @Test func refusesUnknownSnapshotFormat() throws {
        let run = try reconcile("--snapshot", "x", "--store", store, "--plan", "--snapshot-format", "xlsx")
        #expect(run.status == 64)
        #expect(run.stderr == "reconcile: --snapshot-format takes auto, json, csv or bulk-csv, not 'xlsx'" + CommandLineTests.usageHint)
    }

    enum BrokenExport: String, CaseIterable, Sendable {
        case tooFewFields, unterminatedQuote, truncatedJSON, deltaPage
    }

    @Test(arguments: BrokenExport.allCases)
    func brokenExportExitsOneNamingTheLineAndLeavesTheStoreAlone(_ export: BrokenExport) throws {
        try applyGraphDayOne()
        let file: String, message: String
        switch export {
        case .tooFewFields:
            file = TestSupport.fixture("formats/broken-too-few-fields.csv")
            message = "\(file):3: the row has 5 fields, the header has 29 columns: it ends after column givenName; a value "
                + "with a comma or a line break must be in double quotes (the snapshot is not valid CSV; nothing was applied)"
        case .unterminatedQuote:
            file = TestSupport.fixture("formats/broken-unterminated-quote.csv")
            message = "\(file):3: column displayName: unterminated quoted field: the '\"' that opens it has no closing "
                + "'\"' before the end of the file (the snapshot is not valid CSV; nothing was applied)"
        case .truncatedJSON:
            file = TestSupport.fixture("formats/powershell-truncated.json")
            message = "\(file):6:26: unterminated string (the snapshot is not valid JSON; nothing was applied)"
        case .deltaPage:
            file = TestSupport.fixture("formats/delta-changes-page.json")
            message = "\(file): this is a Graph delta page (it has @odata.deltaLink); a delta holds only the changes "
                + "since the last round, not the whole directory, and planning from it would disable everyone not in it: "
                + "export full GET /users pages instead"
        }
        let before = TestSupport.bytes(store)
        let run = try reconcile("--snapshot", file, "--store", store, "--apply")
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(message)\n")
        #expect(TestSupport.bytes(store) == before)
    }
}
