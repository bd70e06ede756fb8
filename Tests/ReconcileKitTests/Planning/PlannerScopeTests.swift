import Testing
@testable import ReconcileKit

/// A user of the Research department.
private func researcher(id: String = "u-ada", upn: String = "ada@contoso.example", enabled: Bool = true) throws -> DirectoryUser {
    try StageInputs.graphUser(id: id, upn: upn, enabled: enabled, displayName: "Ada Lovelace", department: "Research")
}

/// A user of the Sales department.
private func seller(id: String = "u-sam", upn: String = "sam@contoso.example") throws -> DirectoryUser {
    try StageInputs.graphUser(id: id, upn: upn, displayName: "Sam Seller", department: "Sales")
}

/// The scope "department EQUALS Research".
private func researchOnly() throws -> Scope {
    Scope(filters: [ScopingFilter(clauses: [try ScopingClause(attribute: "department", operator: .equals, value: "Research")])])
}

/// `user`'s account in the store as the default mapping gives it.
private func account(of user: DirectoryUser, id: String, active: Bool = true) throws -> TargetUser {
    var resource = try Mapper(mapping: .uiPath).map(user).createValues
    resource[.active] = .bool(active)
    var json = JSONValue.userResource(resource)
    if case .object(var members) = json {
        members["id"] = .string(id)
        members["meta"] = .object(["version": .string("W/\"3\"")])
        json = .object(members)
    }
    return try #require(TargetUser(resource: json))
}

/// Plans `users` against `target` in `scope`.
private func plan(
    _ users: [DirectoryUser], _ target: Planner.TargetState, scope: Scope, skip: Bool = false, deleteMissing: Bool = false
) -> Plan {
    Planner(mapping: .uiPath, options: .init(deleteMissing: deleteMissing, skipOutOfScopeDeletions: skip))
        .plan(snapshot: StageInputs.snapshot(users), target: target, createdAt: StageInputs.createdAt, scope: scope)
}

@Test func disablesManagedUserWhoLeavesScopeWithReasonOutOfScope() throws {
    let sam = try seller()
    let state = StageInputs.state([try account(of: sam, id: "t-sam")], links: ["u-sam": "t-sam"])
    let planned = plan([sam, try researcher()], state, scope: try researchOnly())
    #expect(planned.actions.filter { $0.kind != .create } == [PlanAction(
        kind: .disable, sourceId: "u-sam", targetId: "t-sam", userName: "sam@contoso.example", reason: .outOfScope,
        version: "W/\"3\"",
        operations: [PatchOperation(op: .replace, path: .active, value: .bool(false))],
        changes: [AttributeChange(path: .active, old: .bool(true), new: .bool(false))])])
    #expect(planned.snapshot.inScope == 1)
    #expect(planned.outOfScope == 0)
}

@Test func keepsManagedUserWhoLeavesScopeWithSkipOutOfScopeDeletions() throws {
    let sam = try seller()
    let state = StageInputs.state([try account(of: sam, id: "t-sam")], links: ["u-sam": "t-sam"])
    let planned = plan([sam], state, scope: try researchOnly(), skip: true)
    #expect(planned.actions.isEmpty)
    #expect(planned.outOfScope == 1)
    #expect(planned.noChange == 0)
}

@Test func countsOutOfScopeUserNeverManagedWithoutAnyAction() throws {
    let sam = try seller()
    // An unmanaged account with Sam's userName is not matched, linked or touched.
    let stranger = try account(of: sam, id: "t-stranger")
    let planned = plan([sam, try researcher()], StageInputs.state([stranger]), scope: try researchOnly())
    #expect(planned.actions.map(\.kind) == [.create])
    #expect(planned.actions.first?.userName == "ada@contoso.example")
    #expect(planned.outOfScope == 1)
    #expect(planned.snapshot == Plan.SnapshotInfo(sha256: String(repeating: "ab", count: 32), users: 2, inScope: 1))
}

