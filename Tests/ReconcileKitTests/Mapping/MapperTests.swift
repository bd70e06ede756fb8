import Testing
@testable import ReconcileKit

/// A Graph user with every property the default mapping reads.
private let fullUser = """
    {"id": "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01", "userPrincipalName": "ada.lovelace@contosopharma.example",
     "accountEnabled": true, "displayName": "Ada Lovelace", "jobTitle": "Analyst",
     "mail": "ada@contosopharma.example", "givenName": "Ada", "surname": "Lovelace", "city": "London",
     "companyName": "Contoso Pharma", "department": "Research", "officeLocation": "LON 2/14"}
    """

/// A mapping matched on userName, with `entries` after it.
private func mapping(_ entries: AttributeMapping...) throws -> Mapping {
    try Mapping(entries: [.init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1)] + entries)
}

/// Builds a mapping that must fail, and returns the error's message.
private func mappingError(_ entries: [AttributeMapping]) -> String? {
    do {
        let mapping = try Mapping(entries: entries)
        Issue.record("expected an error, built \(mapping.entries.count) entries")
        return nil
    } catch {
        return error.description
    }
}

private func switchOf(_ arguments: Expression...) -> AttributeMapping.Source {
    .expression(.call("Switch", arguments))
}

// MARK: - Default mapping

@Test func mapsEveryDefaultUiPathAttribute() throws {
    let desired = try StageInputs.desired(StageInputs.user(fullUser))
    #expect(desired.createValues == [
        MappedPath.externalId: .string("5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01"),
        MappedPath.userName: .string("ada.lovelace@contosopharma.example"),
        MappedPath.active: .bool(true),
        MappedPath.displayName: .string("Ada Lovelace"),
        MappedPath.title: .string("Analyst"),
        MappedPath.workEmail: .string("ada@contosopharma.example"),
        MappedPath.givenName: .string("Ada"),
        MappedPath.familyName: .string("Lovelace"),
        MappedPath.workLocality: .string("London"),
        MappedPath.organization: .string("Contoso Pharma"),
        MappedPath.department: .string("Research"),
    ])
    #expect(desired.updateValues == desired.createValues.mapValues { Optional($0) })
    #expect(desired.userName == "ada.lovelace@contosopharma.example")
    #expect(desired.externalId == "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01")
}

@Test func defaultMappingMatchesOnExternalIdThenUserName() {
    #expect(Mapping.uiPath.matchingPaths == [.externalId, .userName])
    #expect(Mapping.uiPath.targetPaths.map(\.description) == [
        "externalId", "userName", "active", "displayName", "title", "emails[type eq \"work\"].value",
        "name.givenName", "name.familyName", "addresses[type eq \"work\"].locality",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
    ])
}

