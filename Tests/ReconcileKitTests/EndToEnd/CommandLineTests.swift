import Foundation
import Testing
@testable import ReconcileKit

/// End-to-end runs of the built `reconcile` binary against the samples: stdout, stderr, exit code
/// and the store file it leaves behind. Each test has its own folder and store.
final class CommandLineTests: StoreCommandLineSuite {
    let folder: String
    let store: String
    let dayOne = TestSupport.sample("graph")
    let dayTwo = TestSupport.sample("graph-next-day")

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let usageHint = "\nRun 'reconcile --help' for usage.\n"
    private static let dayTwoSummary =
        "1 to create, 2 to update, 0 to link, 2 to disable, 0 to delete, 0 skipped, 18 unchanged, 3 disabled and not provisioned"

    // Source ids of the users that change on day two (samples/README.md).
    private static let anna = "98f7192d-aba1-4545-b02d-eb395010b571"
    private static let marcus = "b4f70c4b-6933-4154-be23-e7aa2ff1cc89"
    private static let rafael = "040007af-63d0-42e1-ab15-b7a39ac7bd64"
    private static let chloe = "d4e4f639-d0d9-488a-8968-dbdcdc7cbfb5"
    private static let arjun = "306cd7ce-1590-47e2-a973-8ddbc8420a7f"

    func applyDayOne() throws {
        try applyToStore(dayOne)
    }

    // MARK: - Plan, apply, plan again

    @Test func firstApplyCreatesStoreAndThenThereIsNothingToDo() throws {
        let sha = try CommandLineSupport.shortSHA(dayOne)
        let planned = try reconcile("--snapshot", dayOne, "--store", store, "--plan")
        #expect(planned.status == 0)
        #expect(planned.stderr
            == "reconcile: store \(store) does not exist yet; planning against an empty store (--apply creates it)\n")
        #expect(planned.stdout.hasPrefix("""
            Plan: 22 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged, 3 disabled and not provisioned.
            Snapshot 25 users (sha256 \(sha)); target sqlite \(store).

            Create (22):
              + a.partner_fabrikam.example#EXT#@contosopharma.example

            """))
        #expect(!FileManager.default.fileExists(atPath: store))

        let applied = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        #expect(applied.status == 0)
        #expect(applied.stderr == "reconcile: created new store \(store) (schema version \(StoreFile.migrations.count))\n")
        #expect(applied.stdout == planned.stdout + "Applied 22 changes in run 1.\n")

        let enabled = try SnapshotLoader().load(path: dayOne).users.filter(\.accountEnabled)
        let users = try CommandLineSupport.users(of: store)
        #expect(Set(users.map(\.userName)) == Set(enabled.compactMap { $0.text("userPrincipalName") }))
        #expect(users.allSatisfy { $0.active && $0.version == "W/\"1\"" })
        #expect(try CommandLineSupport.links(of: store).keys.sorted() == enabled.map(\.id).sorted())

        let nothing = """
            Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 22 unchanged, 3 disabled and not provisioned.
            Snapshot 25 users (sha256 \(sha)); target sqlite \(store).

            Nothing to do: the target matches the snapshot.

            """
        let again = try reconcile("--snapshot", dayOne, "--store", store, "--plan")
        #expect(again.status == 0)
        #expect(again.stderr == "")
        #expect(again.stdout == nothing)

        // Applying again changes nothing: the run is recorded, the users and links are not touched.
        let fingerprint = try CommandLineSupport.fingerprint(of: store)
        let reapplied = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        #expect(reapplied.status == 0)
        #expect(reapplied.stderr == "")
        #expect(reapplied.stdout == nothing + "Applied 0 changes in run 2.\n")
        #expect(try CommandLineSupport.fingerprint(of: store) == fingerprint)
    }

    @Test func nextDayPlanListsExactlyTheFiveChanges() throws {
        try applyDayOne()
        let run = try reconcile("--snapshot", dayTwo, "--store", store, "--plan")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let id = { (userName: String) in try CommandLineSupport.targetID(of: userName + "@contosopharma.example", in: self.store) }
        #expect(run.stdout == """
            Plan: \(Self.dayTwoSummary).
            Snapshot 25 users (sha256 \(try CommandLineSupport.shortSHA(dayTwo))); target sqlite \(store).

            Create (1):
              + chloe.lefevre@contosopharma.example
                  active: true
                  addresses[type eq "work"].locality: "Basel"
                  displayName: "Chloé Lefèvre"
                  emails[type eq "work"].value: "chloe.lefevre@contosopharma.example"
                  enterprise:department: "Research"
                  enterprise:organization: "Contoso Pharma"
                  externalId: "d4e4f639-d0d9-488a-8968-dbdcdc7cbfb5"
                  name.familyName: "Lefèvre"
                  name.givenName: "Chloé"
                  title: "Research Associate"
                  userName: "chloe.lefevre@contosopharma.example"

