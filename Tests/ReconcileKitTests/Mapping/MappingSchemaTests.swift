import Testing
@testable import ReconcileKit

/// The target schema (paths, types, canonical spelling), and the mapping features that depend on it:
/// references, multi-valued targets, IgnoreFlowIfNullOrEmpty, stable Guid, evaluation failures.
private func mapping(_ entries: AttributeMapping...) throws -> Mapping {
    try Mapping(entries: [.init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1)] + entries)
}

private func expression(_ text: String) throws -> AttributeMapping.Source {
    .expression(try ExpressionParser.parse(text))
}

private let enterprise = SCIMPath.enterpriseSchema

// MARK: - Schema

@Test func schemaHasEveryDocumentedTargetWithItsType() throws {
    let paths = Set(SCIMUserSchema.targetPaths.map(\.description))
    for text in [
        "userName", "externalId", "active", "displayName", "title", "preferredLanguage", "name.givenName", "name.honorificSuffix",
        #"emails[type eq "work"].value"#, #"emails[type eq "other"].value"#, #"phoneNumbers[type eq "mobile"].value"#,
        #"phoneNumbers[type eq "fax"].value"#, #"addresses[type eq "work"].streetAddress"#, #"addresses[type eq "other"].formatted"#,
        #"addresses[type eq "home"].postalCode"#, #"addresses[type eq "work"].country"#, #"addresses[type eq "work"].region"#,
        "\(enterprise):employeeNumber", "\(enterprise):costCenter", "\(enterprise):organization", "\(enterprise):division",
        "\(enterprise):department", "\(enterprise):manager",
    ] {
        #expect(paths.contains(text), "\(text)")
    }
    #expect(SCIMUserSchema.type(of: .active) == .boolean)
    #expect(SCIMUserSchema.type(of: SCIMUserSchema.manager) == .reference)
    #expect(SCIMUserSchema.type(of: MappedPath.title) == .string)
    #expect(Mapping.booleanPaths == [.active])
}

@Test func targetsAreCanonicalisedSoSpellingsCollide() throws {
    let checked = try mapping(.init(target: try #require(SCIMPath(#"emails[TYPE EQ "Work"].Value"#)), source: .attribute("mail")))
    #expect(checked.entries[1].target == MappedPath.workEmail)
    let shouting = try #require(SCIMPath(#"EMAILS[type eq "work"].value"#))
    #expect(throws: MappingError.entry(index: 2, target: MappedPath.workEmail.description, .targetTaken(firstIndex: 1, target: MappedPath.workEmail.description))) {
        try mapping(.init(target: MappedPath.workEmail, source: .attribute("mail")), .init(target: shouting, source: .attribute("otherMails")))
    }
}

@Test func unknownTargetsAreRefusedWithASuggestion() {
    #expect(throws: MappingError.entry(index: 1, target: "displayname2", .unknownTarget("displayname2", suggestion: "displayName"))) {
        try mapping(.init(target: SCIMPath(attribute: "displayname2"), source: .attribute("displayName")))
    }
    #expect(MappingError.unknownTarget("nickname2", suggestion: "nickName").description
        == "unknown target attribute nickname2 (did you mean nickName?); the README lists the attributes a mapping can set")
}

// MARK: - Values by type

@Test func managerIsMappedAsAReferenceNotAValue() throws {
    let custom = try mapping(.init(target: SCIMUserSchema.manager, source: .attribute("manager")))
    let desired = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "manager": {"id": "boss"}}"#), mapping: custom)
    #expect(desired.createValues[SCIMUserSchema.manager] == nil)
    #expect(desired.createReferences == [SCIMUserSchema.manager: "boss"])
    #expect(desired.updateReferences == [SCIMUserSchema.manager: .some("boss")])

    let onCreate = try mapping(.init(target: SCIMUserSchema.manager, source: .attribute("manager"), apply: .onCreate))
    let once = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x"}"#), mapping: onCreate)
    #expect(once.createReferences.isEmpty && once.updateReferences.isEmpty)
}

@Test func newElementsOfMultiValuedAttributesArePrimaryOnlyWhenAlone() throws {
    let resource = JSONValue.userResource([
        .userName: .string("a@x"),
        SCIMPath(attribute: "phoneNumbers", typeFilter: "work", subAttribute: "value"): .string("+41 61 555 0101"),
        SCIMPath(attribute: "phoneNumbers", typeFilter: "mobile", subAttribute: "value"): .string("+41 79 555 0101"),
        SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "streetAddress"): .string("Rosentalstrasse 2"),
        SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "postalCode"): .string("4058"),
        SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "country"): .string("CH"),
        SCIMPath(schema: enterprise, attribute: "costCenter"): .string("4130"),
        SCIMUserSchema.manager: .string("boss-target-id"),
    ])
    #expect(resource["phoneNumbers"] == .array([
        .object(["primary": .bool(true), "type": .string("mobile"), "value": .string("+41 79 555 0101")]),
        .object(["type": .string("work"), "value": .string("+41 61 555 0101")]),
    ]))
    #expect(resource["addresses"] == .array([.object([
        "primary": .bool(true), "type": .string("work"), "streetAddress": .string("Rosentalstrasse 2"),
        "postalCode": .string("4058"), "country": .string("CH"),
    ])]))
    #expect(resource[enterprise] == .object(["costCenter": .string("4130"), "manager": .object(["value": .string("boss-target-id")])]))
}

