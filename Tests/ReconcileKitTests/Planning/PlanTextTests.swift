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

/// Every kind of action, held ones, a skip with and one without a target, and a userName longer
/// than a column may grow.
private func mixedPlan() -> Plan {
    let active = AttributeChange(path: .active, old: .bool(true), new: .bool(false))
    let actions = [
        PlanAction(kind: .create, sourceId: "u-new", userName: "new@contoso.example", externalId: "u-new",
                   resource: .userResource([.externalId: .string("u-new"), .userName: .string("new@contoso.example"), .active: .bool(true)])),
        PlanAction(kind: .update, sourceId: "u-bob", targetId: "t-bob", userName: "bob@contoso.example",
                   changes: [AttributeChange(path: MappedPath.title, old: .string("Analyst"), new: .string("Lead"))]),
        PlanAction(kind: .update, sourceId: "u-carla", targetId: "t-carla-000000000000000000000000000000000000000",
                   userName: "carla.montgomery-fitzgerald.research-lab@contoso.example", matchedOn: "userName",
                   changes: [AttributeChange(path: MappedPath.displayName, old: nil, new: .string("Carla"))]),
        PlanAction(kind: .link, sourceId: "u-known", targetId: "t-known", userName: "known@contoso.example", matchedOn: "externalId"),
        PlanAction(kind: .disable, sourceId: "u-dora", targetId: "t-dora", userName: "dora@contoso.example", reason: .disabledInSource,
                   changes: [active]).held(.staged),
        PlanAction(kind: .disable, targetId: "t-ed-0001", userName: "ed@contoso.example", reason: .missingFromSnapshot,
                   changes: [active]),
        PlanAction(kind: .delete, targetId: "t-gone", userName: "gone@contoso.example", reason: .missingFromSnapshot),
        PlanAction(kind: .skip, sourceId: "u-dup", userName: "dup@contoso.example", reason: .duplicateSourceEntries,
                   detail: "2 directory users have this identity"),
        PlanAction(kind: .skip, sourceId: "u-x", targetId: "t-x", userName: "x@contoso.example", reason: .identityConflict,
                   detail: "t-x belongs to someone else"),
    ]
    return Plan(
        createdAt: StageInputs.createdAt, snapshot: .init(sha256: String(repeating: "ab", count: 32), users: 12, inScope: 11),
        target: .init(kind: "sqlite", location: "store.db", fingerprint: "fp-1"), actions: actions, noChange: 2)
}

@Test func printsSmallPlanAsGoldenText() throws {
    let golden = """
        Plan: 1 to create, 1 to update, 0 to link, 1 to disable, 0 to delete, 1 skipped, 1 unchanged, 1 disabled and not provisioned.
        Snapshot 5 users (sha256 abababababab); target sqlite store.db.

        Create (1):
          + ada@contoso.example
              active: true
              displayName: "Ada Lovelace"
              emails[type eq "work"].value: "ada@contoso.example"
              enterprise:department: "Research"
              externalId: "u-ada"
              userName: "ada@contoso.example"

        Update (1):
          ~ bob@contoso.example  t-bob
              title: "Analyst" -> "Lead"

        Disable (1):
          - carol@contoso.example  t-carol  missingFromSnapshot
              active: true -> false

        Skip (1):
          ! dave@contoso.example  identityConflict
              why: userName "dave@contoso.example" matches target user t-dave, whose externalId u-other belongs to someone else

        """
    #expect(try smallPlan().text == golden)
}

@Test func printsMixedPlanWithAlignedColumnsCappedAtFortyCharacters() {
    // carla's userName (56 characters) and target id (45) are longer than a column grows: they push
    // their own row only, and bob's row is aligned as if they were 40.
    let golden = """
        Plan: 1 to create, 2 to update, 1 to link, 2 to disable, 1 to delete, 2 skipped, 2 unchanged.
        Snapshot 12 users, 11 in scope (sha256 abababababab); target sqlite store.db.
        Held: 1 disable or delete staged by the deletion threshold, not applied; after review, run with --allow-deletions to apply them.

        Create (1):
          + new@contoso.example
              active: true
              externalId: "u-new"
              userName: "new@contoso.example"

        Update (2):
          ~ bob@contoso.example                       t-bob
              title: "Analyst" -> "Lead"
          ~ carla.montgomery-fitzgerald.research-lab@contoso.example  t-carla-000000000000000000000000000000000000000  matched on userName
              displayName: (none) -> "Carla"

        Link (existing accounts, now managed) (1):
          = known@contoso.example  t-known  matched on externalId

        Disable (2):
          - dora@contoso.example  t-dora     disabledInSource     [staged: deletion threshold]
              active: true -> false
          - ed@contoso.example    t-ed-0001  missingFromSnapshot
              active: true -> false

        Delete (1):
          x gone@contoso.example  t-gone  missingFromSnapshot

        Skip (2):
          ! dup@contoso.example  -    duplicateSourceEntries
              why: 2 directory users have this identity
          ! x@contoso.example    t-x  identityConflict
              why: t-x belongs to someone else

        """
    #expect(mixedPlan().text == golden)
}

