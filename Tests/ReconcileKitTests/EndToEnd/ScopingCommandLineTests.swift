import Foundation
import Testing
@testable import ReconcileKit

/// End-to-end runs of the built binary with assignment scope (`--assignments`) and scoping filters
/// (`--config`), on the samples: who is disabled as out of scope, who is kept, and refusals.
final class ScopingCommandLineTests: StoreCommandLineSuite {
    let folder: String
    let store: String
    let dayOne = TestSupport.sample("graph")
    let assignments = TestSupport.sample("assignments")

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let nestedGroupWarning = "reconcile: warning: assigned group UiPath - Research (5a1e0c2d-3b4f-4e6a-8c9d-0e1f2a3b4c01) "
        + "has group Research - External Collaborators (5a1e0c2d-3b4f-4e6a-8c9d-0e1f2a3b4c04) as a member; Entra does not "
        + "expand nested groups, so that group's members are in scope only if assigned themselves\n"

    /// Users of `samples/graph` outside the sample assignments who are enabled: disabled once the scope applies.
    static let unassigned = [
        "a.partner_fabrikam.example#EXT#@contosopharma.example", "claire.dubois@contosopharma.example",
        "emily.carter@contosopharma.example", "jose.alvarez@contosopharma.example", "lukasz.zolc@contosopharma.example",
        "mfp-scan-bsl01@contosopharma.example", "nadia.haddad@contosopharma.example", "rafael.oliveira@contosopharma.example",
        "soren.kierkegard@contosopharma.example", "weiling.tan@contosopharma.example",
    ]

    func applyDayOneToEveryone() throws {
        try applyToStore(dayOne)
    }

