import Testing
@testable import ReconcileKit

private let enterprise = SCIMPath.enterpriseSchema

/// A UiPath-style User as a SCIM server returns it.
private let storedUser = """
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "\(enterprise)"],
      "id": "t1", "externalId": "u1", "userName": "ada@contoso.example", "active": true, "displayName": "Ada Lovelace",
      "name": {"givenName": "Ada", "familyName": "Lovelace"},
      "emails": [{"type": "work", "value": "ada@contoso.example", "primary": true},
                 {"type": "home", "value": "ada@home.example"}],
      "addresses": [{"type": "work", "locality": "London", "country": "GB"}],
      "\(enterprise)": {"department": "Research"},
      "meta": {"resourceType": "User", "version": "W/\\"3\\""}
    }
    """

private func resource(_ json: String) throws -> JSONValue {
    try JSONReader.parse(json)
}

// MARK: - Reading

@Test func readsValueAtEveryPathShape() throws {
    let user = try resource(storedUser)
    #expect(user.value(at: .userName) == .string("ada@contoso.example"))
    #expect(user.value(at: .active) == .bool(true))
    #expect(user.value(at: MappedPath.givenName) == .string("Ada"))
    #expect(user.value(at: MappedPath.workEmail) == .string("ada@contoso.example"))
    #expect(user.value(at: SCIMPath(attribute: "emails", typeFilter: "home", subAttribute: "value")) == .string("ada@home.example"))
    #expect(user.value(at: MappedPath.workLocality) == .string("London"))
    #expect(user.value(at: MappedPath.department) == .string("Research"))
}

@Test func readsNoValueWhereResourceHasNone() throws {
    let user = try resource(storedUser)
    #expect(user.value(at: MappedPath.title) == nil)
    #expect(user.value(at: MappedPath.organization) == nil)
    #expect(user.value(at: SCIMPath(attribute: "emails", typeFilter: "other", subAttribute: "value")) == nil)
    #expect(user.value(at: SCIMPath(attribute: "name", subAttribute: "middleName")) == nil)
    let bare = try resource(#"{"id": "t2", "userName": "b@x"}"#)
    #expect(bare.value(at: MappedPath.department) == nil)
    #expect(bare.value(at: MappedPath.workEmail) == nil)
}

@Test func looksUpMembersAndTypesCaseInsensitively() throws {
    let user = try resource("""
        {"ID": "t1", "UserName": "ada@contoso.example", "Name": {"GivenName": "Ada"},
         "Emails": [{"Type": "Work", "Value": "ada@contoso.example"}],
         "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": {"Department": "Research"}}
        """)
    #expect(user.member("userName") == .string("ada@contoso.example"))
    #expect(user.member("USERNAME") == .string("ada@contoso.example"))
    #expect(user.value(at: MappedPath.givenName) == .string("Ada"))
    #expect(user.value(at: MappedPath.workEmail) == .string("ada@contoso.example"))
    #expect(user.value(at: MappedPath.department) == .string("Research"))
    #expect(user.member("nickName") == nil)
    #expect(JSONValue.string("x").member("userName") == nil)
}

@Test func prefersExactMemberSpelling() throws {
    let value = try resource(#"{"userName": "exact", "USERNAME": "other"}"#)
    #expect(value.member("userName") == .string("exact"))
}

@Test func targetUserReadsIdentityStateAndVersion() throws {
    let user = try StageInputs.target(storedUser)
    #expect(user.id == "t1")
    #expect(user.externalId == "u1")
    #expect(user.userName == "ada@contoso.example")
    #expect(user.active)
    #expect(user.version == "W/\"3\"")
    #expect(user.value(at: MappedPath.workEmail) == .string("ada@contoso.example"))
    #expect(TargetUser(resource: try resource(#"{"id": "t1"}"#)) == nil)
    let minimal = try StageInputs.target(#"{"id": "t2", "userName": "b@x"}"#)
    #expect(minimal.active && minimal.version == "" && minimal.externalId == nil)
}

// MARK: - Writing

@Test func settingTypedValueOnEmptyResourceCreatesPrimaryElement() throws {
    let user = try resource(#"{"id": "t1"}"#).setting(MappedPath.workEmail, to: .string("ada@contoso.example"))
    #expect(user == .object([
        "id": .string("t1"),
        "emails": .array([.object(["type": .string("work"), "value": .string("ada@contoso.example"), "primary": .bool(true)])]),
    ]))
}

@Test func settingSecondTypeAddsElementWithoutPrimary() throws {
    let user = try resource(#"{"emails": [{"type": "work", "value": "ada@contoso.example", "primary": true}]}"#)
        .setting(SCIMPath(attribute: "emails", typeFilter: "home", subAttribute: "value"), to: .string("ada@home.example"))
    #expect(user["emails"] == .array([
        .object(["type": .string("work"), "value": .string("ada@contoso.example"), "primary": .bool(true)]),
        .object(["type": .string("home"), "value": .string("ada@home.example")]),
    ]))
}

