import Testing
@testable import ReconcileKit

private let enterprise = SCIMPath.enterpriseSchema

/// Ada as the directory has her today.
private func ada(upn: String = "ada@contoso.example", enabled: Bool = true) throws -> DirectoryUser {
    try StageInputs.graphUser(
        id: "u-ada", upn: upn, enabled: enabled, displayName: "Ada Lovelace", jobTitle: "Analyst", department: "Research")
}

/// Ada's account in the store, holding exactly what the default mapping gives `ada()`.
private func adaAccount(
    userName: String = "ada@contoso.example", externalId: String? = "u-ada", active: Bool = true
) throws -> TargetUser {
    var members: [String: JSONValue] = [
        "schemas": .array([.string(SCIMPath.coreSchema), .string(enterprise)]),
        "id": .string("t-ada"), "userName": .string(userName), "active": .bool(active),
        "displayName": .string("Ada Lovelace"), "title": .string("Analyst"),
        enterprise: .object(["department": .string("Research")]),
        "meta": .object(["version": .string("W/\"7\"")]),
    ]
    members["externalId"] = externalId.map(JSONValue.string)
    return try #require(TargetUser(resource: .object(members)))
}

// MARK: - Create

@Test func createsUnmatchedEnabledUserWithFullResource() throws {
    let user = try StageInputs.graphUser(
        id: "u-ada", upn: "ada@contoso.example", displayName: "Ada Lovelace", mail: "ada@contoso.example",
        jobTitle: "Analyst", department: "Research")
    let plan = StageInputs.plan([user], StageInputs.state([]))
    let resource: JSONValue = .object([
        "schemas": .array([.string(SCIMPath.coreSchema), .string(enterprise)]),
        "externalId": .string("u-ada"),
        "userName": .string("ada@contoso.example"),
        "active": .bool(true),
        "displayName": .string("Ada Lovelace"),
        "title": .string("Analyst"),
        "emails": .array([.object(["type": .string("work"), "value": .string("ada@contoso.example"), "primary": .bool(true)])]),
        enterprise: .object(["department": .string("Research")]),
    ])
    #expect(plan.actions == [PlanAction(
        kind: .create, sourceId: "u-ada", userName: "ada@contoso.example", externalId: "u-ada", resource: resource)])
    #expect(plan.noChange == 0 && plan.notProvisioned == 0)
}

@Test func countsDisabledUserWithoutAccountAsNotProvisioned() throws {
    let plan = StageInputs.plan([try ada(enabled: false)], StageInputs.state([]))
    #expect(plan.actions.isEmpty)
    #expect(plan.notProvisioned == 1)
}

@Test func countsDisabledUserMatchingUnmanagedAccountAsNotProvisioned() throws {
    let account = try adaAccount(externalId: nil)
    let plan = StageInputs.plan([try ada(enabled: false)], StageInputs.state([account]))
    #expect(plan.actions.isEmpty)
    #expect(plan.notProvisioned == 1)
}

@Test func recreatesManagedUserWhoseAccountWasDeletedFromTarget() throws {
    let plan = StageInputs.plan([try ada()], StageInputs.state([], links: ["u-ada": "t-gone"]))
    #expect(plan.actions.map(\.kind) == [.create])
}

// MARK: - Update and link

@Test func updatesOnlyWhatDiffersWithMinimalOperations() throws {
    let account = try StageInputs.target("""
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "\(enterprise)"],
         "id": "t-ada", "externalId": "u-ada", "userName": "ada@contoso.example", "active": true,
         "displayName": "Ada L.", "name": {"givenName": "Ada"}, "\(enterprise)": {"department": "Research"},
         "meta": {"version": "W/\\"7\\""}}
        """)
    let plan = StageInputs.plan([try ada()], StageInputs.state([account], links: ["u-ada": "t-ada"]))
    #expect(plan.actions == [PlanAction(
        kind: .update, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", externalId: "u-ada",
        version: "W/\"7\"",
        operations: [
            PatchOperation(op: .replace, path: MappedPath.displayName, value: .string("Ada Lovelace")),
            PatchOperation(op: .add, path: MappedPath.title, value: .string("Analyst")),
            PatchOperation(op: .remove, path: MappedPath.givenName, value: nil),
        ],
        changes: [
            AttributeChange(path: MappedPath.displayName, old: .string("Ada L."), new: .string("Ada Lovelace")),
            AttributeChange(path: MappedPath.title, old: nil, new: .string("Analyst")),
            AttributeChange(path: MappedPath.givenName, old: .string("Ada"), new: nil),
        ])])
}

