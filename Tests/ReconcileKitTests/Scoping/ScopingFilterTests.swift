import Testing
@testable import ReconcileKit

/// Whether `attribute operator value` is true for the user read from `json`.
private func passes(_ attribute: String, _ op: ScopingOperator, _ value: String? = nil, _ json: String) throws -> Bool {
    try ScopingClause(attribute: attribute, operator: op, value: value).evaluate(StageInputs.user(json)).passed
}

/// The user `{"id": "u1", "<attribute>": <value>}` (value as JSON text), or without it when `nil`.
private func user(_ attribute: String, _ value: String?) -> String {
    value.map { #"{"id": "u1", "\#(attribute)": \#($0)}"# } ?? #"{"id": "u1"}"#
}

// MARK: - Each operator, its false case and null

@Test func equalsIsExactAndCaseSensitive() throws {
    #expect(try passes("department", .equals, "Sales", user("department", #""Sales""#)))
    #expect(try !passes("department", .equals, "Sales", user("department", #""sales""#)))
    #expect(try !passes("department", .equals, "Sales", user("department", #""Sales ""#)))
    // Ordinal, like .NET: a decomposed "é" is not the precomposed one.
    #expect(try !passes("city", .equals, "Gen\u{E8}ve", user("city", "\"Gene\u{300}ve\"")))
    #expect(try !passes("department", .equals, "Sales", user("department", nil)))
    #expect(try !passes("department", .equals, "Sales", user("department", "null")))
}

@Test func notEqualsIsFalseForNull() throws {
    #expect(try passes("department", .notEquals, "Sales", user("department", #""Finance""#)))
    #expect(try passes("department", .notEquals, "Sales", user("department", #""sales""#)))
    #expect(try !passes("department", .notEquals, "Sales", user("department", #""Sales""#)))
    #expect(try !passes("department", .notEquals, "Sales", user("department", nil)))
    #expect(try !passes("department", .notEquals, "Sales", user("department", #""""#)))
}

@Test func includesFindsValueInAttributeCaseSensitively() throws {
    #expect(try passes("department", .includes, "Sales", user("department", #""Sales & Marketing""#)))
    #expect(try !passes("department", .includes, "sales", user("department", #""Sales & Marketing""#)))
    #expect(try !passes("department", .includes, "Sales", user("department", nil)))
}

@Test func ampersandFindsAttributeInValue() throws {
    #expect(try passes("department", .existsIn, "Sales,Finance,Legal", user("department", #""Finance""#)))
    #expect(try !passes("department", .existsIn, "Sales,Finance,Legal", user("department", #""Research""#)))
    #expect(try !passes("department", .existsIn, "Sales,Finance,Legal", user("department", #""finance""#)))
    #expect(try !passes("department", .existsIn, "Sales,Finance,Legal", user("department", nil)))
}

@Test func notAmpersandIsFalseForNull() throws {
    #expect(try passes("department", .notExistsIn, "Sales,Finance", user("department", #""Research""#)))
    #expect(try !passes("department", .notExistsIn, "Sales,Finance", user("department", #""Sales""#)))
    #expect(try !passes("department", .notExistsIn, "Sales,Finance", user("department", nil)))
}

@Test func endsWithIsCaseSensitive() throws {
    #expect(try passes("userPrincipalName", .endsWith, "@contoso.example", user("userPrincipalName", #""ada@contoso.example""#)))
    #expect(try !passes("userPrincipalName", .endsWith, "@contoso.example", user("userPrincipalName", #""ada@CONTOSO.example""#)))
    #expect(try !passes("userPrincipalName", .endsWith, "@contoso.example", user("userPrincipalName", #""contoso.example""#)))
    #expect(try !passes("userPrincipalName", .endsWith, "@contoso.example", user("userPrincipalName", nil)))
}

@Test func greaterThanComparesIntegers() throws {
    #expect(try passes("employeeId", .greaterThan, "1000000", user("employeeId", #""1500000""#)))
    #expect(try passes("employeeId", .greaterThan, "41", user("employeeId", "42")))  // a JSON number
    #expect(try !passes("employeeId", .greaterThan, "1000000", user("employeeId", #""1000000""#)))
    #expect(try !passes("employeeId", .greaterThan, "9", user("employeeId", #""10a""#)))  // not an integer
    #expect(try !passes("employeeId", .greaterThan, "9", user("employeeId", nil)))
}

@Test func greaterThanOrEqualsIncludesEqual() throws {
    #expect(try passes("employeeId", .greaterThanOrEquals, "1000000", user("employeeId", #""1000000""#)))
    #expect(try passes("employeeId", .greaterThanOrEquals, "-5", user("employeeId", #""-5""#)))
    #expect(try !passes("employeeId", .greaterThanOrEquals, "1000000", user("employeeId", #""999999""#)))
    #expect(try !passes("employeeId", .greaterThanOrEquals, "0", user("employeeId", nil)))
}

@Test func isTrueAndIsFalseReadBooleans() throws {
    #expect(try passes("accountEnabled", .isTrue, nil, user("accountEnabled", "true")))
    #expect(try !passes("accountEnabled", .isTrue, nil, user("accountEnabled", "false")))
    #expect(try !passes("accountEnabled", .isTrue, nil, user("accountEnabled", nil)))
    #expect(try passes("accountEnabled", .isFalse, nil, user("accountEnabled", "false")))
    #expect(try !passes("accountEnabled", .isFalse, nil, user("accountEnabled", "true")))
    #expect(try !passes("accountEnabled", .isFalse, nil, user("accountEnabled", "null")))
    // A boolean kept as text (a CSV column that is not ours to convert) reads the same.
    #expect(try passes("directorySynced", .isTrue, nil, user("directorySynced", #""True""#)))
    #expect(try !passes("directorySynced", .isTrue, nil, user("directorySynced", #""Yes""#)))
}

@Test func isNullIsTrueForEveryKindOfNoValue() throws {
    #expect(try passes("jobTitle", .isNull, nil, user("jobTitle", nil)))
    #expect(try passes("jobTitle", .isNull, nil, user("jobTitle", "null")))
    #expect(try passes("jobTitle", .isNull, nil, user("jobTitle", #""""#)))
    #expect(try passes("otherMails", .isNull, nil, user("otherMails", "[]")))
    #expect(try !passes("jobTitle", .isNull, nil, user("jobTitle", #""Analyst""#)))
    #expect(try !passes("otherMails", .isNull, nil, user("otherMails", #"["a@x"]"#)))
}

@Test func isNotNullIsFalseForEveryKindOfNoValue() throws {
    #expect(try passes("jobTitle", .isNotNull, nil, user("jobTitle", #""Analyst""#)))
    #expect(try passes("otherMails", .isNotNull, nil, user("otherMails", #"["a@x"]"#)))
    #expect(try !passes("jobTitle", .isNotNull, nil, user("jobTitle", nil)))
    #expect(try !passes("jobTitle", .isNotNull, nil, user("jobTitle", "null")))
    #expect(try !passes("jobTitle", .isNotNull, nil, user("jobTitle", #""""#)))
}

@Test func regexMatchUsesMicrosoftExamplesUnanchoredAndCaseSensitive() throws {
    // "Common scoping filters" and the REGEX MATCH example of the scoping page.
    #expect(try passes("userPrincipalName", .regexMatch, #".*\@domain.com"#, user("userPrincipalName", #""ada@domain.com""#)))
    #expect(try !passes("userPrincipalName", .regexMatch, #".*\@domain.com"#, user("userPrincipalName", #""ADA@DOMAIN.COM""#)))
    #expect(try passes("employeeId", .regexMatch, "([1-9][0-9])", user("employeeId", #""x42y""#)))
    #expect(try passes("workerID", .regexMatch, "(1[0-9][0-9][0-9][0-9][0-9][0-9])", user("workerID", #""1234567""#)))
    #expect(try !passes("employeeId", .regexMatch, "^[1-9][0-9]$", user("employeeId", #""x42y""#)))
    #expect(try !passes("employeeId", .regexMatch, ".*", user("employeeId", nil)))
}

@Test func notRegexMatchIsFalseForNull() throws {
    #expect(try passes("userPrincipalName", .notRegexMatch, #".*\@domain.com"#, user("userPrincipalName", #""ada@other.com""#)))
    #expect(try !passes("userPrincipalName", .notRegexMatch, #".*\@domain.com"#, user("userPrincipalName", #""ada@domain.com""#)))
    #expect(try !passes("userPrincipalName", .notRegexMatch, #".*\@domain.com"#, user("userPrincipalName", nil)))
    #expect(try !passes("userPrincipalName", .notRegexMatch, #".*\@domain.com"#, user("userPrincipalName", #""""#)))
}

@Test func multiValuedAttributesNeverMatchComparisons() throws {
    #expect(try !passes("otherMails", .equals, "a@x", user("otherMails", #"["a@x"]"#)))
    #expect(try !passes("otherMails", .notEquals, "b@x", user("otherMails", #"["a@x"]"#)))
}

@Test func readsEntraAttributeNamesOfGraphProperties() throws {
    #expect(try passes("objectId", .equals, "u1", user("displayName", #""Ada""#)))
    #expect(try passes("physicalDeliveryOfficeName", .equals, "18/2111", user("officeLocation", #""18/2111""#)))
}

// MARK: - Clauses, filters and scope

@Test func refusesClauseThatIsWrongInItself() {
    #expect(throws: ScopingError.invalidClause("EQUALS needs a value")) {
        try ScopingClause(attribute: "department", operator: .equals, value: nil)
    }
    #expect(throws: ScopingError.invalidClause("IS NULL takes no value")) {
        try ScopingClause(attribute: "department", operator: .isNull, value: "x")
    }
    #expect(throws: ScopingError.invalidClause("Greater_Than compares integers, and \"1e6\" is not one")) {
        try ScopingClause(attribute: "employeeId", operator: .greaterThan, value: "1e6")
    }
    #expect(throws: ScopingError.invalidClause(
        "invalid regular expression \"([a-\" (the syntax is ICU's, which for common patterns is .NET's)")) {
        try ScopingClause(attribute: "department", operator: .regexMatch, value: "([a-")
    }
    #expect(throws: ScopingError.invalidClause("the attribute is empty")) {
        try ScopingClause(attribute: "", operator: .isTrue, value: nil)
    }
}

