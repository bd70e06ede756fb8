import Testing
@testable import ReconcileKit

/// The message of the error parsing `text` gives, or a recorded issue when it parses.
private func parseError(_ text: String) -> String? {
    do {
        let expression = try ExpressionParser.parse(text)
        Issue.record("expected an error, parsed \(expression)")
        return nil
    } catch {
        return error.description
    }
}

// MARK: - What parses

@Test func parsesTheUiPathActiveExpressionWithItsEmptyArgument() throws {
    let parsed = try ExpressionParser.parse(#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#)
    #expect(parsed == Mapping.uiPath.entries[2].source.expressionValue)
    #expect(parsed.description == #"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#)
}

@Test func parsesNestedCallsAndKeepsTheirArgumentsInOrder() throws {
    let parsed = try ExpressionParser.parse(
        #"ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))"#)
    #expect(parsed == .call("ToLower", [.call("Join", [
        .literal("@"),
        .call("NormalizeDiacritics", [.call("StripSpaces", [.call("Join", [
            .literal("."), .attribute("PreferredFirstName"), .attribute("PreferredLastName"),
        ])])]),
        .literal("contoso.com"),
    ])]))
    #expect(parsed.attributes == ["PreferredFirstName", "PreferredLastName"])
}

@Test func readsBackslashEscapesInStrings() throws {
    // Microsoft's example: "Company name: \"Contoso\"" is the text Company name: "Contoso".
    #expect(try ExpressionParser.parse(#"Append("Company name: \"Contoso\"", " \\ ")"#)
        == .call("Append", [.literal(#"Company name: "Contoso""#), .literal(#" \ "#)]))
    #expect(try ExpressionParser.parse(#"Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${phoneNumber}", , )"#)
        == .call("Replace", [.attribute("telephoneNumber"), .empty, .literal(#"\+(?<isdCode>\d* )(?<phoneNumber>\d{10})"#),
                             .empty, .literal("${phoneNumber}"), .empty, .empty]))
}

@Test func readsEveryEmptyArgumentIncludingTrailingOnes() throws {
    let parsed = try ExpressionParser.parse(#"Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )"#)
    #expect(parsed == .call("Replace", [.attribute("BusinessTitle"), .literal("Product Developer"), .empty, .empty,
                                        .literal("Software Engineer"), .empty, .empty]))
    #expect(try ExpressionParser.parse("Guid()") == .call("Guid", []))
}

@Test func readsNumbersHexadecimalAndConstantNames() throws {
    #expect(try ExpressionParser.parse("BitAnd(&HF, &HF7)") == .call("BitAnd", [.number("&HF"), .number("&HF7")]))
    #expect(try ExpressionParser.parse(#"DateAdd("d", -10, CDate([StatusHireDate]))"#)
        == .call("DateAdd", [.literal("d"), .number("-10"), .call("CDate", [.attribute("StatusHireDate")])]))
    #expect(try ExpressionParser.parse(#"InStr("repEated","e",3,vbBinaryCompare)"#)
        == .call("InStr", [.literal("repEated"), .literal("e"), .number("3"), .name("vbBinaryCompare")]))
}

@Test func readsComparisonsInConditions() throws {
    #expect(try ExpressionParser.parse(#"IIF([country]="USA",[country],[department])"#)
        == .call("IIF", [.comparison(.attribute("country"), .equal, .literal("USA")), .attribute("country"), .attribute("department")]))
    for op in Expression.ComparisonOperator.allCases {
        let parsed = try ExpressionParser.parse("IIF([a] \(op.rawValue) [b], \"x\", \"y\")")
        #expect(parsed == .call("IIF", [.comparison(.attribute("a"), op, .attribute("b")), .literal("x"), .literal("y")]))
    }
}