@Test func theStoreKeepsTheManagerComplexWhenPatchedWithEntrasBareId() throws {
    let user = JSONValue.object(["userName": .string("a@x")])
    let patched = user.setting(SCIMUserSchema.manager, to: .string("boss"))
    #expect(patched[enterprise] == .object(["manager": .object(["value": .string("boss")])]))
    let bySubAttribute = user.setting(try #require(SCIMPath("\(enterprise):manager.value")), to: .string("boss"))
    #expect(bySubAttribute == patched)
    let target = try #require(TargetUser(resource: patched.setting(SCIMPath(attribute: "id"), to: .string("t1"))))
    #expect(target.value(at: SCIMUserSchema.manager) == .string("boss"))
    let bare = try #require(TargetUser(resource: .object([
        "id": .string("t2"), "userName": .string("b@x"), enterprise: .object(["manager": .string("boss")]),
    ])))
    #expect(bare.value(at: SCIMUserSchema.manager) == .string("boss"))
}

// MARK: - Expression features in mappings

@Test func ignoreFlowIfNullOrEmptyLeavesTheAttributeOutOfCreateAndUpdate() throws {
    let custom = try mapping(.init(target: MappedPath.department, source: try expression("IgnoreFlowIfNullOrEmpty([department])")))
    let empty = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "department": ""}"#), mapping: custom)
    #expect(empty.createValues[MappedPath.department] == nil)
    #expect(empty.updateValues[MappedPath.department] == nil)
    let set = try StageInputs.desired(StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "department": "Sales"}"#), mapping: custom)
    #expect(set.updateValues[MappedPath.department] == .some(.string("Sales")))
}

@Test func guidIsTheSameOnEveryPlanForTheSameUser() throws {
    let custom = try Mapping(entries: [
        .init(target: .externalId, source: try expression("Guid()"), apply: .onCreate, matchingPrecedence: 1),
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 2),
    ])
    let ada = try StageInputs.user(#"{"id": "ada", "userPrincipalName": "ada@x"}"#)
    let first = try StageInputs.desired(ada, mapping: custom).externalId
    #expect(first != nil)
    #expect(try StageInputs.desired(ada, mapping: custom).externalId == first)
    #expect(try StageInputs.desired(StageInputs.user(#"{"id": "bob", "userPrincipalName": "bob@x"}"#), mapping: custom).externalId != first)
}

@Test func severalValuesForOneTargetSkipTheUserWithTheReason() throws {
    let custom = try mapping(.init(target: MappedPath.workEmail, source: .attribute("otherMails")))
    let user = try StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "otherMails": ["a@x", "b@x"]}"#)
    let plan = StageInputs.plan([user], StageInputs.state([]), mapping: custom)
    #expect(plan.actions.map(\.kind) == [.skip])
    #expect(plan.actions[0].reason == .mappingFailed)
    #expect(plan.actions[0].detail == #"test.json: record 1: emails[type eq "work"].value holds one value, the mapping gave 2 (pick one with Item or combine them with Join)"#)
    let one = try StageInputs.user(#"{"id": "u2", "userPrincipalName": "b@x", "otherMails": ["b@x"]}"#)
    #expect(try StageInputs.desired(one, mapping: custom).createValues[MappedPath.workEmail] == .string("b@x"))
}

@Test func anExpressionFailingForOneUserNamesTheTarget() throws {
    let custom = try mapping(.init(target: MappedPath.title, source: try expression("Mid([jobTitle], [start], 3)")))
    let user = try StageInputs.user(#"{"id": "u1", "userPrincipalName": "a@x", "jobTitle": "Analyst", "start": "0"}"#)
    #expect(throws: MappingError.valueFailed(path: "title", reason: "Mid: start must be 1 or more (the first character is 1), got 0")) {
        try Mapper(mapping: custom).map(user)
    }
}

@Test func constantsForBooleansMustBeTrueOrFalse() {
    #expect(throws: MappingError.entry(index: 1, target: "active", .invalidEntry(#"active needs True or False, the constant is "yes""#))) {
        try mapping(.init(target: .active, source: .constant("yes")))
    }
}
