import Foundation
import Testing
@testable import ReconcileKit

/// Parses `text`, which must fail, and returns the error's `line:column: message`.
private func failure(_ text: String) -> String? {
    failure(Array(text.utf8))
}

private func failure(_ bytes: [UInt8]) -> String? {
    do {
        let value = try JSONReader.parse(bytes)
        Issue.record("expected an error, parsed \(value)")
        return nil
    } catch {
        return error.description
    }
}

// MARK: - Values

@Test func parsesEveryValueKind() throws {
    let value = try JSONReader.parse(#"{"s":"x","n":-1.5e+3,"t":true,"f":false,"z":null,"a":[1,"2"],"o":{"k":[]}}"#)
    #expect(value == .object([
        "s": .string("x"),
        "n": .number("-1.5e+3"),
        "t": .bool(true),
        "f": .bool(false),
        "z": .null,
        "a": .array([.number("1"), .string("2")]),
        "o": .object(["k": .array([])]),
    ]))
}

@Test func acceptsAnyValueAtTopLevel() throws {
    #expect(try JSONReader.parse("null") == .null)
    #expect(try JSONReader.parse(" true ") == .bool(true))
    #expect(try JSONReader.parse("42") == .number("42"))
    #expect(try JSONReader.parse(#""hi""#) == .string("hi"))
    #expect(try JSONReader.parse("[]") == .array([]))
    #expect(try JSONReader.parse("{}") == .object([:]))
}

@Test func keepsNumberTextAsWritten() throws {
    let value = try JSONReader.parse("[0, -0, 1.0, 1E10, 2e-3, 12345678901234567890123, 0.5E+07]")
    #expect(value.arrayValue == ["0", "-0", "1.0", "1E10", "2e-3", "12345678901234567890123", "0.5E+07"].map(JSONValue.number))
}

@Test func acceptsAllJSONWhitespaceBetweenTokens() throws {
    let value = try JSONReader.parse(" \t\r\n{ \"a\" :\r\n [ 1 ,\t2 ] }\n")
    #expect(value == .object(["a": .array([.number("1"), .number("2")])]))
}