@Test func activeFollowsAccountEnabledThroughSwitchOnIsSoftDeleted() throws {
    let enabled = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "accountEnabled": true}"#))
    let disabled = try StageInputs.desired(StageInputs.user(#"{"id": "u2", "accountEnabled": false}"#))
    let unknown = try StageInputs.desired(StageInputs.user(#"{"id": "u3"}"#))
    #expect(enabled.createValues[.active] == .bool(true))
    #expect(disabled.createValues[.active] == .bool(false))
    #expect(disabled.updateValues[.active] == .some(.bool(false)))
    #expect(!disabled.active)
    #expect(unknown.createValues[.active] == .bool(true))
}

@Test func softDeletedOrOutOfScopeUserIsInactive() throws {
    let deleted = try StageInputs.user(#"{"id": "u1", "accountEnabled": true, "deletedDateTime": "2026-03-01T10:00:00Z"}"#)
    #expect(try StageInputs.desired(deleted).active == false)
    let enabled = try StageInputs.user(#"{"id": "u2", "accountEnabled": true}"#)
    #expect(try Mapper(mapping: .uiPath).map(enabled, inScope: false).active == false)
}

@Test func nullAndAbsentSourceValuesGiveNoValueAndClearOnUpdate() throws {
    let user = try StageInputs.user(#"{"id": "u1", "userPrincipalName": "ada@contoso.example", "jobTitle": null, "mail": ""}"#)
    let desired = try StageInputs.desired(user)
    for path in [MappedPath.title, MappedPath.workEmail, MappedPath.department] {
        #expect(desired.createValues[path] == nil)
        #expect(desired.updateValues[path] == .some(nil))
    }
}

@Test func mappingWithoutActiveLeavesUserActive() throws {
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "accountEnabled": false}"#),
        mapping: mapping())
    #expect(desired.createValues[.active] == nil)
    #expect(desired.active)
}

// MARK: - Custom mappings

@Test func onCreateEntryIsWrittenOnCreateButNotEnforcedOnUpdate() throws {
    let custom = try mapping(.init(target: MappedPath.title, source: .attribute("jobTitle"), apply: .onCreate))
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "jobTitle": "Analyst"}"#),
        mapping: custom)
    #expect(desired.createValues[MappedPath.title] == .string("Analyst"))
    #expect(desired.updateValues[MappedPath.title] == nil)
    #expect(desired.updateValues[.userName] == .some(.string("a@x")))
}

@Test func defaultIfNullFillsCreateOnly() throws {
    let custom = try mapping(.init(target: MappedPath.department, source: .attribute("department"), defaultIfNull: "Unassigned"))
    let empty = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "department": null}"#),
        mapping: custom)
    #expect(empty.createValues[MappedPath.department] == .string("Unassigned"))
    // Not enforced on update: the default written on create stays, and nothing is cleared.
    #expect(empty.updateValues[MappedPath.department] == nil)
    let set = try StageInputs.desired(StageInputs.user(#"{"id": "u2", "userPrincipalName": "b@x", "department": "Sales"}"#),
        mapping: custom)
    #expect(set.createValues[MappedPath.department] == .string("Sales"))
    #expect(set.updateValues[MappedPath.department] == .some(.string("Sales")))
}

@Test func constantSourceGivesTheSameValueToEveryone() throws {
    let custom = try mapping(.init(target: MappedPath.organization, source: .constant("Contoso")))
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x"}"#), mapping: custom)
    #expect(desired.createValues[MappedPath.organization] == .string("Contoso"))
}

@Test func sourceAttributeNamesAreCaseInsensitiveAndObjectIdIsTheID() throws {
    let custom = try Mapping(entries: [
        .init(target: .externalId, source: .attribute("objectId"), matchingPrecedence: 1),
        .init(target: .userName, source: .attribute("USERPRINCIPALNAME")),
    ])
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x"}"#), mapping: custom)
    #expect(desired.externalId == "u1")
    #expect(desired.userName == "a@x")
}

@Test func switchComparesKeysCaseSensitively() throws {
    let custom = try mapping(.init(target: MappedPath.title, source: switchOf(
        .attribute("department"), .literal("Other"), .literal("Sales"), .literal("Seller"), .literal("sales"), .literal("lower"))))
    func title(_ department: String) throws -> SCIMValue? {
        try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "department": "\#(department)"}"#),
            mapping: custom).createValues[MappedPath.title]
    }
    #expect(try title("Sales") == .string("Seller"))
    #expect(try title("sales") == .string("lower"))
    #expect(try title("SALES") == .string("Other"))
}

@Test func switchOnNullSourceGivesDefault() throws {
    let custom = try mapping(.init(target: MappedPath.title, source: switchOf(
        .attribute("department"), .literal("Other"), .literal("Sales"), .literal("Seller"))))
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x"}"#), mapping: custom)
    #expect(desired.createValues[MappedPath.title] == .string("Other"))
}

@Test func switchWithEmptyDefaultAndNoMatchingKeyGivesNoValue() throws {
    let custom = try mapping(.init(target: MappedPath.title, source: switchOf(
        .attribute("department"), .empty, .literal("Sales"), .literal("Seller"))))
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "department": "HR"}"#),
        mapping: custom)
    #expect(desired.createValues[MappedPath.title] == nil)
    #expect(desired.updateValues[MappedPath.title] == .some(nil))
}

@Test func activeAcceptsTrueAndFalseInAnyCase() throws {
    let custom = try mapping(.init(target: .active, source: .constant("FALSE")))
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x"}"#), mapping: custom)
    #expect(desired.createValues[.active] == .bool(false))
}

@Test func refusesNonBooleanValueForActiveWithMessage() throws {
    let custom = try mapping(.init(target: .active, source: .attribute("department")))
    let user = try StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "department": "Sales"}"#)
    #expect(throws: MappingError.notABoolean(path: "active", value: "Sales")) { try Mapper(mapping: custom).map(user) }
    #expect(MappingError.notABoolean(path: "active", value: "Sales").description
        == "active needs True or False, the mapping gave \"Sales\"")
}

// MARK: - Mapping checks

@Test func refusesTwoEntriesForOneTarget() {
    #expect(mappingError([
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
        .init(target: MappedPath.workEmail, source: .attribute("mail")),
        .init(target: MappedPath.workEmail, source: .attribute("otherMails")),
    ]) == "mapping entry 3 (target emails[type eq \"work\"].value): entry 2 already targets emails[type eq \"work\"].value")
}

@Test func refusesMappingWithoutMatchingAttribute() {
    #expect(mappingError([.init(target: .userName, source: .attribute("userPrincipalName"))])
        == "no mapping entry is a matching attribute (give one a matchingPrecedence)")
}

@Test func refusesUnknownFunctionEvenWhenNested() {
    let entry = AttributeMapping(target: MappedPath.title, source: switchOf(
        .call("Frobnicate", [.attribute("jobTitle")]), .empty, .literal("a"), .literal("b")))
    #expect(mappingError([.init(target: .userName, source: .attribute("upn"), matchingPrecedence: 1), entry])
        == "mapping entry 2 (target title): unknown function Frobnicate")
}