@Test func reenablesManagedUserWhoComesBackIntoScope() throws {
    let ada = try researcher()
    let state = StageInputs.state([try account(of: ada, id: "t-ada", active: false)], links: ["u-ada": "t-ada"])
    let planned = plan([ada], state, scope: try researchOnly())
    #expect(planned.actions == [PlanAction(
        kind: .update, sourceId: "u-ada", targetId: "t-ada", userName: "ada@contoso.example", externalId: "u-ada",
        version: "W/\"3\"",
        operations: [PatchOperation(op: .replace, path: .active, value: .bool(true))],
        changes: [AttributeChange(path: .active, old: .bool(false), new: .bool(true))])])
    #expect(planned.outOfScope == 0)
}

@Test func leavesDisabledManagedUserOutOfScopeAsItIs() throws {
    let sam = try seller()
    let state = StageInputs.state([try account(of: sam, id: "t-sam", active: false)], links: ["u-sam": "t-sam"])
    let planned = plan([sam], state, scope: try researchOnly())
    #expect(planned.actions.isEmpty)
    #expect(planned.outOfScope == 1)
}

@Test func disablesOutOfScopeUserEvenWithDeleteMissing() throws {
    let sam = try seller()
    let state = StageInputs.state([try account(of: sam, id: "t-sam")], links: ["u-sam": "t-sam"])
    let planned = plan([sam], state, scope: try researchOnly(), deleteMissing: true)
    #expect(planned.actions.map(\.kind) == [.disable])
    #expect(planned.actions.first?.reason == .outOfScope)
}

@Test func outOfScopeUsersAreNotSourceDuplicates() throws {
    // Same userName: only the user in scope is a candidate, so there is no duplicate to skip.
    let planned = plan([try researcher(), try seller(upn: "ADA@contoso.example")], StageInputs.state([]), scope: try researchOnly())
    #expect(planned.actions.map(\.kind) == [.create])
    #expect(planned.outOfScope == 1)
}

@Test func scopesByAssignmentOnlyDirectAndGroupMembers() throws {
    let assignments = Assignments(
        users: ["u-ada": .init(id: "u-ada")], groups: ["g-research": .init(id: "g-research", displayName: "Research")],
        members: ["g-research": ["u-grace", "g-nested"], "g-nested": ["u-linus"]])
    let users = try [
        researcher(), researcher(id: "u-grace", upn: "grace@contoso.example"),
        researcher(id: "u-linus", upn: "linus@contoso.example"), researcher(id: "u-alan", upn: "alan@contoso.example"),
    ]
    let planned = plan(users, StageInputs.state([]), scope: Scope(assignments: assignments))
    #expect(planned.actions.map(\.userName) == ["ada@contoso.example", "grace@contoso.example"])
    #expect(planned.outOfScope == 2)
}

@Test func showsScopeCountsInPlanTextAndFile() throws {
    let planned = plan([try researcher(), try seller()], StageInputs.state([]), scope: try researchOnly())
    #expect(planned.summaryLine == "1 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged, 1 out of scope")
    #expect(planned.text.split(separator: "\n")[1] == "Snapshot 2 users, 1 in scope (sha256 abababababab); target sqlite store.db.")
    #expect(planned.json["summary"]?["outOfScope"] == .number(1))
    #expect(planned.json["snapshot"]?["inScope"] == .number(1))
    let reread = try Plan(json: JSONReader.parse(planned.fileText), file: "plan.json")
    #expect(reread.outOfScope == 1)
}

@Test func everyoneScopeChangesNothing() throws {
    let users = [try researcher(), try seller()]
    let planned = plan(users, StageInputs.state([]), scope: .everyone)
    #expect(planned == StageInputs.plan(users, StageInputs.state([])))
    #expect(planned.snapshot.inScope == 2)
    #expect(planned.outOfScope == 0)
}