@Test func countsManagedUserAlreadyInLineAsNoChange() throws {
    let plan = StageInputs.plan([try ada()], StageInputs.state([try adaAccount()], links: ["u-ada": "t-ada"]))
    #expect(plan.actions.isEmpty)
    #expect(plan.noChange == 1)
    #expect(!plan.hasChanges)
}

@Test func linksUnmanagedAccountThatAlreadyMatches() throws {
    let plan = StageInputs.plan([try ada()], StageInputs.state([try adaAccount()]))
    #expect(plan.actions == [PlanAction(
        kind: .link, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", externalId: "u-ada",
        version: "W/\"7\"", matchedOn: "externalId")])
}

@Test func updatesAccountMatchedOnUserNameWithItsExternalId() throws {
    let plan = StageInputs.plan([try ada()], StageInputs.state([try adaAccount(userName: "ADA@contoso.example", externalId: nil)]))
    let action = try #require(plan.actions.first)
    #expect(plan.actions.count == 1)
    #expect(action.kind == .update)
    #expect(action.matchedOn == "userName")
    #expect(action.operations == [
        PatchOperation(op: .add, path: .externalId, value: .string("u-ada")),
        PatchOperation(op: .replace, path: .userName, value: .string("ada@contoso.example")),
    ])
}

@Test func renameOfManagedUserIsAnUpdateOfUserName() throws {
    let account = try adaAccount(userName: "ada.byron@contoso.example")
    let state = StageInputs.state([account], links: ["u-ada": "t-ada"])
    let plan = StageInputs.plan([try ada(upn: "ada.lovelace@contoso.example")], state)
    #expect(plan.actions == [PlanAction(
        kind: .update, sourceId: "u-ada", targetId: "t-ada", userName: "ada.lovelace@contoso.example", externalId: "u-ada",
        version: "W/\"7\"",
        operations: [PatchOperation(op: .replace, path: .userName, value: .string("ada.lovelace@contoso.example"))],
        changes: [AttributeChange(
            path: .userName, old: .string("ada.byron@contoso.example"), new: .string("ada.lovelace@contoso.example"))])])
}

@Test func managedUserFollowsLinkAcrossRenameWithoutExternalId() throws {
    // The account lost its externalId; only the link still ties it to Ada.
    let account = try adaAccount(userName: "ada.byron@contoso.example", externalId: nil)
    let state = StageInputs.state([account], links: ["u-ada": "t-ada"])
    let plan = StageInputs.plan([try ada(upn: "ada.lovelace@contoso.example")], state)
    #expect(plan.actions.map(\.kind) == [.update])
    #expect(plan.actions.first?.targetId == "t-ada")
    #expect(plan.actions.first?.matchedOn == nil)
}

@Test func reusedUserNameDoesNotInheritRenamedAccount() throws {
    let account = try adaAccount(userName: "alex@contoso.example")
    let renamed = try ada(upn: "ada@contoso.example")
    let newcomer = try StageInputs.graphUser(id: "u-alex", upn: "alex@contoso.example", record: 2)
    let plan = StageInputs.plan([renamed, newcomer], StageInputs.state([account], links: ["u-ada": "t-ada"]))
    #expect(plan.actions.map(\.kind) == [.update, .skip])
    #expect(plan.actions[1] == PlanAction(
        kind: .skip, sourceId: "u-alex", userName: "alex@contoso.example", reason: .identityConflict,
        detail: "userName \"alex@contoso.example\" matches target user t-ada, which is managed for source user u-ada"))
}

@Test func reEnablesManagedUserWhoReturns() throws {
    let plan = StageInputs.plan([try ada()], StageInputs.state([try adaAccount(active: false)], links: ["u-ada": "t-ada"]))
    #expect(plan.actions == [PlanAction(
        kind: .update, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", externalId: "u-ada",
        version: "W/\"7\"",
        operations: [PatchOperation(op: .replace, path: .active, value: .bool(true))],
        changes: [AttributeChange(path: .active, old: .bool(false), new: .bool(true))])])
}

// MARK: - Disable and delete