@Test func decodesEverySimpleEscape() throws {
    let value = try JSONReader.parse(#""q\"b\\s\/b\bf\fn\nr\rt\tA\u0041z\u0000""#)
    #expect(value == .string("q\"b\\s/b\u{08}f\u{0C}n\nr\rt\tAAz\u{0}"))
}

@Test func decodesUnicodeEscapesForAccentedNames() throws {
    #expect(try JSONReader.parse(#""Zo\u00eb N\u00fa\u00f1ez""#) == .string("Zoë Núñez"))
    #expect(try JSONReader.parse(#""\u65E5\u672c""#) == .string("日本"))
}

@Test func decodesSurrogatePairIntoOneScalar() throws {
    let value = try JSONReader.parse(#""smile \ud83d\ude00 \uD834\uDD1E""#)
    #expect(value == .string("smile 😀 𝄞"))
    #expect(value.stringValue?.unicodeScalars.count == 9)
}

@Test func keepsRawUTF8InStrings() throws {
    #expect(try JSONReader.parse(#"{"名前": "Zoë Núñez 😀"}"#) == .object(["名前": .string("Zoë Núñez 😀")]))
}

@Test func readsLongStringsWithEscapesAfterPlainRuns() throws {
    let plain = String(repeating: "abcdefgh", count: 40)
    let value = try JSONReader.parse("[\"\(plain)\", \"\(plain)\\n\(plain)é\"]")
    #expect(value == .array([.string(plain), .string(plain + "\n" + plain + "é")]))
}

@Test func skipsLeadingByteOrderMark() throws {
    #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8)) == .object(["a": .number("1")]))
}

@Test func parsesNestedStructures() throws {
    let value = try JSONReader.parse(#"{"value":[{"id":"a","tags":[[1],[2,[3]]],"manager":{"id":"m","x":{}}},{"id":"b"}]}"#)
    let users = try #require(value["value"]?.arrayValue)
    #expect(users.count == 2)
    #expect(users[0]["manager"]?["id"] == .string("m"))
    #expect(users[0]["tags"] == .array([.array([.number("1")]), .array([.number("2"), .array([.number("3")])])]))
    #expect(users[1] == .object(["id": .string("b")]))
}

@Test func keepsLastValueOfDuplicateKey() throws {
    #expect(try JSONReader.parse(#"{"a": 1, "b": 2, "a": 3}"#) == .object(["a": .number("3"), "b": .number("2")]))
}

@Test func readsRepeatedKeysOfSameShapeRecords() throws {
    // Exercises the key reuse: same keys in the same order, then a differing and an escaped key.
    let value = try JSONReader.parse(#"[{"userPrincipalName":"a","id":"1"},{"userPrincipalName":"b","id":"2"},{"userPrincipalNamX":"c","i\u0064":"3"},{"userPrincipalName":"d","id":"4"}]"#)
    #expect(value == .array([
        .object(["userPrincipalName": .string("a"), "id": .string("1")]),
        .object(["userPrincipalName": .string("b"), "id": .string("2")]),
        .object(["userPrincipalNamX": .string("c"), "id": .string("3")]),
        .object(["userPrincipalName": .string("d"), "id": .string("4")]),
    ]))
}

@Test func acceptsNestingUpToTheDepthLimit() throws {
    let depth = JSONReader.maximumDepth
    let value = try JSONReader.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
    #expect(value.arrayValue?.count == 1)
}

@Test func parsesDataAndFiles() throws {
    #expect(try JSONReader.parse(Data(#"[true]"#.utf8)) == .array([.bool(true)]))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("json-reader-\(UUID()).json").path
    try Data(#"{"id": "a"}"#.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try JSONReader.parse(contentsOf: path) == .object(["id": .string("a")]))
}

// MARK: - Errors

@Test func rejectsTruncatedDocumentAtItsEnd() {
    #expect(failure(#"{"value": [{"id": "a""#) == "1:22: unexpected end of input")
    #expect(failure("") == "1:1: unexpected end of input")
    #expect(failure(" \n ") == "2:2: unexpected end of input")
    #expect(failure("[1, tr") == "1:7: unexpected end of input")
    #expect(failure("[1.") == "1:4: unexpected end of input")
    #expect(failure(#"{"a""#) == "1:5: unexpected end of input")
}

@Test func rejectsMissingComma() {
    #expect(failure("{\"a\": 1\n \"b\": 2}") == "2:2: expected ',' or '}' after object member")
    #expect(failure("[1 2]") == "1:4: expected ',' or ']' after array element")
}

@Test func rejectsTrailingComma() {
    #expect(failure(#"{"a": 1,}"#) == "1:9: trailing comma before '}'")
    #expect(failure("[1,\n]") == "2:1: trailing comma before ']'")
}

@Test func rejectsMalformedObjectMembers() {
    #expect(failure(#"{"a" 1}"#) == "1:6: expected ':' after object key")
    #expect(failure("{a: 1}") == "1:2: expected string for object key")
    #expect(failure("{,}") == "1:2: expected string for object key")
}

@Test func rejectsCharacterThatStartsNoValue() {
    #expect(failure("[x]") == "1:2: unexpected character 'x'")
    #expect(failure("[.5]") == "1:2: unexpected character '.'")
    #expect(failure("[é]") == "1:2: unexpected character 'é'")
    #expect(failure("[\u{7}]") == "1:2: unexpected character U+0007")
    #expect(failure([0x5B, 0xFF, 0x5D]) == "1:2: unexpected byte 0xFF")
}

@Test func rejectsInvalidLiterals() {
    #expect(failure("[trux]") == "1:2: invalid literal 'trux'")
    #expect(failure("nulll") == "1:1: invalid literal 'nulll'")
    #expect(failure("True") == "1:1: unexpected character 'T'")
}

@Test func rejectsBadEscape() {
    #expect(failure(#"["a\qb"]"#) == #"1:4: invalid escape '\q'"#)
    #expect(failure(#""\u12G4""#) == #"1:2: invalid unicode escape '\u12G4'"#)
    #expect(failure(#""\u12""#) == #"1:2: invalid unicode escape '\u12'"#)
}

@Test func rejectsLoneSurrogate() {
    #expect(failure(#""\ud800x""#) == #"1:2: lone surrogate '\ud800'"#)
    #expect(failure(#""ok \uDC00""#) == #"1:5: lone surrogate '\uDC00'"#)
    #expect(failure(#""\ud83d\u0041""#) == #"1:2: lone surrogate '\ud83d'"#)
    #expect(failure(#""\ud83d\ud83d""#) == #"1:2: lone surrogate '\ud83d'"#)
}

@Test func rejectsNumbersOutsideTheGrammar() {
    #expect(failure("[01]") == "1:2: invalid number '01'")
    #expect(failure("-") == "1:2: unexpected end of input")
    #expect(failure("[-]") == "1:2: invalid number '-'")
    #expect(failure("[1.]") == "1:2: invalid number '1.'")
    #expect(failure("[1.e5]") == "1:2: invalid number '1.e5'")
    #expect(failure("[1e+]") == "1:2: invalid number '1e+'")
    #expect(failure("[+1]") == "1:2: unexpected character '+'")
    #expect(failure("[-Infinity]") == "1:2: invalid number '-Infinity'")
    #expect(failure("[12abc]") == "1:2: invalid number '12abc'")
    #expect(failure("[0x1F]") == "1:2: invalid number '0x1F'")
}

@Test func rejectsUnterminatedStringAtItsOpeningQuote() {
    #expect(failure(#"{"a": "bc"#) == "1:7: unterminated string")
    #expect(failure(#"["abc\"#) == "1:2: unterminated string")
    #expect(failure(#"["\u00"#) == "1:2: unterminated string")
}

@Test func rejectsGarbageAfterTopLevelValue() {
    #expect(failure("{} x") == "1:4: unexpected character 'x' after top-level value")
    #expect(failure("[1]\n]") == "2:1: unexpected character ']' after top-level value")
    #expect(failure("1 2") == "1:3: unexpected character '2' after top-level value")
}

@Test func rejectsControlCharacterInString() {
    #expect(failure("[\"a\nb\"]") == "1:4: control character U+000A in string")
    #expect(failure("\"\t\"") == "1:2: control character U+0009 in string")
}

@Test func rejectsInvalidUTF8InString() {
    let quote = UInt8(ascii: "\"")
    #expect(failure([quote, 0x61, 0xFF, 0x62, quote]) == "1:3: invalid UTF-8 byte 0xFF in string")
    // Overlong encoding of '/', a UTF-16 surrogate encoded in UTF-8, and a sequence cut short.
    #expect(failure([quote, 0xC0, 0xAF, quote]) == "1:2: invalid UTF-8 byte 0xC0 in string")
    #expect(failure([quote, 0xED, 0xA0, 0x80, quote]) == "1:2: invalid UTF-8 byte 0xED in string")
    #expect(failure([quote, 0xE2, 0x82, quote]) == "1:2: invalid UTF-8 byte 0xE2 in string")
    #expect(failure([quote, 0xC3, 0xA9, 0x80, quote]) == "1:3: invalid UTF-8 byte 0x80 in string")
}

@Test func rejectsNestingBeyondTheDepthLimit() {
    let depth = JSONReader.maximumDepth + 1
    #expect(failure(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        == "1:513: nesting deeper than 512 levels")
    #expect(failure(String(repeating: #"{"a":"#, count: depth)) == "1:2561: nesting deeper than 512 levels")
}

// MARK: - Positions

@Test func countsColumnsInUnicodeScalarsOnLinesWithMultibyteText() throws {
    let text = "{\"name\": \"Zoë Núñez\",\n \"city\": \"Zürich\" \"x\": 1}"
    let error = try #require(throws: JSONError.self) { try JSONReader.parse(text) }
    #expect(error.line == 2)
    #expect(error.column == 19)
    #expect(error.offset == Array(text.utf8).firstIndex(of: UInt8(ascii: "x"))! - 1)
    #expect(error.description == "2:19: expected ',' or '}' after object member")
}

@Test func leavesByteOrderMarkOutOfColumnButInOffset() throws {
    let error = try #require(throws: JSONError.self) {
        try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("[1 2]".utf8))
    }
    #expect(error == JSONError(message: "expected ',' or ']' after array element", line: 1, column: 4, offset: 6))
}

@Test func prefixesDescriptionWithFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("json-reader-\(UUID()).json").path
    try Data("{\n  \"a\": 1,\n}\n".utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let error = try #require(throws: JSONError.self) { try JSONReader.parse(contentsOf: path) }
    #expect(error.file == path)
    #expect(error.description == "\(path):3:1: trailing comma before '}'")
}

@Test func reportsUnreadableFileWithoutPosition() throws {
    let path = "/nonexistent/page-0001.json"
    let error = try #require(throws: JSONError.self) { try JSONReader.parse(contentsOf: path) }
    #expect(error == JSONError(message: "cannot open file: No such file or directory", line: 0, column: 0, offset: 0, file: path))
    #expect(error.description == "/nonexistent/page-0001.json: cannot open file: No such file or directory")
}
