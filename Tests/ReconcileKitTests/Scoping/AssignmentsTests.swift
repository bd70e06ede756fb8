import Foundation
import Testing
@testable import ReconcileKit

/// The fixture at `assignments/<name>`.
private func assignmentsFixture(_ name: String) -> String {
    TestSupport.fixture("assignments/" + name)
}

/// Loads `path`, which must fail, and returns the error's message.
private func assignmentsError(_ path: String) -> String? {
    do {
        let assignments = try AssignmentsLoader().load(path: path)
        Issue.record("expected an error, loaded \(assignments.users.count) users")
        return nil
    } catch {
        return error.description
    }
}

private let research = Assignments.Principal(id: "1f0c7a52-7d3e-4b1a-9c2e-3a4b5c6d7e01", displayName: "Research")
private let sales = Assignments.Principal(id: "1f0c7a52-7d3e-4b1a-9c2e-3a4b5c6d7e02", displayName: "Sales")
private let contractors = Assignments.Principal(id: "1f0c7a52-7d3e-4b1a-9c2e-3a4b5c6d7e03", displayName: "Research Contractors")
private let ada = "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01", grace = "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a02"
private let linus = "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a03", hedy = "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a04"
private let alan = "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a05"

// MARK: - Reading

@Test func readsMicrosoftAppRoleAssignedToExampleVerbatim() throws {
    let assignments = try AssignmentsLoader().load(path: assignmentsFixture("microsoft-example.json"))
    #expect(assignments.users == [
        "cdb555e3-b33e-4fd5-a427-17fadacbdfa7": .init(id: "cdb555e3-b33e-4fd5-a427-17fadacbdfa7", displayName: "MOD Administrator"),
    ])
    #expect(assignments.groups.isEmpty)
    #expect(assignments.match(userID: "cdb555e3-b33e-4fd5-a427-17fadacbdfa7") == .direct)
    #expect(assignments.warnings.isEmpty)
}

@Test func scopesDirectUsersAndDirectGroupMembersOnly() throws {
    let assignments = try AssignmentsLoader().load(path: assignmentsFixture("scenario"))
    #expect(assignments.users.keys.sorted() == [ada])  // the service principal's assignment is not a user
    #expect(assignments.groups == [research.id: research, sales.id: sales])
    #expect(assignments.match(userID: ada) == .direct)
    #expect(assignments.match(userID: grace) == .group([research]))
    #expect(assignments.match(userID: hedy) == .group([sales]))  // from Get-MgGroupMember's PascalCase output
    #expect(assignments.match(userID: linus) == .nestedOnly([(nested: contractors, assigned: research)]))
    #expect(assignments.match(userID: alan) == .notAssigned)
    #expect(assignments.match(userID: "c0c0c0c0-0000-4000-8000-000000000001") == .notAssigned)  // a contact
    #expect(assignments.match(userID: ada.uppercased()) == .direct)
}

@Test func explainsEachWayOfBeingAssignedOrNot() throws {
    let assignments = try AssignmentsLoader().load(path: assignmentsFixture("scenario"))
    #expect(assignments.match(userID: ada).description == "assigned directly")
    #expect(assignments.match(userID: grace).description == "member of assigned group Research (\(research.id))")
    #expect(assignments.match(userID: linus).description == "member of group Research Contractors (\(contractors.id)), "
        + "which is nested in assigned group Research (\(research.id)): Entra does not expand nested groups")
    #expect(assignments.match(userID: alan).description == "not assigned to the app")
}

@Test func warnsAboutNestedGroupsOfAssignedGroups() throws {
    let assignments = try AssignmentsLoader().load(path: assignmentsFixture("scenario"))
    #expect(assignments.warnings == [
        "assigned group Research (\(research.id)) has group Research Contractors (\(contractors.id)) as a member; Entra "
            + "does not expand nested groups, so that group's members are in scope only if assigned themselves",
    ])
}