@Test func disablesManagedUserDisabledInSource() throws {
    let account = try adaAccount()
    let disabled = try StageInputs.graphUser(
        id: "u-ada", upn: "ada@contoso.example", enabled: false, displayName: "Ada Lovelace", jobTitle: "Former Analyst",
        department: "Research")
    let plan = StageInputs.plan([disabled], StageInputs.state([account], links: ["u-ada": "t-ada"]))
    #expect(plan.actions == [PlanAction(
        kind: .disable, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", reason: .disabledInSource,
        version: "W/\"7\"",
        operations: [
            PatchOperation(op: .replace, path: .active, value: .bool(false)),
            PatchOperation(op: .replace, path: MappedPath.title, value: .string("Former Analyst")),
        ],
        changes: [
            AttributeChange(path: .active, old: .bool(true), new: .bool(false)),
            AttributeChange(path: MappedPath.title, old: .string("Analyst"), new: .string("Former Analyst")),
        ])])
}

@Test func leavesManagedUserAlreadyInactiveWhenDisabledInSource() throws {
    let state = StageInputs.state([try adaAccount(active: false)], links: ["u-ada": "t-ada"])
    let plan = StageInputs.plan([try ada(enabled: false)], state)
    #expect(plan.actions.isEmpty)
    #expect(plan.noChange == 1)
}

@Test func disablesManagedUserMissingFromSnapshot() throws {
    let plan = StageInputs.plan([], StageInputs.state([try adaAccount()], links: ["u-ada": "t-ada"]))
    #expect(plan.actions == [PlanAction(
        kind: .disable, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", reason: .missingFromSnapshot,
        version: "W/\"7\"",
        operations: [PatchOperation(op: .replace, path: .active, value: .bool(false))],
        changes: [AttributeChange(path: .active, old: .bool(true), new: .bool(false))])])
}

@Test func leavesInactiveManagedUserMissingFromSnapshotAsItIs() throws {
    let plan = StageInputs.plan([], StageInputs.state([try adaAccount(active: false)], links: ["u-ada": "t-ada"]))
    #expect(plan.actions.isEmpty)
    #expect(plan.noChange == 1)
}

@Test func deletesManagedUserMissingFromSnapshotOnlyWithDeleteMissing() throws {
    let state = StageInputs.state([try adaAccount()], links: ["u-ada": "t-ada"])
    #expect(StageInputs.plan([], state).actions.map(\.kind) == [.disable])
    #expect(StageInputs.plan([], state, deleteMissing: true).actions == [PlanAction(
        kind: .delete, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", reason: .missingFromSnapshot,
        version: "W/\"7\"")])
}

@Test func disablesRatherThanDeletesUserDisabledInSourceEvenWithDeleteMissing() throws {
    let state = StageInputs.state([try adaAccount()], links: ["u-ada": "t-ada"])
    let plan = StageInputs.plan([try ada(enabled: false)], state, deleteMissing: true)
    #expect(plan.actions.map(\.kind) == [.disable])
    #expect(plan.actions.first?.reason == .disabledInSource)
}

@Test func neverTouchesUnmanagedTargetUsers() throws {
    let stranger = try StageInputs.targetUser(id: "t-admin", userName: "admin@contoso.example")
    let plan = StageInputs.plan([], StageInputs.state([stranger]), deleteMissing: true)
    #expect(plan.actions.isEmpty)
    #expect(plan.noChange == 0)
}

// MARK: - Skips

@Test func skipsSourceUsersSharingUserNameAndPlansTheRest() throws {
    let upper = try StageInputs.graphUser(id: "u2", upn: "Ada@contoso.example", record: 1)
    let lower = try StageInputs.graphUser(id: "u1", upn: "ada@CONTOSO.example", record: 2)
    let other = try StageInputs.graphUser(id: "u3", upn: "grace@contoso.example", record: 3)
    let plan = StageInputs.plan([upper, lower, other], StageInputs.state([]))
    let detail = "source users u1, u2 share userName \"Ada@contoso.example\""
    #expect(plan.actions == [
        PlanAction(kind: .create, sourceId: "u3", userName: "grace@contoso.example", externalId: "u3",
                   resource: plan.actions.first?.resource),
        PlanAction(kind: .skip, sourceId: "u1", userName: "ada@CONTOSO.example", reason: .duplicateSourceEntries, detail: detail),
        PlanAction(kind: .skip, sourceId: "u2", userName: "Ada@contoso.example", reason: .duplicateSourceEntries, detail: detail),
    ])
}

