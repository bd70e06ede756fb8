import Testing
@testable import ReconcileKit

/// Every record of `text`, as (line, fields).
private func records(_ text: String, delimiter: Character = ",") throws -> [[String]] {
    var parser = CSVParser(bytes: Array(text.utf8), delimiter: delimiter.asciiValue!)
    var result: [[String]] = []
    while let record = try parser.next() { result.append(["\(record.line)"] + record.fields) }
    return result
}

/// The failure `text` must produce.
private func failure(_ text: String) -> CSVParser.Failure? {
    var parser = CSVParser(bytes: Array(text.utf8))
    do {
        while try parser.next() != nil {}
        Issue.record("expected a failure")
        return nil
    } catch {
        return error
    }
}

@Test func splitsFieldsAndRecordsWithEveryLineEnding() throws {
    #expect(try records("a,b\r\nc,d\ne,f\rg,h") == [["1", "a", "b"], ["2", "c", "d"], ["3", "e", "f"], ["4", "g", "h"]])
}

@Test func readsQuotedFieldsWithDelimitersEscapedQuotesAndLineBreaks() throws {
    #expect(try records("\"a,1\",\"say \"\"hi\"\"\",\"x\r\ny\"\nnext,\"\"\n") == [
        ["1", "a,1", "say \"hi\"", "x\r\ny"], ["3", "next", ""],
    ])
}

@Test func keepsEmptyFieldsIncludingTrailingOnes() throws {
    #expect(try records(",a,,\n") == [["1", "", "a", "", ""]])
}

@Test func keepsQuoteInsideUnquotedFieldAsData() throws {
    #expect(try records("15\" screen,=1+3\n") == [["1", "15\" screen", "=1+3"]])
}

@Test func skipsByteOrderMarkAndBlankLines() throws {
    #expect(try records("\u{FEFF}a,b\n\n\r\nc,d\n\n") == [["1", "a", "b"], ["4", "c", "d"]])
}

@Test func countsLinesInsideQuotesForLaterRecords() throws {
    #expect(try records("\"1\n2\n3\",x\nnext\n").map(\.first) == ["1", "4"])
}

@Test func readsOtherDelimiters() throws {
    #expect(try records("a;\"b;c\"\n", delimiter: ";") == [["1", "a", "b;c"]])
    #expect(try records("a\tb\n", delimiter: "\t") == [["1", "a", "b"]])
}

@Test func reportsUnterminatedQuoteAtItsOpeningLine() {
    #expect(failure("a,b\nc,\"d\ne\n") == CSVParser.Failure(line: 2, field: 1, message:
        "unterminated quoted field: the '\"' that opens it has no closing '\"' before the end of the file"))
}

@Test func reportsTextAfterClosingQuote() {
    #expect(failure("\"a\"b,c\n") == CSVParser.Failure(line: 1, field: 0, message:
        "unexpected text after the closing '\"' of a quoted field (a '\"' inside a quoted value is written '\"\"')"))
}

@Test func reportsBytesThatAreNotUTF8() {
    var parser = CSVParser(bytes: [0x61, 0x2C, 0xE9, 0x0A])
    #expect(throws: CSVParser.Failure(line: 1, field: 1, message:
        "the text is not UTF-8 (save the file as UTF-8; in Excel choose \"CSV UTF-8\")")) { try parser.next() }
}

@Test func detectsDelimiterFromHeaderLine() {
    #expect(CSVParser.delimiter(ofLine: Array("a,b;c".utf8)[...]) == UInt8(ascii: ","))
    #expect(CSVParser.delimiter(ofLine: Array("a;b".utf8)[...]) == UInt8(ascii: ";"))
    #expect(CSVParser.delimiter(ofLine: Array("a\tb".utf8)[...]) == UInt8(ascii: "\t"))
    #expect(CSVParser.delimiter(ofLine: Array("id".utf8)[...]) == UInt8(ascii: ","))
}
