import Testing
@testable import ReconcileKit

/// The configuration's `mapping` from JSON text, as `--config` reads it.
private func load(_ mapping: String) throws -> Configuration {
    try Configuration.load(JSONReader.parse(#"{"mapping": "# + mapping + "}"), file: "config.json")
}

/// The message loading `mapping` fails with.
private func loadError(_ mapping: String) -> String? {
    do {
        let configuration = try load(mapping)
        Issue.record("expected an error, loaded \(configuration.mapping.entries.count) entries")
        return nil
    } catch {
        return "\(error)"
    }
}

/// Entries that make a valid table, put before the entry under test.
private let identity = #"{"target": "externalId", "source": "id", "matchingPrecedence": 1}, {"target": "userName", "source": "userPrincipalName", "matchingPrecedence": 2}"#

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// MARK: - Loading

@Test func loadsEveryKindOfEntry() throws {
    let configuration = try load(#"""
        [\#(identity),
         {"target": "active", "expression": "Not([IsSoftDeleted])"},
         {"target": "title", "source": "jobTitle", "apply": "onCreate"},
         {"target": "\#(enterprise):organization", "constant": "Contoso Pharma"},
         {"target": "\#(enterprise):department", "source": "department", "defaultIfNull": "Unassigned"},
         {"target": "phoneNumbers[type eq \"mobile\"].value", "source": "mobilePhone"},
         {"target": "\#(enterprise):manager", "source": "manager"}]
        """#)
    let entries = configuration.mapping.entries
    #expect(entries.count == 8)
    #expect(configuration.mapping.matchingPaths == [.externalId, .userName])
    #expect(entries[2] == AttributeMapping(target: .active, source: .expression(.call("Not", [.attribute("IsSoftDeleted")]))))
    #expect(entries[3] == AttributeMapping(target: MappedPath.title, source: .attribute("jobTitle"), apply: .onCreate))
    #expect(entries[4] == AttributeMapping(target: MappedPath.organization, source: .constant("Contoso Pharma")))
    #expect(entries[5] == AttributeMapping(target: MappedPath.department, source: .attribute("department"), defaultIfNull: "Unassigned"))
    #expect(entries[6].target == SCIMPath(attribute: "phoneNumbers", typeFilter: "mobile", subAttribute: "value"))
    #expect(entries[7].target == SCIMUserSchema.manager)
}

@Test func writesTargetsInTheirCanonicalSpelling() throws {
    let configuration = try load(#"[\#(identity), {"target": "emails[type eq \"Work\"].Value", "source": "mail"}, {"target": "urn:ietf:params:scim:schemas:core:2.0:User:DisplayName", "source": "displayName"}, {"target": "\#(enterprise):manager.value", "source": "manager"}]"#)
    #expect(configuration.mapping.entries.dropFirst(2).map(\.target.description)
        == [#"emails[type eq "work"].value"#, "displayName", "\(enterprise):manager"])
}

@Test func acceptsJSONBooleansAndNumbersAsConstants() throws {
    let configuration = try load(#"[\#(identity), {"target": "active", "constant": true}, {"target": "\#(enterprise):costCenter", "constant": 4130, "apply": "ONCREATE"}]"#)
    #expect(configuration.mapping.entries[2].source == .constant("True"))
    #expect(configuration.mapping.entries[3] == AttributeMapping(
        target: SCIMPath(schema: enterprise, attribute: "costCenter"), source: .constant("4130"), apply: .onCreate))
}

@Test func theDefaultMappingRoundTripsThroughTheConfigurationShape() throws {
    let text = JSONWriter.write(Mapping.uiPath.configurationJSON, pretty: true)
    let configuration = try Configuration.load(JSONReader.parse(text), file: "default.json")
    #expect(configuration.mapping == .uiPath)
}

@Test func theSampleCustomMappingLoads() throws {
    let configuration = try Configuration.load(path: TestSupport.sample("config/uipath-custom.json"))
    #expect(configuration.mapping.matchingPaths == [.externalId, .userName])
    #expect(configuration.mapping.entries.contains { $0.target == SCIMUserSchema.manager })
    #expect(configuration.mapping.entries.contains { $0.apply == .onCreate })
    #expect(configuration.mapping.entries.contains { $0.defaultIfNull != nil })
}

// MARK: - Errors name the entry

@Test func refusesAMappingThatIsNotAListOrIsEmpty() {
    #expect(loadError(#"{"title": "jobTitle"}"#) == "config.json: mapping: expected an array, found an object")
    #expect(loadError("[]") == "config.json: mapping: the mapping is empty; leave the key out to use the default UiPath mapping")
}

@Test func refusesEntriesThatAreNotObjectsOrHaveUnknownKeys() {
    #expect(loadError(#"[\#(identity), "title"]"#)
        == #"config.json: mapping[2]: expected an object such as {"target": "title", "source": "jobTitle"}, found a string "title""#)
    #expect(loadError(#"[\#(identity), {"target": "title", "sourc": "jobTitle"}]"#)
        == #"config.json: mapping[2] (target title): unknown key "sourc" (known: apply, constant, defaultIfNull, expression, matchingPrecedence, source, target)"#)
}

@Test func refusesEntriesWithoutATargetOrWithABadOne() {
    #expect(loadError(#"[\#(identity), {"source": "jobTitle"}]"#)
        == #"config.json: mapping[2]: no "target": name the SCIM attribute the entry sets, such as "title""#)
    #expect(loadError(#"[\#(identity), {"target": "job title", "source": "jobTitle"}]"#)
        == #"config.json: mapping[2] (target job title): "job title" is not an attribute path; write it as displayName, name.givenName, emails[type eq "work"].value or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"#)
    #expect(loadError(#"[\#(identity), {"target": "titel", "source": "jobTitle"}]"#)
        == "config.json: mapping[2] (target titel): unknown target attribute titel (did you mean title?); the README lists the attributes a mapping can set")
    #expect(loadError(#"[\#(identity), {"target": "department", "source": "department"}]"#)
        == "config.json: mapping[2] (target department): unknown target attribute department (did you mean \(enterprise):department?); the README lists the attributes a mapping can set")
    #expect(loadError(#"[\#(identity), {"target": "emails[type eq \"wrok\"].value", "source": "mail"}]"#)
        == #"config.json: mapping[2] (target emails[type eq "wrok"].value): unknown target attribute emails[type eq "wrok"].value (did you mean emails[type eq "work"].value?); the README lists the attributes a mapping can set"#)
    #expect(loadError(#"[\#(identity), {"target": "id", "source": "id"}]"#)
        == "config.json: mapping[2] (target id): id is assigned by the SCIM service and cannot be mapped (map externalId instead)")
}

@Test func refusesEntriesWithoutExactlyOneSource() {
    #expect(loadError(#"[\#(identity), {"target": "title"}]"#)
        == #"config.json: mapping[2] (target title): give one of "source" (a directory attribute), "constant" or "expression""#)
    #expect(loadError(#"[\#(identity), {"target": "title", "source": "jobTitle", "constant": "Staff"}]"#)
        == #"config.json: mapping[2] (target title): give only one of "source", "constant" and "expression" (found source and constant)"#)
}

@Test func refusesAnExpressionThatDoesNotParseWithItsColumn() {
    #expect(loadError(#"[\#(identity), {"target": "title", "expression": "Switch([jobTitle] \"a\", \"b\")"}]"#)
        == #"config.json: mapping[2] (target title): expression column 19: expected "," or ")" after argument 1 of Switch, found '"a", "b")'"#)
    #expect(loadError(#"[\#(identity), {"target": "title", "expression": "ToUpper(Lef([jobTitle], 3))"}]"#)
        == "config.json: mapping[2] (target title): expression column 9: unknown function Lef (did you mean Left?)")
}

@Test func refusesTwoEntriesForOneTargetAndSharedPrecedences() {
    #expect(loadError(#"[\#(identity), {"target": "title", "source": "jobTitle"}, {"target": "Title", "constant": "Staff"}]"#)
        == "config.json: mapping[3] (target Title): mapping[2] already targets title")
    #expect(loadError(#"[\#(identity), {"target": "emails[type eq \"work\"].value", "source": "mail", "matchingPrecedence": 2}]"#)
        == #"config.json: mapping[2] (target emails[type eq "work"].value): matchingPrecedence 2 is already used by mapping[1]; give each matching attribute its own"#)
}

@Test func refusesBadApplyAndPrecedenceValues() {
    #expect(loadError(#"[\#(identity), {"target": "title", "source": "jobTitle", "apply": "sometimes"}]"#)
        == #"config.json: mapping[2] (target title): apply must be always or onCreate, not "sometimes""#)
    #expect(loadError(#"[\#(identity), {"target": "title", "source": "jobTitle", "matchingPrecedence": 0}]"#)
        == "config.json: mapping[2] (target title).matchingPrecedence: expected a whole number from 1 up, found the number 0")
}

@Test func refusesValuesThatDoNotSuitTheTargetsType() {
    #expect(loadError(#"[\#(identity), {"target": "active", "constant": "yes"}]"#)
        == #"config.json: mapping[2] (target active): active needs True or False, the constant is "yes""#)
    #expect(loadError(#"[\#(identity), {"target": "active", "source": "IsSoftDeleted"}]"#)
        == #"config.json: mapping[2] (target active): IsSoftDeleted is True when the user is deleted; map active from Not([IsSoftDeleted]) or Switch([IsSoftDeleted], , "False", "True", "True", "False")"#)
    #expect(loadError(#"[\#(identity), {"target": "active", "source": "accountEnabled", "matchingPrecedence": 3}]"#)
        == "config.json: mapping[2] (target active): active cannot be a matching attribute; match on a string attribute such as externalId or userName")
    #expect(loadError(#"[\#(identity), {"target": "\#(enterprise):manager", "expression": "Coalesce([manager], [sponsor])"}]"#)
        == "config.json: mapping[2] (target \(enterprise):manager): \(enterprise):manager is a reference to another user: map it directly from a source attribute (manager), not from a constant or expression")
    #expect(loadError(#"[\#(identity), {"target": "title", "source": "jobTitle", "defaultIfNull": ""}]"#)
        == "config.json: mapping[2] (target title): defaultIfNull is empty; leave it out for no default")
}

@Test func refusesATableWithoutUserNameOrMatchingAttribute() {
    #expect(loadError(#"[{"target": "externalId", "source": "id", "matchingPrecedence": 1}]"#)
        == "config.json: mapping: no mapping entry targets userName, which every SCIM User needs (RFC 7643 §4.1.1)")
    #expect(loadError(#"[{"target": "userName", "source": "userPrincipalName"}]"#)
        == "config.json: mapping: no mapping entry is a matching attribute (give one a matchingPrecedence)")
}