@Test func readsOperatorNamesInAnySpelling() {
    #expect(ScopingOperator(name: "EQUALS") == .equals)
    #expect(ScopingOperator(name: "not_equals") == .notEquals)
    #expect(ScopingOperator(name: "Greater_Than_OR_EQUALS") == .greaterThanOrEquals)
    #expect(ScopingOperator(name: "greater than") == .greaterThan)
    #expect(ScopingOperator(name: "ENDS WITH") == .endsWith)
    #expect(ScopingOperator(name: "includes") == .includes)
    #expect(ScopingOperator(name: " & ") == .existsIn)
    #expect(ScopingOperator(name: "!&") == .notExistsIn)
    #expect(ScopingOperator(name: "CONTAINS") == nil)
    #expect(ScopingOperator.allCases.count == 14)
}

@Test func clausesOfAFilterAndFiltersOr() throws {
    let research = ScopingFilter(name: "Research staff", clauses: [
        try ScopingClause(attribute: "department", operator: .equals, value: "Research"),
        try ScopingClause(attribute: "userType", operator: .equals, value: "Member"),
    ])
    let finance = ScopingFilter(clauses: [try ScopingClause(attribute: "department", operator: .equals, value: "Finance")])
    let scope = Scope(filters: [research, finance])
    let researcher = try StageInputs.user(#"{"id": "u1", "department": "Research", "userType": "Member"}"#)
    let guest = try StageInputs.user(#"{"id": "u2", "department": "Research", "userType": "Guest"}"#)
    let accountant = try StageInputs.user(#"{"id": "u3", "department": "Finance"}"#)
    #expect(scope.decide(researcher).inScope)
    #expect(!scope.decide(guest).inScope)
    #expect(scope.decide(accountant).inScope)
    #expect(scope.decide(researcher).description == "in scope: passes scoping filter 1 (Research staff)")
    #expect(scope.decide(accountant).description == "in scope: passes scoping filter 2")
    #expect(scope.decide(guest).description == "out of scope: fails every scoping filter (scoping filter 1 (Research "
        + "staff): userType EQUALS \"Member\" is false, found \"Guest\"; scoping filter 2: department EQUALS \"Finance\" "
        + "is false, found \"Research\")")
    #expect(scope.decide(guest).filters[0].description == "scoping filter 1 (Research staff): department EQUALS "
        + "\"Research\": true (found \"Research\"); userType EQUALS \"Member\": false (found \"Guest\")")
}

@Test func everyoneIsInScopeWithoutAssignmentsOrFilters() throws {
    let decision = Scope.everyone.decide(try StageInputs.user(#"{"id": "u1"}"#))
    #expect(decision.inScope)
    #expect(decision.description == "in scope: no assignments or scoping filters")
    #expect(!Scope.everyone.isRestricted)
}