@Test func settingTypedValueReplacesItInPlace() throws {
    let user = try resource(storedUser).setting(MappedPath.workLocality, to: .string("Paris"))
    #expect(user["addresses"] == .array([
        .object(["type": .string("work"), "locality": .string("Paris"), "country": .string("GB")]),
    ]))
}

@Test func removingLastSubAttributeRemovesTheElement() throws {
    let user = try resource(storedUser).setting(MappedPath.workEmail, to: nil)
    #expect(user["emails"] == .array([.object(["type": .string("home"), "value": .string("ada@home.example")])]))
    let noEmails = user.setting(SCIMPath(attribute: "emails", typeFilter: "home", subAttribute: "value"), to: nil)
    #expect(noEmails["emails"] == nil)
}

@Test func removingSubAttributeKeepsElementWithOtherValues() throws {
    let user = try resource(storedUser).setting(MappedPath.workLocality, to: nil)
    #expect(user["addresses"] == .array([.object(["type": .string("work"), "country": .string("GB")])]))
}

@Test func removingAbsentTypedValueChangesNothing() throws {
    let user = try resource(storedUser)
    #expect(user.setting(SCIMPath(attribute: "emails", typeFilter: "other", subAttribute: "value"), to: nil) == user)
}

@Test func settingComplexSubAttributeCreatesAndRemovesContainer() throws {
    let named = try resource(#"{"id": "t1"}"#).setting(MappedPath.familyName, to: .string("Lovelace"))
    #expect(named["name"] == .object(["familyName": .string("Lovelace")]))
    #expect(named.setting(MappedPath.familyName, to: nil) == .object(["id": .string("t1")]))
}

@Test func settingEnterpriseAttributeAddsSchemaURN() throws {
    let core = try resource(#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "t1"}"#)
    let user = core.setting(MappedPath.organization, to: .string("Contoso"))
    #expect(user == .object([
        "schemas": .array([.string(SCIMPath.coreSchema), .string(enterprise)]),
        "id": .string("t1"),
        enterprise: .object(["organization": .string("Contoso")]),
    ]))
    let both = user.setting(MappedPath.department, to: .string("Research"))
    #expect(both["schemas"] == .array([.string(SCIMPath.coreSchema), .string(enterprise)]))
    #expect(both[enterprise] == .object(["organization": .string("Contoso"), "department": .string("Research")]))
}

@Test func removingLastEnterpriseAttributeRemovesExtensionAndSchemaURN() throws {
    let user = try resource(storedUser).setting(MappedPath.department, to: nil)
    #expect(user[enterprise] == nil)
    #expect(user["schemas"] == .array([.string(SCIMPath.coreSchema)]))
}