@Test func refusesSwitchWithTooFewArguments() {
    let entry = AttributeMapping(target: MappedPath.title, source: switchOf(.attribute("jobTitle")))
    #expect(mappingError([.init(target: .userName, source: .attribute("upn"), matchingPrecedence: 1), entry])
        == "mapping entry 2 (target title): Switch: takes 2 or more arguments, got 1")
}

@Test func refusesSwitchWithKeyWithoutValue() {
    let entry = AttributeMapping(target: MappedPath.title, source: switchOf(.attribute("jobTitle"), .empty, .literal("a")))
    #expect(mappingError([.init(target: .userName, source: .attribute("upn"), matchingPrecedence: 1), entry])
        == "mapping entry 2 (target title): Switch: keys and values must come in pairs")
}

@Test func ordersMatchingPathsByPrecedence() throws {
    let custom = try Mapping(entries: [
        .init(target: .externalId, source: .attribute("id"), matchingPrecedence: 2),
        .init(target: MappedPath.displayName, source: .attribute("displayName")),
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
    ])
    #expect(custom.matchingPaths == [.userName, .externalId])
}

@Test func writesExpressionsBackInEntraSyntax() {
    let active = Mapping.uiPath.entries[2].source
    #expect(active.description == #"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#)
    #expect(Expression.literal(#"say "hi" \ bye"#).description == #""say \"hi\" \\ bye""#)
    #expect(AttributeMapping.Source.constant("x").description == "\"x\"")
}

// MARK: - SCIMPath

@Test func parsesTheFourPathShapes() throws {
    #expect(SCIMPath("displayName") == SCIMPath(attribute: "displayName"))
    #expect(SCIMPath("name.givenName") == SCIMPath(attribute: "name", subAttribute: "givenName"))
    #expect(SCIMPath(#"emails[type eq "work"].value"#) == SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value"))
    let department = try #require(SCIMPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"))
    #expect(department.schema == SCIMPath.enterpriseSchema)
    #expect(department.attribute == "department")
    #expect(department.typeFilter == nil && department.subAttribute == nil)
    let manager = try #require(SCIMPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"))
    #expect(manager == SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "manager", subAttribute: "value"))
}

@Test func acceptsFilterKeywordsInAnyCase() {
    #expect(SCIMPath(#"addresses[TYPE EQ "work"].locality"#) == MappedPath.workLocality)
}

@Test func pathDescriptionRoundTrips() throws {
    for text in [
        "displayName", "name.givenName", #"emails[type eq "work"].value"#, #"addresses[type eq "work"].locality"#,
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
    ] {
        #expect(try #require(SCIMPath(text)).description == text)
    }
    for path in Mapping.uiPath.targetPaths {
        #expect(SCIMPath(path.description) == path)
    }
}

@Test func refusesPathsOutsideTheFourShapes() {
    for text in [
        "", "display name", "name.", ".givenName", "name.given.name", "emails[type eq work].value",
        #"emails[type eq "work"]"#, #"emails[type eq "work"]value"#, #"emails[value eq "a@x"].type"#,
        #"emails[type "work"].value"#, "emails[type eq \"work\".value", "urn:", "displayName-2",
    ] {
        #expect(SCIMPath(text) == nil, "\(text)")
    }
}

@Test func ordersPathsByDescription() {
    #expect(MappedPath.active < MappedPath.displayName)
    #expect(MappedPath.workEmail < MappedPath.externalId)
    #expect(MappedPath.department < MappedPath.userName)
}

@Test func aMapperWithEntriesOfItsOwnMapsAlikeOverTheSameLayout() throws {
    let custom = try mapping(
        .init(target: MappedPath.title, source: .expression(try ExpressionParser.parse(#"Replace([jobTitle], , "(?<a>Senior) ", , "${a}-", , )"#))),
        .init(target: MappedPath.organization, source: .constant("Contoso")),
        .init(target: MappedPath.displayName, source: .expression(try ExpressionParser.parse(#"Join(" ", [givenName], [surname])"#))))
    let mapper = Mapper(mapping: custom)
    let own = mapper.withEntriesOfItsOwn()
    let user = try StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "jobTitle": "Senior Chemist", "givenName": "Ada", "surname": "Lovelace"}"#)
    let shared = try mapper.map(user), separate = try own.map(user)
    #expect(separate == shared)
    #expect(separate.createValues[MappedPath.title] == .string("Senior-Chemist"))
    #expect(separate.createValues[MappedPath.displayName] == .string("Ada Lovelace"))
    // One layout: what is keyed by it (the embedded store's create writer) sees one shape.
    #expect(separate.createValues.layout === shared.createValues.layout)
}
