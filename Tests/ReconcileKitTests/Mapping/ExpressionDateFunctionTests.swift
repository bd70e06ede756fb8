import Testing
@testable import ReconcileKit

/// The date functions against Microsoft's documented examples. Dates are UTC; none of these depends
/// on the machine's time zone.
private func text(_ expression: String, _ attributes: String = "") throws -> String? {
    try ExpressionExamples.text(expression, attributes)
}

@Test func cDateGivesUTCInEntrasFormat() throws {
    #expect(try text("CDate([StatusHireDate])", #""StatusHireDate": "2020-03-16-07:00""#) == "3/16/2020 7:00:00 AM")
    #expect(try text(#"CDate("2021-06-30+08:00")"#) == "6/29/2021 4:00:00 PM")
    #expect(try text(#"CDate("2009-06-15T01:45:30-07:00")"#) == "6/15/2009 8:45:30 AM")
}

@Test func cDateReadsItsOwnOutputAndOtherCommonForms() throws {
    #expect(try text(#"CDate("6/29/2021 4:00:00 PM")"#) == "6/29/2021 4:00:00 PM")
    #expect(try text(#"CDate("2021-08-24")"#) == "8/24/2021 12:00:00 AM")
    #expect(try text(#"CDate("2021-08-24T12:30:00Z")"#) == "8/24/2021 12:30:00 PM")
    #expect(try text(#"CDate("2021-08-24 23:59:59.9999999+0100")"#) == "8/24/2021 10:59:59 PM")
    #expect(try text(#"CDate("/Date(1629379531000)/")"#) == "8/19/2021 1:25:31 PM")
    #expect(ExpressionExamples.error(#"CDate("next Tuesday")"#)
        == #"CDate: "next Tuesday" is not a date (write it as 2021-06-30T08:00:00Z, 2021-06-30+08:00 or 6/30/2021 8:00:00 AM)"#)
    #expect(ExpressionExamples.error(#"CDate("2021-02-30")"#)?.hasPrefix(#"CDate: "2021-02-30" is not a date"#) == true)
}

@Test(arguments: [
    ("d", "7", "3/23/2012 7:00:00 AM"),
    ("d", "-10", "3/6/2012 7:00:00 AM"),
    ("ww", "2", "3/30/2012 7:00:00 AM"),
    ("m", "10", "1/16/2013 7:00:00 AM"),
    ("yyyy", "2", "3/16/2014 7:00:00 AM"),
])
func dateAddMatchesMicrosoftsTable(interval: String, amount: String, expected: String) throws {
    #expect(try text(#"DateAdd("\#(interval)", \#(amount), CDate([StatusHireDate]))"#, #""StatusHireDate": "2012-03-16-07:00""#)
        == expected)
}

@Test func dateAddClampsToTheEndOfTheMonthAndCountsHoursMinutesSeconds() throws {
    #expect(try text(#"DateAdd("m", 1, CDate("2021-01-31"))"#) == "2/28/2021 12:00:00 AM")
    #expect(try text(#"DateAdd("yyyy", 1, CDate("2020-02-29"))"#) == "2/28/2021 12:00:00 AM")
    #expect(try text(#"DateAdd("h", 25, CDate("2021-01-31"))"#) == "2/1/2021 1:00:00 AM")
    #expect(try text(#"DateAdd("n", -1, CDate("2021-01-01"))"#) == "12/31/2020 11:59:00 PM")
    #expect(try text(#"DateAdd("s", 90, CDate("2021-01-01"))"#) == "1/1/2021 12:01:30 AM")
    #expect(ExpressionExamples.error(#"DateAdd("yyyy", 9000, CDate("2021-01-01"))"#) == "DateAdd: the result is outside the years 1 to 9999")
}

@Test(arguments: [
    ("d", "2021-08-18+08:00", "2021-08-31+08:00", "13"),
    ("d", "8/25/2021 5:41:18 PM", "2012-03-16-07:00", "-3449"),
    ("ww", "8/25/2021 5:41:18 PM", "2012-03-16-07:00", "-493"),
    ("m", "8/25/2021 5:41:18 PM", "2012-03-16-07:00", "-113"),
    ("yyyy", "8/25/2021 5:41:18 PM", "2012-03-16-07:00", "-9"),
    ("d", "2021-08-31+08:00", "2021-08-31+08:00", "0"),
    ("h", "2021-08-24", "2021-08-25", "24"),
    ("n", "2021-08-24", "2021-08-25", "1440"),
    ("s", "2021-08-24", "2021-08-25", "86400"),
])
func dateDiffMatchesMicrosoftsTable(interval: String, first: String, second: String, expected: String) throws {
    #expect(try text(#"DateDiff("\#(interval)", CDate("\#(first)"), CDate([StatusHireDate]))"#, #""StatusHireDate": "\#(second)""#)
        == expected)
}

@Test func formatDateTimeConvertsBetweenDotNetFormats() throws {
    #expect(try text(#"FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")"#,
                     #""extensionAttribute1": "20150123105347.1Z""#) == "2015-01-23")
    #expect(try text(#"FormatDateTime([endDate], ,"M/d/yyyy hh:mm:ss tt","yyyy-MM-dd")"#,
                     #""endDate": "12/31/2020 11:59:59 PM""#) == "2020-12-31")
    #expect(try text(#"FormatDateTime([d], , "yyyy-MM-ddTHH:mm:ssK", "dddd, d MMMM yyyy h:mm tt")"#,
                     #""d": "2021-06-30T20:05:00Z""#) == "Wednesday, 30 June 2021 8:05 PM")
    #expect(try text(#"FormatDateTime([d], , "dd.MM.yy", "o")"#, #""d": "05.03.49""#) == "2049-03-05T00:00:00.0000000")
    #expect(try text(#"FormatDateTime([d], "AdjustToUniversal", "yyyy-MM-ddzzz", "yyyy-MM-dd'T'HH:mmK")"#,
                     #""d": "2020-12-31-08:00""#) == "2020-12-31T08:00Z")
    #expect(ExpressionExamples.error(#"FormatDateTime([d], , "yyyyMMdd", "yyyy-MM-dd")"#, #""d": "2021-06-30""#)
        == #"FormatDateTime: "2021-06-30" does not match the inputFormat "yyyyMMdd""#)
}

@Test func numFromDateAndDateFromNumUseActiveDirectoryTime() throws {
    // Microsoft's Workday example: ContractEndDate 2020-12-31-08:00 expires at 23:59:59 Pacific time.
    #expect(try text(#"NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))"#,
                     #""ContractEndDate": "2020-12-31-08:00""#) == "132539615990000000")
    #expect(try text("DateFromNum(129699324000000000)") == "1/1/2012 11:00:00 PM")
    #expect(try text("DateFromNum([lastLogonTimestamp])", #""lastLogonTimestamp": "132539615990000000""#) == "1/1/2021 7:59:59 AM")
}

@Test func dateFunctionsPassNullThrough() throws {
    #expect(try text("CDate([missing])") == nil)
    #expect(try text(#"DateAdd("d", 1, [missing])"#) == nil)
    #expect(try text(#"FormatDateTime([missing], , "yyyy", "yy")"#) == nil)
}