@Test func aDisabledUserSharingAUserNameIsSkippedNotCountedAsNotProvisioned() throws {
    let enabled = try StageInputs.graphUser(id: "u1", upn: "ada@contoso.example")
    let disabled = try StageInputs.graphUser(id: "u2", upn: "ADA@contoso.example", enabled: false, record: 2)
    let alone = try StageInputs.graphUser(id: "u3", upn: "grace@contoso.example", enabled: false, record: 3)
    let plan = StageInputs.plan([enabled, disabled, alone], StageInputs.state([]))
    #expect(plan.actions.map(\.sourceId) == ["u1", "u2"])
    #expect(plan.actions.map(\.reason) == [.duplicateSourceEntries, .duplicateSourceEntries])
    #expect(plan.actions.map(\.userName) == ["ada@contoso.example", "ADA@contoso.example"])
    #expect(plan.notProvisioned == 1)
}

@Test func skipsSourceUsersWhoseUserNamesFoldTogether() throws {
    let sharp = try StageInputs.graphUser(id: "u1", upn: "straße@contoso.example")
    let doubled = try StageInputs.graphUser(id: "u2", upn: "STRASSE@contoso.example", record: 2)
    let plan = StageInputs.plan([sharp, doubled], StageInputs.state([]))
    #expect(plan.actions.map(\.reason) == [.duplicateSourceEntries, .duplicateSourceEntries])
    #expect(plan.actions.map(\.detail) == Array(repeating: "source users u1, u2 share userName \"straße@contoso.example\"", count: 2))
}

@Test func skipsSourceUsersWhoMatchTheSameAccount() throws {
    let mapping = try Mapping(entries: [
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
        .init(target: MappedPath.workEmail, source: .attribute("mail"), matchingPrecedence: 2),
    ])
    let account = try StageInputs.target("""
        {"id": "t1", "userName": "ada@contoso.example", "emails": [{"type": "work", "value": "ada@contoso.example"}]}
        """)
    let byUserName = try StageInputs.graphUser(id: "u1", upn: "ada@contoso.example", mail: "lovelace@contoso.example")
    let byMail = try StageInputs.graphUser(id: "u2", upn: "augusta@contoso.example", mail: "ada@contoso.example", record: 2)
    let bystander = try StageInputs.graphUser(id: "u3", upn: "grace@contoso.example", record: 3)
    let plan = StageInputs.plan([byUserName, byMail, bystander], StageInputs.state([account]), mapping: mapping)
    #expect(plan.actions.map(\.kind) == [.create, .skip, .skip])
    #expect(plan.actions[0].sourceId == "u3")
    #expect(plan.actions.dropFirst().map(\.sourceId) == ["u1", "u2"])
    #expect(plan.actions.dropFirst().allSatisfy {
        $0.reason == .duplicateSourceEntries && $0.detail == "source users u1, u2 all match target user t1"
    })
}

@Test func skipsUserMatchingTwoAccountsAndPlansTheRest() throws {
    let first = try StageInputs.targetUser(id: "t1", userName: "zo\u{EB}@contoso.example")
    let second = try StageInputs.targetUser(id: "t2", userName: "ZOE\u{308}@contoso.example")
    let zoe = try StageInputs.graphUser(id: "u-zoe", upn: "Zoe\u{308}@contoso.example")
    let grace = try StageInputs.graphUser(id: "u-grace", upn: "grace@contoso.example", record: 2)
    let plan = StageInputs.plan([zoe, grace], StageInputs.state([first, second]))
    #expect(plan.actions.map(\.kind) == [.create, .skip])
    #expect(plan.actions[1] == PlanAction(
        kind: .skip, sourceId: "u-zoe", userName: "Zoe\u{308}@contoso.example", reason: .duplicateTargetEntries,
        detail: "userName \"Zoe\u{308}@contoso.example\" matches 2 target users: t1, t2"))
}

@Test func skipsIdentityConflictOnReusedUserName() throws {
    let departed = try StageInputs.targetUser(id: "t1", userName: "alex@contoso.example", externalId: "u-departed")
    let plan = StageInputs.plan([try StageInputs.graphUser(id: "u-alex", upn: "alex@contoso.example")], StageInputs.state([departed]))
    #expect(plan.actions == [PlanAction(
        kind: .skip, sourceId: "u-alex", userName: "alex@contoso.example", reason: .identityConflict,
        detail: "userName \"alex@contoso.example\" matches target user t1, whose externalId u-departed belongs to someone else")])
}

