import Testing
@testable import ReconcileKit

/// The configuration read from `text` as `config.json`.
private func configuration(_ text: String) throws -> Configuration {
    try Configuration.load(JSONReader.parse(text), file: "config.json")
}

/// The message of the error `text` must give.
private func configurationError(_ text: String) throws -> String? {
    let document = try JSONReader.parse(text)
    do {
        _ = try Configuration.load(document, file: "config.json")
        Issue.record("expected a configuration error")
        return nil
    } catch {
        return error.description
    }
}

@Test func readsScopingFiltersAndSkipOutOfScopeDeletions() throws {
    let loaded = try configuration("""
        {"scopingFilters": [
            {"name": "Research staff", "clauses": [
                {"attribute": "department", "operator": "EQUALS", "value": "Research"},
                {"attribute": "accountEnabled", "operator": "IS TRUE"}]},
            {"clauses": [{"attribute": "employeeId", "operator": "Greater_Than", "value": 1000000}]}],
         "skipOutOfScopeDeletions": true}
        """)
    #expect(loaded.scopingFilters == [
        ScopingFilter(name: "Research staff", clauses: [
            try ScopingClause(attribute: "department", operator: .equals, value: "Research"),
            try ScopingClause(attribute: "accountEnabled", operator: .isTrue, value: nil),
        ]),
        ScopingFilter(clauses: [try ScopingClause(attribute: "employeeId", operator: .greaterThan, value: "1000000")]),
    ])
    #expect(loaded.skipOutOfScopeDeletions)
}

@Test func defaultsToNoFiltersAndDisablingOutOfScopeUsers() throws {
    let loaded = try configuration("{}")
    #expect(loaded.scopingFilters.isEmpty)
    #expect(!loaded.skipOutOfScopeDeletions)
}

@Test func refusesInvalidRegexNamingFilterAndClause() throws {
    #expect(try configurationError("""
        {"scopingFilters": [{"clauses": [{"attribute": "a", "operator": "IS NULL"}]},
                            {"clauses": [{"attribute": "mail", "operator": "REGEX MATCH", "value": "([a-"}]}]}
        """) == "config.json: scopingFilters[1].clauses[0]: invalid regular expression \"([a-\" (the syntax is ICU's, "
        + "which for common patterns is .NET's)")
}

@Test func refusesUnknownOperatorListingTheKnownOnes() throws {
    #expect(try configurationError("""
        {"scopingFilters": [{"clauses": [{"attribute": "department", "operator": "CONTAINS", "value": "x"}]}]}
        """) == "config.json: scopingFilters[0].clauses[0].operator: unknown operator \"CONTAINS\" (known: &, !&, "
        + "ENDS_WITH, EQUALS, Greater_Than, Greater_Than_OR_EQUALS, Includes, IS FALSE, IS NOT NULL, IS NULL, IS TRUE, "
        + "NOT EQUALS, NOT REGEX MATCH, REGEX MATCH)")
}

@Test func refusesMissingValueAndValueWhereNoneBelongs() throws {
    #expect(try configurationError("""
        {"scopingFilters": [{"clauses": [{"attribute": "department", "operator": "EQUALS"}]}]}
        """) == "config.json: scopingFilters[0].clauses[0]: EQUALS needs a value")
    #expect(try configurationError("""
        {"scopingFilters": [{"clauses": [{"attribute": "department", "operator": "IS NOT NULL", "value": "x"}]}]}
        """) == "config.json: scopingFilters[0].clauses[0]: IS NOT NULL takes no value")
    #expect(try configurationError("""
        {"scopingFilters": [{"clauses": [{"attribute": "department", "operator": "EQUALS", "value": true}]}]}
        """) == "config.json: scopingFilters[0].clauses[0].value: expected a string or a number, found true")
}

@Test func refusesNonIntegerForGreaterThan() throws {
    #expect(try configurationError("""
        {"scopingFilters": [{"clauses": [{"attribute": "employeeId", "operator": "Greater_Than_OR_EQUALS", "value": "ten"}]}]}
        """) == "config.json: scopingFilters[0].clauses[0]: Greater_Than_OR_EQUALS compares integers, and \"ten\" is not one")
}

@Test func refusesFilterWithoutClausesAndMisspeltKeys() throws {
    #expect(try configurationError(#"{"scopingFilters": [{"name": "x", "clauses": []}]}"#)
        == "config.json: scopingFilters[0].clauses: a filter needs at least one clause")
    #expect(try configurationError(#"{"scopingFilters": [{"clause": []}]}"#)
        == "config.json: scopingFilters[0].clause: unknown key (known: clauses, name)")
    #expect(try configurationError(#"{"scopingFilters": [{"clauses": [{"attr": "a", "operator": "IS NULL"}]}]}"#)
        == "config.json: scopingFilters[0].clauses[0].attr: unknown key (known: attribute, operator, value)")
    #expect(try configurationError(#"{"scopingFilters": {"clauses": []}}"#)
        == "config.json: scopingFilters: expected an array, found an object")
}

@Test func refusesSkipOutOfScopeDeletionsThatIsNotBoolean() throws {
    #expect(try configurationError(#"{"skipOutOfScopeDeletions": "True"}"#)
        == "config.json: skipOutOfScopeDeletions: expected true or false, found a string \"True\"")
}