    func writeConfig(_ text: String) throws -> String {
        let path = folder + "/config.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func createsOnlyAssignedUsersInANewStore() throws {
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--assignments", assignments, "--plan")
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("""
            Plan: 12 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged, 1 disabled and not provisioned, 12 out of scope.
            Snapshot 25 users, 13 in scope (sha256 \(try CommandLineSupport.shortSHA(dayOne))); target sqlite \(store).

            """))
        #expect(run.stderr == Self.nestedGroupWarning
            + "reconcile: store \(store) does not exist yet; planning against an empty store (--apply creates it)\n")
    }

    @Test func disablesManagedUsersWhoAreNotAssignedAndKeepsThemDisabled() throws {
        try applyDayOneToEveryone()
        let applied = try reconcile("--snapshot", dayOne, "--store", store, "--assignments", assignments, "--apply", "--format", "json")
        #expect(applied.status == 0)
        #expect(applied.stderr == Self.nestedGroupWarning)
        let plan = try JSONReader.parse(applied.stdout.components(separatedBy: "Applied 10 changes")[0])
        #expect(plan["summary"]?["disable"] == .number(10))
        #expect(plan["summary"]?["outOfScope"] == .number(2))
        #expect(plan["snapshot"]?["inScope"] == .number(13))
        let disables = (plan["actions"]?.arrayValue ?? []).filter { $0["action"] == .string("disable") }
        #expect(disables.map { $0["userName"]?.stringValue ?? "" } == Self.unassigned)
        #expect(disables.allSatisfy { $0["reason"] == .string("outOfScope") })
        #expect(applied.stdout.hasSuffix("Applied 10 changes in run 2.\n"))

        let users = try CommandLineSupport.users(of: store)
        #expect(users.filter { !$0.active }.map(\.userName).sorted() == Self.unassigned)

        let again = try reconcile("--snapshot", dayOne, "--store", store, "--assignments", assignments, "--plan")
        #expect(again.stdout.hasPrefix("Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, "
            + "12 unchanged, 1 disabled and not provisioned, 12 out of scope.\n"))
    }

    @Test func reenablesUsersWhoAreAssignedAgain() throws {
        try applyDayOneToEveryone()
        #expect(try reconcile("--snapshot", dayOne, "--store", store, "--assignments", assignments, "--apply").status == 0)
        let back = try reconcile("--snapshot", dayOne, "--store", store, "--plan")
        #expect(back.stdout.hasPrefix("Plan: 0 to create, 10 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, "
            + "12 unchanged, 3 disabled and not provisioned.\n"))
        let claire = try CommandLineSupport.targetID(of: "claire.dubois@contosopharma.example", in: store)
        #expect(CommandLineSupport.containsRow(back.stdout, "\n  ~ claire.dubois@contosopharma.example  \(claire)\n      active: false -> true\n"))
    }

    @Test func skipOutOfScopeDeletionsLeavesManagedUsersActive() throws {
        try applyDayOneToEveryone()
        let config = try writeConfig(#"{"skipOutOfScopeDeletions": true}"#)
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--assignments", assignments, "--config", config, "--plan")
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("""
            Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 12 unchanged, 1 disabled and not provisioned, 12 out of scope.
            Snapshot 25 users, 13 in scope (sha256 \(try CommandLineSupport.shortSHA(dayOne))); target sqlite \(store).

            Nothing to do: the target matches the snapshot.

            """))
    }

    @Test func scopingFiltersOfTheSampleConfigurationDisableGuestAndDevice() throws {
        try applyDayOneToEveryone()
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--config", TestSupport.sample("config/scoping.json"), "--plan")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        // The guest's userName (54 characters) is wider than a column grows (40): it pushes its own row only.
        let guest = try CommandLineSupport.targetID(of: "a.partner_fabrikam.example#EXT#@contosopharma.example", in: store)
        let scanner = try CommandLineSupport.targetID(of: "mfp-scan-bsl01@contosopharma.example", in: store)
        #expect(run.stdout.hasPrefix("""
            Plan: 0 to create, 0 to update, 0 to link, 2 to disable, 0 to delete, 0 skipped, 20 unchanged, 3 disabled and not provisioned.
            Snapshot 25 users, 23 in scope (sha256 \(try CommandLineSupport.shortSHA(dayOne))); target sqlite \(store).

            Disable (2):
              - a.partner_fabrikam.example#EXT#@contosopharma.example  \(guest)  outOfScope
                  active: true -> false
              - mfp-scan-bsl01@contosopharma.example      \(scanner)  outOfScope
                  active: true -> false

            """))
    }

    @Test func invalidScopingFilterExitsOneAndCreatesNoStore() throws {
        let config = try writeConfig("""
            {"scopingFilters": [{"name": "Staff", "clauses": [
                {"attribute": "employeeId", "operator": "IS NOT NULL"},
                {"attribute": "mail", "operator": "REGEX MATCH", "value": "([a-"}]}]}
            """)
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--config", config, "--apply")
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(config): scopingFilters[0].clauses[1]: invalid regular expression \"([a-\" "
            + "(the syntax is ICU's, which for common patterns is .NET's)\n")
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func assignedGroupWithoutMembersExitsOneAndChangesNothing() throws {
        try applyDayOneToEveryone()
        let partial = folder + "/assignments"
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: assignments + "/appRoleAssignedTo.json", toPath: partial + "/appRoleAssignedTo.json")
        let before = TestSupport.bytes(store)
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--assignments", partial, "--apply")
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: assigned groups UiPath - Research (5a1e0c2d-3b4f-4e6a-8c9d-0e1f2a3b4c01), "
            + "UiPath - Clinical Operations (5a1e0c2d-3b4f-4e6a-8c9d-0e1f2a3b4c02), UiPath - Finance "
            + "(5a1e0c2d-3b4f-4e6a-8c9d-0e1f2a3b4c03) have no member pages: export GET /groups/{id}/members of each to "
            + "members-<group id>.json; without them every member would be out of scope\n")
        #expect(TestSupport.bytes(store) == before)
    }

    @Test func applyPlanTakesNoAssignments() throws {
        let run = try reconcile("--apply-plan", folder + "/plan.json", "--store", store, "--assignments", assignments)
        #expect(run.status == 64)
        #expect(run.stderr == "reconcile: --apply-plan applies the plan as reviewed and takes no --assignments or "
            + "--snapshot-format" + CommandLineTests.usageHint)
    }
}
