import Testing
@testable import ReconcileKit

/// A plan with a create, an update, a disable, a skip, one user unchanged and one not provisioned.
private func smallPlan() throws -> Plan {
    let users = try [
        StageInputs.graphUser(id: "u-ada", upn: "ada@contoso.example", displayName: "Ada Lovelace", mail: "ada@contoso.example",
                              department: "Research", record: 1),
        StageInputs.graphUser(id: "u-bob", upn: "bob@contoso.example", jobTitle: "Lead", record: 2),
        StageInputs.graphUser(id: "u-dave", upn: "dave@contoso.example", record: 3),
        StageInputs.graphUser(id: "u-erin", upn: "erin@contoso.example", enabled: false, record: 4),
        StageInputs.graphUser(id: "u-gus", upn: "gus@contoso.example", record: 5),
    ]
    let bob = try StageInputs.target("""
        {"id": "t-bob", "externalId": "u-bob", "userName": "bob@contoso.example", "active": true, "title": "Analyst"}
        """)
    let targets = try [
        bob,
        StageInputs.targetUser(id: "t-carol", userName: "carol@contoso.example", externalId: "u-carol"),
        StageInputs.targetUser(id: "t-dave", userName: "dave@contoso.example", externalId: "u-other"),
        StageInputs.targetUser(id: "t-gus", userName: "gus@contoso.example", externalId: "u-gus"),
    ]
    return StageInputs.plan(users, StageInputs.state(targets, links: ["u-bob": "t-bob", "u-carol": "t-carol", "u-gus": "t-gus"]))
}

@Test func printsSmallPlanAsGoldenText() throws {
    let golden = """
        Plan: 1 to create, 1 to update, 0 to link, 1 to disable, 0 to delete, 1 skipped, 1 unchanged, 1 disabled and not provisioned.
        Snapshot 5 users (sha256 abababababab); target sqlite store.db.

        Create (1):
          + ada@contoso.example
              active                      : true
              displayName                 : "Ada Lovelace"
              emails[type eq "work"].value: "ada@contoso.example"
              enterprise:department       : "Research"
              externalId                  : "u-ada"
              userName                    : "ada@contoso.example"

        Update (1):
          ~ bob@contoso.example
              title: "Analyst" -> "Lead"

        Disable (1):
          - carol@contoso.example  (missingFromSnapshot)
              active: true -> false

        Skip (1):
          ! dave@contoso.example  (identityConflict)
              why: userName "dave@contoso.example" matches target user t-dave, whose externalId u-other belongs to someone else

        """
    #expect(try smallPlan().text == golden)
}

@Test func summaryLineCountsEveryKind() throws {
    #expect(try smallPlan().summaryLine
        == "1 to create, 1 to update, 0 to link, 1 to disable, 0 to delete, 1 skipped, 1 unchanged, 1 disabled and not provisioned")
}

@Test func summaryLineLeavesOutNotProvisionedWhenNone() throws {
    let plan = StageInputs.plan([try StageInputs.graphUser(id: "u1", upn: "a@contoso.example")], StageInputs.state([]))
    #expect(plan.summaryLine == "1 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged")
}

@Test func saysNothingToDoWhenTargetMatchesSnapshot() throws {
    let user = try StageInputs.graphUser(id: "u1", upn: "a@contoso.example")
    let account = try StageInputs.targetUser(id: "t1", userName: "a@contoso.example", externalId: "u1")
    let plan = StageInputs.plan([user], StageInputs.state([account], links: ["u1": "t1"]))
    #expect(plan.text == """
        Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 1 unchanged.
        Snapshot 1 user (sha256 abababababab); target sqlite store.db.

        Nothing to do: the target matches the snapshot.

        """)
}

@Test func listsSkipsWithoutClaimingNothingToDo() throws {
    let departed = try StageInputs.targetUser(id: "t1", userName: "a@contoso.example", externalId: "u-old")
    let plan = StageInputs.plan([try StageInputs.graphUser(id: "u1", upn: "a@contoso.example")], StageInputs.state([departed]))
    #expect(!plan.text.contains("Nothing to do"))
    #expect(plan.text.contains("\nSkip (1):\n  ! a@contoso.example  (identityConflict)\n"))
}

@Test func groupsActionsUnderKindTitlesInPlanOrder() throws {
    let users = try [
        StageInputs.graphUser(id: "u-new", upn: "new@contoso.example", record: 1),
        StageInputs.graphUser(id: "u-known", upn: "known@contoso.example", record: 2),
    ]
    let known = try StageInputs.targetUser(id: "t-known", userName: "known@contoso.example", externalId: "u-known")
    let gone = try StageInputs.targetUser(id: "t-gone", userName: "gone@contoso.example", externalId: "u-gone")
    let plan = StageInputs.plan(users, StageInputs.state([known, gone], links: ["u-gone": "t-gone"]), deleteMissing: true)
    let titles = plan.text.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.hasSuffix(":") }
    #expect(titles == ["Create (1):", "Link (existing accounts, now managed) (1):", "Delete (1):"])
    #expect(plan.text.contains("\n  = known@contoso.example  matched on externalId\n"))
    #expect(plan.text.hasSuffix("\n  x gone@contoso.example  (missingFromSnapshot)\n"))
}

@Test func shortensEnterprisePathsForReading() {
    #expect(MappedPath.department.shortName == "enterprise:department")
    #expect(MappedPath.workEmail.shortName == #"emails[type eq "work"].value"#)
    #expect(SCIMPath(schema: "urn:example:custom:1.0:User", attribute: "badge").shortName == "urn:example:custom:1.0:User:badge")
}