@Test func skipsUserWithoutMatchingValueUnderItsID() throws {
    let mapping = try Mapping(entries: [.init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1)])
    let plan = StageInputs.plan([try StageInputs.graphUser(id: "u-nameless", upn: nil)], StageInputs.state([]), mapping: mapping)
    #expect(plan.actions == [PlanAction(
        kind: .skip, sourceId: "u-nameless", userName: "u-nameless", reason: .missingMatchingAttribute,
        detail: "no value for any matching attribute (userName)")])
}

@Test func skipsUserWhoseValuesCannotBeMapped() throws {
    let mapping = try Mapping(entries: [
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
        .init(target: .active, source: .attribute("employeeType")),
    ])
    let user = try StageInputs.user(#"{"id": "u1", "userPrincipalName": "ada@contoso.example", "employeeType": "yes"}"#)
    let plan = StageInputs.plan([user], StageInputs.state([]), mapping: mapping)
    #expect(plan.actions == [PlanAction(
        kind: .skip, sourceId: "u1", userName: "ada@contoso.example", reason: .mappingFailed,
        detail: "test.json: record 1: active needs True or False, the mapping gave \"yes\"")])
}

@Test func keepsSkippedManagedUserAsItIs() throws {
    // A managed user skipped for a conflict is still in the snapshot: it must not be disabled as missing.
    let account = try adaAccount()
    let twin = try StageInputs.graphUser(id: "u-twin", upn: "ADA@contoso.example", record: 2)
    let plan = StageInputs.plan([try ada(), twin], StageInputs.state([account], links: ["u-ada": "t-ada"]))
    #expect(plan.actions.map(\.kind) == [.skip, .skip])
    #expect(plan.noChange == 0)
}

// MARK: - Order and bookkeeping

@Test func ordersActionsByKindThenCaseFoldedUserName() throws {
    let users = try [
        StageInputs.graphUser(id: "u1", upn: "zed@contoso.example", record: 1),
        StageInputs.graphUser(id: "u2", upn: "Bob@contoso.example", record: 2),
        StageInputs.graphUser(id: "u3", upn: "alice@contoso.example", record: 3),
        StageInputs.graphUser(id: "u4", upn: "carol@contoso.example", record: 4),
    ]
    let departed = try StageInputs.targetUser(id: "t9", userName: "carol@contoso.example", externalId: "u-old")
    let gone = try StageInputs.targetUser(id: "t8", userName: "AARON@contoso.example", externalId: "u-gone")
    let plan = StageInputs.plan(users, StageInputs.state([departed, gone], links: ["u-gone": "t8"]))
    #expect(plan.actions.map(\.kind) == [.create, .create, .create, .disable, .skip])
    #expect(plan.actions.map(\.userName) == [
        "alice@contoso.example", "Bob@contoso.example", "zed@contoso.example", "AARON@contoso.example", "carol@contoso.example",
    ])
}

@Test func recordsSnapshotAndTargetInPlan() throws {
    let plan = StageInputs.plan([try ada()], StageInputs.state([]))
    #expect(plan.createdAt == StageInputs.createdAt)
    #expect(plan.snapshot == Plan.SnapshotInfo(sha256: String(repeating: "ab", count: 32), users: 1, inScope: 1))
    #expect(plan.target == Plan.TargetInfo(kind: "sqlite", location: "store.db", fingerprint: "fp-1"))
}

@Test func skipsUserWithoutUserNameRatherThanCreatingAnInvalidResource() throws {
    let plan = StageInputs.plan([try StageInputs.graphUser(id: "u-no-upn", upn: nil)], StageInputs.state([]))
    #expect(plan.actions == [PlanAction(
        kind: .skip, sourceId: "u-no-upn", userName: "u-no-upn", reason: .missingRequiredAttribute,
        detail: "the mapping gives no userName, which SCIM requires (RFC 7643 §4.1.1)")])
}

@Test func readsEntraStyleStringActiveAsBoolean() throws {
    let resource = try JSONReader.parse(#"{"id": "t1", "userName": "a@contoso.example", "externalId": "u1", "active": "False"}"#)
    let account = try #require(TargetUser(resource: resource))
    #expect(account.active == false)
    #expect(account.value(at: .active) == .bool(false))
}