@Test func scopeKeepsAssignedUsersAndExplainsTheRest() throws {
    let scope = Scope(assignments: try AssignmentsLoader().load(path: assignmentsFixture("scenario")))
    let decisions = try [ada, grace, hedy, linus, alan].map { try scope.decide(StageInputs.user(#"{"id": "\#($0)"}"#)) }
    #expect(decisions.map(\.inScope) == [true, true, true, false, false])
    #expect(decisions[3].description == "out of scope: member of group Research Contractors (\(contractors.id)), "
        + "which is nested in assigned group Research (\(research.id)): Entra does not expand nested groups")
}

@Test func requiresBothAssignmentAndAFilter() throws {
    let filter = ScopingFilter(clauses: [try ScopingClause(attribute: "department", operator: .equals, value: "Research")])
    let scope = Scope(assignments: try AssignmentsLoader().load(path: assignmentsFixture("scenario")), filters: [filter])
    let assignedElsewhere = try StageInputs.user(#"{"id": "\#(ada)", "department": "Sales"}"#)
    let assignedResearcher = try StageInputs.user(#"{"id": "\#(grace)", "department": "Research"}"#)
    let unassignedResearcher = try StageInputs.user(#"{"id": "\#(alan)", "department": "Research"}"#)
    #expect(!scope.decide(assignedElsewhere).inScope)
    #expect(scope.decide(assignedResearcher).inScope)
    #expect(!scope.decide(unassignedResearcher).inScope)
    #expect(scope.decide(assignedResearcher).description
        == "in scope: member of assigned group Research (\(research.id)); passes scoping filter 1")
}

@Test func warnsAboutMemberPagesOfGroupsNotAssigned() throws {
    let folder = TestSupport.temporaryFolder()
    try Data(#"[{"principalId": "\#(ada)", "principalType": "User"}]"#.utf8).write(to: URL(fileURLWithPath: folder + "/assigned.json"))
    let members = folder + "/members-\(sales.id).json"
    try Data(#"[{"id": "\#(hedy)"}]"#.utf8).write(to: URL(fileURLWithPath: members))
    let assignments = try AssignmentsLoader().load(path: folder)
    #expect(assignments.warnings == ["\(members): group \(sales.id) is not assigned to the app; its members are not in scope through it"])
    #expect(assignments.match(userID: hedy) == .notAssigned)
}

@Test func readsGroupIDFromFolderName() throws {
    let folder = TestSupport.temporaryFolder()
    try Data(#"{"principalId": "\#(research.id)", "principalType": "Group", "id": "a1"}"#.utf8)
        .write(to: URL(fileURLWithPath: folder + "/appRoleAssignedTo.json"))
    try FileManager.default.createDirectory(atPath: folder + "/groups/" + research.id, withIntermediateDirectories: true)
    try Data(#"{"value": [{"id": "\#(grace)"}]}"#.utf8).write(to: URL(fileURLWithPath: folder + "/groups/\(research.id)/page-1.json"))
    let assignments = try AssignmentsLoader().load(path: folder)
    #expect(assignments.match(userID: grace) == .group([Assignments.Principal(id: research.id)]))
}

// MARK: - Refused exports

@Test func refusesAssignedGroupWithoutMemberPages() {
    #expect(assignmentsError(assignmentsFixture("missing-members")) == "assigned group Sales (\(sales.id)) has no "
        + "member pages: export GET /groups/{id}/members of each to members-<group id>.json; without them every member "
        + "would be out of scope")
}

@Test func refusesMemberPagesWhoseLastPageHasNextLink() {
    let folder = assignmentsFixture("incomplete-members")
    #expect(assignmentsError(folder) == "\(folder)/members-\(research.id)-page-1.json: the export is incomplete: its "
        + "last page still has @odata.nextLink (https://graph.microsoft.com/v1.0/groups/\(research.id)/members?"
        + "$skiptoken=UEFHRTI); download the remaining pages (follow @odata.nextLink until it is absent) and pass them all")
}

@Test func refusesAssignmentPagesWhoseLastPageHasNextLink() {
    let path = assignmentsFixture("scenario/appRoleAssignedTo-page-1.json")
    #expect(assignmentsError(path) == "\(path): the export is incomplete: its last page still has @odata.nextLink "
        + "(https://graph.microsoft.com/v1.0/servicePrincipals/8e881353-1735-45af-af21-ee1344582a4d/appRoleAssignedTo?"
        + "$top=2&$skiptoken=X2Fzc2lnbm1lbnRz); download the remaining pages (follow @odata.nextLink until it is absent) "
        + "and pass them all")
}

@Test func refusesTransitiveMembers() {
    let folder = assignmentsFixture("transitive")
    #expect(assignmentsError(folder) == "\(folder)/members-\(research.id).json: this is a transitiveMembers export, but "
        + "Entra provisions only direct members of an assigned group; export GET /groups/{id}/members instead")
}

@Test func refusesMemberPageThatDoesNotNameItsGroup() {
    let folder = assignmentsFixture("unnamed-group")
    #expect(assignmentsError(folder) == "\(folder)/research-members.json: a page of group members does not say which "
        + "group it belongs to; put the group's id in the file name (members-<group id>.json) or in its folder's name")
}

@Test func refusesUnknownPrincipalTypeWithLineAndColumn() {
    let path = assignmentsFixture("bad-principal-type.json")
    #expect(assignmentsError(path) == "\(path):5:9: principalType must be User, Group or ServicePrincipal, found a string \"Device\"")
}

@Test func refusesExportThatAssignsNobody() {
    let path = assignmentsFixture("empty.json")
    #expect(assignmentsError(path) == "\(path): no user or group is assigned to the app (export GET "
        + "/servicePrincipals/{id}/appRoleAssignedTo, every page); with nothing assigned every managed user would be disabled")
}

@Test func refusesAssignmentsOfTwoApps() {
    let path = assignmentsFixture("two-apps.json")
    #expect(assignmentsError(path) == "\(path): record 2: assignment to app 99999999-1735-45af-af21-ee1344582a4d, but "
        + "\(path): record 1 is an assignment to app 8e881353-1735-45af-af21-ee1344582a4d; pass the appRoleAssignedTo pages of one app")
}

@Test func refusesMalformedAssignmentsWithLineAndColumn() {
    let path = TestSupport.write("{\"value\": [\n  {\"principalId\": \"x\",, }\n]}")
    #expect(assignmentsError(path) == "\(path):2:23: expected string for object key (the assignments export is not valid JSON; nothing was applied)")
}

@Test func refusesMissingPath() {
    let path = assignmentsFixture("no-such-export")
    #expect(assignmentsError(path) == "cannot read assignments \(path): no such file or folder")
}