@Test func acceptsFunctionNamesInAnyCaseAndWritesThemAsGiven() throws {
    let parsed = try ExpressionParser.parse(#"switch([dept], "x", "a", "b")"#)
    #expect(parsed.description == #"switch([dept], "x", "a", "b")"#)
}

// MARK: - Errors, with the column

@Test func reportsAMissingCommaAtItsColumn() {
    #expect(parseError(#"Switch([dept] "a", "b")"#)
        == #"expression column 15: expected "," or ")" after argument 1 of Switch, found '"a", "b")'"#)
}

@Test func reportsUnclosedCallsStringsAndAttributes() {
    #expect(parseError(#"Append([mail], "x""#) == "expression column 7: Append( is never closed: add )")
    #expect(parseError(#"Append([mail], "x)"#) == #"expression column 16: the string is never closed: add ""#)
    #expect(parseError("Append([mail, \"x\")") == #"expression column 8: the attribute name is never closed: add ]"#)
    #expect(parseError("Append([], \"x\")") == "expression column 8: the attribute name is empty")
}

@Test func reportsUnknownFunctionsWithASuggestionAtTheirColumn() {
    #expect(parseError(#"ToLower(Apend([mail], "x"))"#) == "expression column 9: unknown function Apend (did you mean Append?)")
    #expect(parseError("Frobnicate([mail])") == "expression column 1: unknown function Frobnicate")
}

@Test func explainsWhyNonDeterministicFunctionsAreNotAvailable() {
    #expect(parseError(#"DateDiff("d", Now(), CDate([StatusHireDate]))"#)
        == "expression column 15: Now is not available: its value changes on every run, so plans would not be reproducible")
    #expect(parseError("RandomString(6,3,0,0,3)")
        == "expression column 1: RandomString is not available: a random value would change on every run, and one derived from the user would be guessable")
}

@Test func reportsWrongArgumentCountsAndLiteralArguments() {
    #expect(parseError("Left([mail])") == "expression column 1: Left: takes 2 arguments, got 1")
    #expect(parseError(#"Switch([dept], "x", "a")"#) == "expression column 1: Switch: keys and values must come in pairs")
    #expect(parseError(#"Mid([givenName], 0, 3)"#) == "expression column 1: Mid: start must be 1 or more (the first character is 1), got 0")
    #expect(parseError(#"Left([mail], "three")"#) == #"expression column 1: Left: NumChars must be a whole number, got "three""#)
    #expect(parseError(#"DateAdd("days", 7, CDate([StatusHireDate]))"#)
        == #"expression column 1: DateAdd: interval must be one of yyyy, m, d, ww, h, n, s, got "days""#)
    #expect(parseError(#"Replace([mail], , "(unclosed", , "", , )"#)
        == #"expression column 1: Replace: regexPattern "(unclosed" is not a valid regular expression (expected ')')"#)
    #expect(parseError(#"Replace([mail], "@contoso.com")"#)
        == "expression column 1: Replace: oldValue needs a replacementValue (argument 5) or a template (argument 7)")
    #expect(parseError(#"FormatDateTime([d], , "yyyy-MM-dd'", "yyyy")"#)
        == #"expression column 1: FormatDateTime: inputFormat "yyyy-MM-dd'": the quoted text starting at position 11 is never closed"#)
}

@Test func reportsBareWordsAndUnknownEscapes() {
    #expect(parseError("Append(mail, \"x\")")
        == #"expression column 8: unknown name mail: put attributes in brackets ([mail]) and text in quotes ("mail")"#)
    #expect(parseError(#"Replace([m], , "\d+", , "", , )"#)
        == #"expression column 17: unknown escape \d: inside a string, write \\ for a backslash and \" for a quote"#)
}

@Test func reportsTrailingTextAndEmptyExpressions() {
    #expect(parseError(#"Append([mail], "x") "y""#) == #"expression column 21: unexpected '"y"' after the end of the expression"#)
    #expect(parseError("   ") == "expression column 1: the expression is empty")
    #expect(parseError("IIF([a] = , \"x\", \"y\")") == "expression column 9: = needs a value on its right")
    #expect(parseError("IIF([a] = [b] = [c], \"x\", \"y\")")
        == "expression column 9: only one comparison is allowed here; nest IIF calls to combine conditions")
}

@Test func allowsIgnoreFlowIfNullOrEmptyOnlyOutermost() throws {
    #expect(try ExpressionParser.parse("IgnoreFlowIfNullOrEmpty([department])") == .call("IgnoreFlowIfNullOrEmpty", [.attribute("department")]))
    #expect(parseError("ToLower(IgnoreFlowIfNullOrEmpty([department]))")
        == "expression column 9: IgnoreFlowIfNullOrEmpty must be the outermost function of the expression")
}

@Test func refusesExpressionsLongerThanEntrasLimit() {
    let long = "Append([mail], \"" + String(repeating: "x", count: 10_000) + "\")"
    #expect(parseError(long) == "expression column 10001: the expression is longer than Entra's limit of 10000 characters")
}

extension AttributeMapping.Source {
    /// The expression of an expression source (for comparisons in tests).
    var expressionValue: Expression? {
        if case .expression(let expression) = self { return expression }
        return nil
    }
}