@Test func removingAbsentEnterpriseValueChangesNothing() throws {
    let bare = try resource(#"{"id": "t1", "userName": "a@x"}"#)
    #expect(bare.setting(MappedPath.department, to: nil) == bare)
    let core = try resource(#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "t1"}"#)
    #expect(core.setting(MappedPath.department, to: nil) == core)
}

@Test func settingKeepsTheResourcesOwnSpellingOfNames() throws {
    let user = try resource("""
        {"Schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER"],
         "UserName": "old@x", "Name": {"GivenName": "Ada"},
         "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": {"Department": "Research"}}
        """)
        .setting(.userName, to: .string("new@x"))
        .setting(MappedPath.givenName, to: .string("Augusta"))
        .setting(MappedPath.department, to: .string("Sales"))
    #expect(user == .object([
        "Schemas": .array([.string(SCIMPath.coreSchema), .string("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER")]),
        "UserName": .string("new@x"),
        "Name": .object(["GivenName": .string("Augusta")]),
        "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": .object(["Department": .string("Sales")]),
    ]))
}

@Test func settingSimpleValueToNilRemovesIt() throws {
    let user = try resource(storedUser).setting(MappedPath.displayName, to: nil)
    #expect(user["displayName"] == nil)
    #expect(user.setting(MappedPath.displayName, to: .string("Ada")).value(at: MappedPath.displayName) == .string("Ada"))
}

@Test func buildsNewUserResourceFromMappedValues() {
    let resource = JSONValue.userResource([
        .userName: .string("ada@contoso.example"), .active: .bool(true),
        MappedPath.workEmail: .string("ada@contoso.example"), MappedPath.department: .string("Research"),
    ])
    #expect(resource == .object([
        "schemas": .array([.string(SCIMPath.coreSchema), .string(enterprise)]),
        "userName": .string("ada@contoso.example"),
        "active": .bool(true),
        "emails": .array([.object(["type": .string("work"), "value": .string("ada@contoso.example"), "primary": .bool(true)])]),
        enterprise: .object(["department": .string("Research")]),
    ]))
}

@Test(arguments: [
    ("userName", "USERNAME", true), ("userName", "username", true), ("emails", "Emails", true), ("type", "TYPE", true),
    ("id", "ids", false), ("ids", "id", false), ("", "", true), ("a", "", false),
    // Neighbours of the ASCII letters fold to nothing: '@' and '[' around 'A'...'Z', '`' and '{' around 'a'...'z'.
    ("@", "`", false), ("[", "{", false), ("a@", "A`", false),
    // Non-ASCII names compare as their lowercased forms do, the Kelvin sign K as k included.
    ("\u{212A}ey", "key", true), ("ZOË", "zoë", true), ("ZOË", "zoe", false), ("İd", "i\u{307}d", true), ("Straße", "STRASSE", false),
])
func sameNameIsLowercasedEquality(a: String, b: String, same: Bool) {
    #expect(JSONValue.sameName(a, b) == same)
    #expect(JSONValue.sameName(b, a) == same)
    #expect((a.lowercased() == b.lowercased()) == same)
}

@Test func settingInPlaceEqualsSettingACopyAndLeavesTheOriginal() throws {
    let original = try resource(storedUser)
    let paths: [(SCIMPath, JSONValue?)] = [
        (SCIMPath(attribute: "ID"), .string("t2")),
        (SCIMPath(attribute: "emails", typeFilter: "WORK", subAttribute: "value"), .string("ada@example.org")),
        (SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "locality"), nil),
        (SCIMPath(attribute: "name", subAttribute: "familyName"), nil),
        (SCIMPath(attribute: "name", subAttribute: "givenName"), nil),
        (SCIMPath(schema: enterprise, attribute: "department"), nil),
        (SCIMPath(schema: enterprise, attribute: "manager"), .string("boss")),
    ]
    var inPlace = original
    var copied = original
    for (path, value) in paths {
        inPlace.set(path, to: value)
        copied = copied.setting(path, to: value)
        #expect(inPlace == copied)
    }
    #expect(original == (try resource(storedUser)))
    #expect(inPlace.member("id") == .string("t2"))
    #expect(inPlace.member("name") == nil)
    #expect(inPlace.member("addresses") == .array([.object(["type": .string("work"), "country": .string("GB")])]))
    #expect(inPlace.value(at: SCIMPath(schema: enterprise, attribute: "manager")) == .object(["value": .string("boss")]))
}