            Update (2):
              ~ anna.weber@contosopharma.example   \(try id("anna.schmidt"))
                  userName: "anna.schmidt@contosopharma.example" -> "anna.weber@contosopharma.example"
                  displayName: "Anna Schmidt" -> "Anna Weber"
                  emails[type eq "work"].value: "anna.schmidt@contosopharma.example" -> "anna.weber@contosopharma.example"
                  name.familyName: "Schmidt" -> "Weber"
              ~ arjun.mehta@contosopharma.example  \(try id("arjun.mehta"))
                  title: "Biostatistician" -> "Senior Biostatistician"
                  enterprise:department: "Clinical Operations" -> "Research"

            Disable (2):
              - marcus.chen@contosopharma.example      \(try id("marcus.chen"))  disabledInSource
                  active: true -> false
              - rafael.oliveira@contosopharma.example  \(try id("rafael.oliveira"))  missingFromSnapshot
                  active: true -> false

            """)
    }

    @Test func nextDayPlanAsJSONHasTheFiveActionsAndSummaryCounts() throws {
        try applyDayOne()
        let links = try CommandLineSupport.links(of: store)
        let fingerprint = try CommandLineSupport.fingerprint(of: store)
        let run = try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--format", "json")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout.hasSuffix("}\n"))
        let plan = try CommandLineSupport.json(run.stdout)

        #expect(plan["formatVersion"] == .number(1))
        #expect(plan["summary"] == .object([
            "create": .number(1), "update": .number(2), "link": .number(0), "disable": .number(2), "delete": .number(0),
            "skip": .number(0), "noChange": .number(18), "notProvisioned": .number(3), "outOfScope": .number(0),
        ]))
        #expect(plan["snapshot"] == .object([
            "sha256": .string(try SnapshotLoader().load(path: dayTwo).sha256), "users": .number(25), "inScope": .number(25),
        ]))
        #expect(plan["target"] == .object([
            "kind": .string("sqlite"), "location": .string(store), "fingerprint": .string(fingerprint),
        ]))

        let actions = try #require(plan["actions"]?.arrayValue)
        try #require(actions.count == 5)
        let enterpriseDepartment = SCIMPath.enterpriseSchema + ":department"
        func change(_ attribute: String, _ old: JSONValue, _ new: JSONValue) -> JSONValue {
            .object(["attribute": .string(attribute), "old": old, "new": new])
        }
        func replace(_ path: String, _ value: JSONValue) -> JSONValue {
            .object(["op": .string("replace"), "path": .string(path), "value": value])
        }

        // 4. The new hire is created, with the whole resource.
        #expect(actions[0]["action"] == .string("create"))
        #expect(actions[0]["sourceId"] == .string(Self.chloe))
        #expect(actions[0]["externalId"] == .string(Self.chloe))
        #expect(actions[0]["userName"] == .string("chloe.lefevre@contosopharma.example"))
        #expect(actions[0]["resource"]?["title"] == .string("Research Associate"))
        #expect(actions[0]["resource"]?["schemas"]
            == .array([.string(SCIMPath.coreSchema), .string(SCIMPath.enterpriseSchema)]))

        // 1. The rename is an update of userName on the same account, not a new one.
        let annaUpdate: JSONValue = .object([
            "action": .string("update"), "sourceId": .string(Self.anna), "targetId": .string(links[Self.anna] ?? "?"),
            "externalId": .string(Self.anna), "userName": .string("anna.weber@contosopharma.example"),
            "version": .string("W/\"1\""),
            "operations": .array([
                replace("userName", .string("anna.weber@contosopharma.example")),
                replace("displayName", .string("Anna Weber")),
                replace("emails[type eq \"work\"].value", .string("anna.weber@contosopharma.example")),
                replace("name.familyName", .string("Weber")),
            ]),
            "changes": .array([
                change("userName", .string("anna.schmidt@contosopharma.example"), .string("anna.weber@contosopharma.example")),
                change("displayName", .string("Anna Schmidt"), .string("Anna Weber")),
                change("emails[type eq \"work\"].value", .string("anna.schmidt@contosopharma.example"),
                       .string("anna.weber@contosopharma.example")),
                change("name.familyName", .string("Schmidt"), .string("Weber")),
            ]),
        ])
        #expect(actions[1] == annaUpdate)

        // 5. Promotion and transfer: jobTitle and department.
        let arjunUpdate: JSONValue = .object([
            "action": .string("update"), "sourceId": .string(Self.arjun), "targetId": .string(links[Self.arjun] ?? "?"),
            "externalId": .string(Self.arjun), "userName": .string("arjun.mehta@contosopharma.example"),
            "version": .string("W/\"1\""),
            "operations": .array([
                replace("title", .string("Senior Biostatistician")), replace(enterpriseDepartment, .string("Research")),
            ]),
            "changes": .array([
                change("title", .string("Biostatistician"), .string("Senior Biostatistician")),
                change(enterpriseDepartment, .string("Clinical Operations"), .string("Research")),
            ]),
        ])
        #expect(actions[2] == arjunUpdate)

        // 2. Disabled in the directory; 3. removed from the export: disabled, not deleted.
        for (action, (source, userName, reason)) in zip(actions[3...], [
            (Self.marcus, "marcus.chen@contosopharma.example", "disabledInSource"),
            (Self.rafael, "rafael.oliveira@contosopharma.example", "missingFromSnapshot"),
        ]) {
            #expect(action == .object([
                "action": .string("disable"), "sourceId": .string(source), "targetId": .string(links[source] ?? "?"),
                "userName": .string(userName), "reason": .string(reason), "version": .string("W/\"1\""),
                "operations": .array([replace("active", .bool(false))]),
                "changes": .array([change("active", .bool(true), .bool(false))]),
            ]))
        }
    }

    @Test func detailedExitcodeIsTwoWithChangesAndZeroWithout() throws {
        let onEmptyStore = try reconcile("--snapshot", dayOne, "--store", store, "--plan", "--detailed-exitcode")
        #expect(onEmptyStore.status == 2)
        try applyDayOne()

        let unchanged = try reconcile("--snapshot", dayOne, "--store", store, "--plan", "--detailed-exitcode")
        #expect(unchanged.status == 0)
        #expect(unchanged.stdout.hasSuffix("Nothing to do: the target matches the snapshot.\n"))

        let changed = try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--detailed-exitcode")
        #expect(changed.status == 2)
        #expect(changed.stderr == "")
        #expect(changed.stdout.hasPrefix("Plan: \(Self.dayTwoSummary).\n"))

        let withoutFlag = try reconcile("--snapshot", dayTwo, "--store", store, "--plan")
        #expect(withoutFlag.status == 0)
        #expect(withoutFlag.stdout == changed.stdout)
    }

    @Test func nextDayApplyConvergesAndTheStoreHoldsTheChanges() throws {
        try applyDayOne()
        let before = try CommandLineSupport.links(of: store)

        let applied = try reconcile("--snapshot", dayTwo, "--store", store, "--apply")
        #expect(applied.status == 0)
        #expect(applied.stderr == "")
        #expect(applied.stdout.hasPrefix("Plan: \(Self.dayTwoSummary).\n"))
        #expect(applied.stdout.hasSuffix("\nApplied 5 changes in run 2.\n"))

        let links = try CommandLineSupport.links(of: store)
        let users = Dictionary(uniqueKeysWithValues: try CommandLineSupport.users(of: store).map { ($0.id, $0) })
        #expect(users.count == 23)
        #expect(links.count == 23)
        // The rename keeps the account; the removed user is disabled and stays managed.
        for source in [Self.anna, Self.marcus, Self.rafael, Self.arjun] { #expect(links[source] == before[source]) }
        let anna = try #require(users[links[Self.anna] ?? ""])
        #expect(anna.userName == "anna.weber@contosopharma.example")
        #expect(anna.version == "W/\"2\"")
        #expect(users[links[Self.marcus] ?? ""]?.active == false)
        #expect(users[links[Self.rafael] ?? ""]?.active == false)
        let arjun = try #require(users[links[Self.arjun] ?? ""])
        #expect(arjun.value(at: SCIMPath(attribute: "title")) == .string("Senior Biostatistician"))
        #expect(arjun.value(at: SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "department")) == .string("Research"))
        let chloe = try #require(users[links[Self.chloe] ?? ""])
        #expect(chloe.userName == "chloe.lefevre@contosopharma.example")
        #expect(chloe.active)

        let again = try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--detailed-exitcode")
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix(
            "Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 23 unchanged, 3 disabled and not provisioned.\n"))
        #expect(again.stdout.hasSuffix("\n\nNothing to do: the target matches the snapshot.\n"))
    }

    // MARK: - Reviewed plan files

    @Test func reviewedPlanFileIsAppliedOnceAndRefusedTheSecondTime() throws {
        try applyDayOne()
        let planFile = folder + "/plan.json"
        let planned = try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--format", "json", "--out", planFile)
        #expect(planned.status == 0)
        #expect(planned.stderr == "")
        let fileText = String(decoding: TestSupport.bytes(planFile), as: UTF8.self)
        #expect(fileText == planned.stdout)
        let plannedFingerprint = try #require(try CommandLineSupport.json(fileText)["target"]?["fingerprint"]?.stringValue)
        #expect(plannedFingerprint == (try CommandLineSupport.fingerprint(of: store)))

        let applied = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(applied.status == 0)
        #expect(applied.stderr == "")
        #expect(applied.stdout == "Applied 5 changes in run 2.\n")

        let after = try reconcile("--snapshot", dayTwo, "--store", store, "--plan")
        #expect(after.status == 0)
        #expect(after.stdout.hasSuffix("Nothing to do: the target matches the snapshot.\n"))

        let current = try CommandLineSupport.fingerprint(of: store)
        let bytes = TestSupport.bytes(store)
        let again = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(again.status == 6)
        #expect(again.stdout == "")
        #expect(again.stderr == "reconcile: the store changed since the plan was made (planned against \(plannedFingerprint), now \(current)); "
            + "nothing was applied: make a new plan with --plan, review it, and apply that\n")
        #expect(TestSupport.bytes(store) == bytes)
    }

    @Test func planIsRefusedWhenAnotherRunChangedTheStoreFirst() throws {
        try applyDayOne()
        let planFile = folder + "/plan.json"
        #expect(try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--out", planFile).status == 0)
        #expect(try reconcile("--snapshot", dayTwo, "--store", store, "--apply").status == 0)
        let bytes = TestSupport.bytes(store)

        let stale = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(stale.status == 6)
        #expect(stale.stdout == "")
        #expect(stale.stderr.hasSuffix(
            "nothing was applied: make a new plan with --plan, review it, and apply that\n"))
        #expect(TestSupport.bytes(store) == bytes)
    }

    @Test func planMadeAgainstMissingStoreIsAppliedToANewStore() throws {
        let planFile = folder + "/plan.json"
        let planned = try reconcile("--snapshot", dayOne, "--store", store, "--plan", "--out", planFile)
        #expect(planned.status == 0)
        #expect(try CommandLineSupport.json(String(decoding: TestSupport.bytes(planFile), as: UTF8.self))["target"]?["fingerprint"]
            == .string("new"))

        let applied = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(applied.status == 0)
        #expect(applied.stderr == "reconcile: created new store \(store) (schema version \(StoreFile.migrations.count))\n")
        #expect(applied.stdout == "Applied 22 changes in run 1.\n")
        #expect(try reconcile("--snapshot", dayOne, "--store", store, "--plan", "--detailed-exitcode").status == 0)
    }

    @Test func planWithAStaleUserVersionIsAppliedPartiallyWithExitFive() throws {
        try applyDayOne()
        let planFile = folder + "/plan.json"
        #expect(try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--out", planFile).status == 0)
        var plan = try Plan(json: try JSONReader.parse(contentsOf: planFile), file: planFile)
        let index = try #require(plan.actions.firstIndex { $0.sourceId == Self.anna })
        plan.actions[index].version = "W/\"9\""
        try Data(plan.fileText.utf8).write(to: URL(fileURLWithPath: planFile))
        let annaID = try #require(try CommandLineSupport.links(of: store)[Self.anna])

        let run = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(run.status == 5)
        #expect(run.stdout == "Applied 4 changes in run 2; 1 failed (see stderr and the provisioning log).\n")
        #expect(run.stderr == "reconcile: failed: update anna.weber@contosopharma.example: target user \(annaID) changed since the plan "
            + "(version W/\"9\", now W/\"1\")\n")

        let users = try CommandLineSupport.users(of: store)
        #expect(users.first { $0.id == annaID }?.userName == "anna.schmidt@contosopharma.example")
        let replan = try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--detailed-exitcode")
        #expect(replan.status == 2)
        #expect(replan.stdout.hasPrefix(
            "Plan: 0 to create, 1 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 22 unchanged, 3 disabled and not provisioned.\n"))
    }

    // MARK: - Export

    @Test func exportPrintsTheAppliedUsersAsAListResponse() throws {
        try applyDayOne()
        let bytes = TestSupport.bytes(store)
        let run = try reconcile("export", "--store", store)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(TestSupport.bytes(store) == bytes)

        let document = try CommandLineSupport.json(run.stdout)
        #expect(document["schemas"] == .array([.string("urn:ietf:params:scim:api:messages:2.0:ListResponse")]))
        #expect(document["totalResults"] == .number(22))
        #expect(document["startIndex"] == .number(1))
        #expect(document["itemsPerPage"] == .number(22))
        let resources = try #require(document["Resources"]?.arrayValue)
        let users = try CommandLineSupport.users(of: store)
        #expect(resources == users.map(\.resource))
        #expect(resources.compactMap { $0["id"]?.stringValue } == users.map(\.id).sorted())
        #expect(run.stdout == (try SQLiteStore(path: store, create: false).exportListResponse()))
    }

    @Test func exportOfAMissingStoreFailsWithoutCreatingIt() throws {
        let run = try reconcile("export", "--store", store)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: cannot open store \(store): no such store; run with --apply to create it\n")
        #expect(!FileManager.default.fileExists(atPath: store))
    }
}