@Test func colorsGroupsAndRowsByKindOnlyWhenAsked() {
    let plan = mixedPlan()
    let colored = plan.text(color: true)
    #expect(colored.contains("\n\u{1B}[32mCreate (1):\u{1B}[0m\n\u{1B}[32m  + new@contoso.example\u{1B}[0m\n      active: true\n"))
    #expect(colored.contains("\n\u{1B}[33mUpdate (2):\u{1B}[0m\n\u{1B}[33m  ~ bob@contoso.example"))
    #expect(colored.contains("\n\u{1B}[36m  = known@contoso.example  t-known  matched on externalId\u{1B}[0m\n"))
    #expect(colored.contains("\n\u{1B}[31mDisable (2):\u{1B}[0m\n"))
    #expect(colored.contains("\n\u{1B}[31m  x gone@contoso.example  t-gone  missingFromSnapshot\u{1B}[0m\n"))
    #expect(colored.contains("\n\u{1B}[2mSkip (2):\u{1B}[0m\n\u{1B}[2m  ! dup@contoso.example"))
    // The summary, the changes and the plain text's columns are untouched by colour.
    #expect(colored.hasPrefix("Plan: 1 to create, 2 to update"))
    #expect(colored.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression) == plan.text)
    #expect(!plan.text.contains("\u{1B}"))
    #expect(plan.text(color: false) == plan.text)
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
    #expect(plan.text.contains("\nSkip (1):\n  ! a@contoso.example  identityConflict\n"))
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
    #expect(plan.text.contains("\n  = known@contoso.example  t-known  matched on externalId\n"))
    #expect(plan.text.hasSuffix("\n  x gone@contoso.example  t-gone  missingFromSnapshot\n"))
}

@Test func shortensEnterprisePathsForReading() {
    #expect(MappedPath.department.shortName == "enterprise:department")
    #expect(MappedPath.workEmail.shortName == #"emails[type eq "work"].value"#)
    #expect(SCIMPath(schema: "urn:example:custom:1.0:User", attribute: "badge").shortName == "urn:example:custom:1.0:User:badge")
}

@Test func listsAtMostTheLimitOfEachKindAndCountsTheRest() {
    let creates = (1...5).map { number in
        PlanAction(kind: .create, sourceId: "u-\(number)", userName: "user\(number)@contoso.example", externalId: "u-\(number)",
                   resource: .userResource([.externalId: .string("u-\(number)"), .userName: .string("user\(number)@contoso.example")]))
    }
    let update = PlanAction(kind: .update, sourceId: "u-bob", targetId: "t-bob", userName: "bob@contoso.example",
                            changes: [AttributeChange(path: MappedPath.title, old: .string("Analyst"), new: .string("Lead"))])
    let plan = Plan(
        createdAt: StageInputs.createdAt, snapshot: .init(sha256: String(repeating: "ab", count: 32), users: 6, inScope: 6),
        target: .init(kind: "sqlite", location: "store.db", fingerprint: "new"), actions: creates + [update], noChange: 0)
    #expect(plan.text(color: false, limit: 2) == """
        Plan: 5 to create, 1 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged.
        Snapshot 6 users (sha256 abababababab); target sqlite store.db.

        Create (5):
          + user1@contoso.example
              externalId: "u-1"
              userName: "user1@contoso.example"
          + user2@contoso.example
              externalId: "u-2"
              userName: "user2@contoso.example"
          ... and 3 more (the plan file, --out FILE or --format json, lists every one)

        Update (1):
          ~ bob@contoso.example  t-bob
              title: "Analyst" -> "Lead"

        """)
    #expect(Plan.textListLimit == 1_000)
    #expect(plan.text == plan.text(color: false, limit: 1_000))
}
