import Testing
@testable import ReconcileKit

private let sample: JSONValue = .object([
    "value": .array([
        .object([
            "id": .string("a"),
            "displayName": .string("Zoë Núñez"),
            "accountEnabled": .bool(true),
            "manager": .null,
            "businessPhones": .array([]),
            "extensions": .object([:]),
            "age": .number("41"),
        ]),
    ]),
    "@odata.nextLink": .string("https://graph.microsoft.com/v1.0/users?$skiptoken=X"),
])

@Test func writesCompactFormWithoutWhitespaceAndSortedKeys() {
    #expect(JSONWriter.write(sample, pretty: false) == #"{"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X","value":[{"accountEnabled":true,"age":41,"businessPhones":[],"displayName":"Zoë Núñez","extensions":{},"id":"a","manager":null}]}"#)
}

@Test func writesPrettyFormWithTwoSpaceIndent() {
    let expected = """
        {
          "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X",
          "value": [
            {
              "accountEnabled": true,
              "age": 41,
              "businessPhones": [],
              "displayName": "Zoë Núñez",
              "extensions": {},
              "id": "a",
              "manager": null
            }
          ]
        }
        """
    #expect(JSONWriter.write(sample, pretty: true) == expected)
}

@Test func writesEmptyContainersAndScalarsAtTopLevel() {
    #expect(JSONWriter.write(.array([]), pretty: true) == "[]")
    #expect(JSONWriter.write(.object([:]), pretty: true) == "{}")
    #expect(JSONWriter.write(.null) == "null")
    #expect(JSONWriter.write(.bool(false)) == "false")
    #expect(JSONWriter.write(.string("x"), pretty: true) == #""x""#)
    #expect(JSONWriter.write(.array([.number("1"), .array([])]), pretty: true) == "[\n  1,\n  []\n]")
}

@Test func writesNumbersAsTheirStoredText() {
    #expect(JSONWriter.write(.array([.number("1.50E+3"), .number("-0"), .number(42)])) == "[1.50E+3,-0,42]")
}

@Test func escapesOnlyQuoteBackslashAndControlCharacters() {
    let text = "q\" b\\ s/ n\n r\r t\t b\u{08} f\u{0C} \u{01}\u{1F}\u{7F} é 😀"
    #expect(JSONWriter.write(.string(text)) == #""q\" b\\ s/ n\n r\r t\t b\b f\f \u0001\u001f"# + "\u{7F} é 😀\"")
}

@Test func sortsKeysByUTF8BytesNotCanonicalOrder() {
    // "e" + U+0301 is canonically "é", which Swift's `<` would sort after "éa"; its bytes sort first.
    let value: JSONValue = .object([
        "b": .null, "a": .null, "B": .null, "": .null, "aa": .null, "éa": .null, "e\u{301}x": .null, "😀": .null, "～": .null,
    ])
    let expected = #"{"":null,"B":null,"a":null,"aa":null,"b":null,"e\#u{301}x":null,"éa":null,"～":null,"😀":null}"#
    // Compare bytes: `String ==` would treat the two spellings of "é" as equal.
    #expect(Array(JSONWriter.write(value).utf8) == Array(expected.utf8))
}

@Test func writesSameBytesRegardlessOfInsertionOrder() {
    let keys = (0..<200).map { "key\($0)" }
    var forward: [String: JSONValue] = [:]
    for key in keys { forward[key] = .string(key) }
    var backward: [String: JSONValue] = [:]
    for key in keys.reversed() { backward[key] = .string(key) }
    let first = JSONWriter.write(.object(forward), pretty: true)
    #expect(first == JSONWriter.write(.object(backward), pretty: true))
    #expect(first == JSONWriter.write(.object(forward), pretty: true))
}

@Test func appendsToExistingBuffer() {
    var buffer = Array("prefix ".utf8)
    JSONWriter.write(.array([.bool(true)]), pretty: false, into: &buffer)
    #expect(String(decoding: buffer, as: UTF8.self) == "prefix [true]")
}

@Test func roundTripsThroughReaderAndWriter() throws {
    let text = #"""
        {"value": [{"id": "a", "displayName": "Zo\u00eb N\u00fa\u00f1ez", "note": "tab\there \ud83d\ude00 \"q\" \\ \/ \u0001",
          "n": [0, -1.5e-3, 12345678901234567890], "ok": true, "no": false, "none": null, "e": {}, "l": []}],
         "@odata.nextLink": null}
        """#
    let value = try JSONReader.parse(text)
    for pretty in [false, true] {
        let written = JSONWriter.write(value, pretty: pretty)
        let reread = try JSONReader.parse(written)
        #expect(reread == value)
        #expect(JSONWriter.write(reread, pretty: pretty) == written)
    }
    #expect(value["value"]?.arrayValue?.first?["note"] == .string("tab\there 😀 \"q\" \\ / \u{1}"))
}
