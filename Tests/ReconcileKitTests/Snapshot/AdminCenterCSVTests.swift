import Foundation
import Testing
@testable import ReconcileKit

/// The fixture at `formats/<name>`.
private func formatFixture(_ name: String) -> String {
    TestSupport.fixture("formats/" + name)
}

/// Loads `path`, which must fail, and returns the error's message.
private func csvError(_ path: String, format: SnapshotFormat? = nil) -> String? {
    do {
        let snapshot = try SnapshotLoader().load(path: path, format: format)
        Issue.record("expected an error, loaded \(snapshot.users.count) users")
        return nil
    } catch {
        return error.description
    }
}

private let notValidCSV = " (the snapshot is not valid CSV; nothing was applied)"

// MARK: - Both headers

@Test func readsYSecurityExportVerbatimWithObservedHeader() throws {
    let path = formatFixture("admin-center-y-security.csv")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.map(\.id) == ["7cc0c81b-f2a2-489a-8243-eda96da4214d", "05f9eb61-470e-426c-b631-6db6bf429063"])
    #expect(snapshot.users.map(\.origin) == [RecordOrigin(file: path, record: 1, line: 2), RecordOrigin(file: path, record: 2, line: 3)])
    let guest = snapshot.users[0]
    #expect(guest.text("userPrincipalName") == "MSOBBYSec_outlook.com#EXT#@MSOBBYSecoutlook.onmicrosoft.com")
    #expect(guest.text("displayName") == "=1+3 MSOBB")  // a formula is data, never evaluated
    #expect(guest.text("givenName") == "=1+3")
    #expect(guest.value("mail") == nil)  // empty field: no value
    #expect(guest.value("accountEnabled") == .bool(true))
    #expect(guest.text("usageLocation") == "DE")
    #expect(guest.text("alternateEmailAddress") == "MSOBBYSec@outlook.com")
    #expect(guest.text("identityIssuer") == "MSOBBYSecoutlook.onmicrosoft.com")
    #expect(guest.text("createdDateTime") == "8/19/2021 1:25:31 PM")  // kept in the file's locale format
    #expect(snapshot.users[1].text("surname") == "=3+1")
    #expect(snapshot.users[1].value("usageLocation") == nil)
    #expect(snapshot.warnings.isEmpty)
    #expect(snapshot.sha256 == SHA256.hexDigest(of: Array(TestSupport.bytes(path))))
}

@Test func readsDocumentedHeaderWithByteOrderMarkCRLFAndQuotedFields() throws {
    let path = formatFixture("admin-center-documented.csv")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.map { $0.text("userPrincipalName") } == [
        "AdeleV@contoso.example", "GradyA@contoso.example", "MiriamG@contoso.example", "PradeepG@contoso.example",
    ])
    // Miriam's street address spans two lines, so Pradeep's row starts on line 6.
    #expect(snapshot.users.map(\.origin.line) == [2, 3, 4, 6])
    let adele = snapshot.users[0]
    #expect(adele.id == "87d349ed-44d7-43e1-9a83-5f2406dee5bd")  // from objectId
    #expect(adele.text("objectId") == "87d349ed-44d7-43e1-9a83-5f2406dee5bd")
    #expect(adele.text("streetAddress") == "205 108th Ave. NE, Suite 400")
    #expect(adele.text("officeLocation") == "18/2111")  // physicalDeliveryOfficeName, under its Graph name
    #expect(adele.text("physicalDeliveryOfficeName") == "18/2111")
    #expect(adele.value("businessPhones") == .array([.string("+1 425 555 0109")]))
    #expect(adele.text("telephoneNumber") == "+1 425 555 0109")
    #expect(adele.accountEnabled)
    let grady = snapshot.users[1]
    #expect(grady.text("jobTitle") == "Designer \"Lead\"")
    #expect(grady.text("department") == "R&D")
    #expect(!grady.accountEnabled)
    let miriam = snapshot.users[2]
    #expect(miriam.text("streetAddress") == "9255 Towne Center Dr.\r\nSuite 400")
    #expect(miriam.text("mobilePhone") == "+1 858 555 0199")  // mobile, under its Graph name
    #expect(miriam.text("mobile") == "+1 858 555 0199")
    #expect(miriam.accountEnabled)  // "true"
    let pradeep = snapshot.users[3]
    #expect(pradeep.text("displayName") == "=1+3 Pradeep")
    #expect(pradeep.value("state") == nil)
    #expect(pradeep.value("postalCode") == nil)
    #expect(!pradeep.accountEnabled)  // "FALSE"
    #expect(snapshot.warnings.isEmpty)
}

@Test func mapsCSVUsersLikeGraphUsers() throws {
    let snapshot = try SnapshotLoader().load(path: formatFixture("admin-center-documented.csv"))
    let desired = try Mapper(mapping: .uiPath).map(snapshot.users[0])
    #expect(desired.externalId == "87d349ed-44d7-43e1-9a83-5f2406dee5bd")
    #expect(desired.userName == "AdeleV@contoso.example")
    #expect(desired.createValues[MappedPath.department] == .string("Retail"))
    #expect(desired.createValues[MappedPath.workLocality] == .string("Bellevue"))
    #expect(desired.active)
    #expect(try !Mapper(mapping: .uiPath).map(snapshot.users[1]).active)
}

@Test func warnsWhenCSVHasNoAccountEnabledColumn() throws {
    let path = TestSupport.write("id,userPrincipalName\nu1,ada@contoso.example\n", name: "users.csv")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.warnings == ["the export has no accountEnabled column; every user is taken as enabled"])
}

@Test func readsSemicolonSeparatedResave() throws {
    let path = TestSupport.write("id;userPrincipalName;displayName;accountEnabled\r\nu1;ada@contoso.example;\"Lovelace; Ada\";False\r\n", name: "users.csv")
    let user = try #require(try SnapshotLoader().load(path: path).users.first)
    #expect(user.text("displayName") == "Lovelace; Ada")
    #expect(!user.accountEnabled)
}

@Test func ignoresUnknownAndBlankHeaderColumns() throws {
    let path = TestSupport.write("id,userPrincipalName,Favourite Colour,\nu1,ada@contoso.example,teal,x\n", name: "users.csv")
    let user = try #require(try SnapshotLoader().load(path: path).users.first)
    #expect(user.text("favourite colour") == "teal")
    #expect(user.properties.keys.sorted() == ["favourite colour", "id", "userprincipalname"])
}

// MARK: - Broken files

@Test func refusesRowWithTooFewFieldsNamingLineAndLastColumn() {
    let path = formatFixture("broken-too-few-fields.csv")
    #expect(csvError(path) == "\(path):3: the row has 5 fields, the header has 29 columns: it ends after column givenName; "
        + "a value with a comma or a line break must be in double quotes" + notValidCSV)
}

@Test func refusesRowWithUnquotedCommaAsTooManyFields() {
    let path = formatFixture("broken-too-many-fields.csv")
    #expect(csvError(path) == "\(path):3: the row has 30 fields, the header has 29 columns; "
        + "a value with a comma or a line break must be in double quotes" + notValidCSV)
}

@Test func refusesUnterminatedQuoteAtTheLineItOpens() {
    let path = formatFixture("broken-unterminated-quote.csv")
    #expect(csvError(path) == "\(path):3: column displayName: unterminated quoted field: the '\"' that opens it has no "
        + "closing '\"' before the end of the file" + notValidCSV)
}

@Test func refusesTextAfterClosingQuote() {
    let path = formatFixture("broken-text-after-quote.csv")
    #expect(csvError(path) == "\(path):3: column displayName: unexpected text after the closing '\"' of a quoted field "
        + "(a '\"' inside a quoted value is written '\"\"')" + notValidCSV)
}

@Test func refusesAccountEnabledThatIsNotTrueOrFalse() {
    let path = formatFixture("broken-account-enabled.csv")
    #expect(csvError(path) == "\(path):3: column accountEnabled: expected True or False, found \"Yes\"")
}

@Test func refusesRowWithEmptyID() {
    let path = formatFixture("broken-empty-id.csv")
    #expect(csvError(path) == "\(path):3: column id is empty, and it identifies the user")
}

@Test func refusesHeaderWithoutIDColumn() {
    let path = formatFixture("broken-no-id-column.csv")
    #expect(csvError(path) == "\(path):1: the header has no id (or objectId) column, which identifies each user "
        + "(found: userPrincipalName, displayName, accountEnabled)")
}

@Test func refusesHeaderWithoutUserPrincipalNameColumn() {
    let path = formatFixture("broken-no-upn-column.csv")
    #expect(csvError(path) == "\(path):1: the header has no userPrincipalName column, which identifies each user "
        + "(found: objectId, displayName, accountEnabled)")
}

@Test func refusesTwoColumnsForOneProperty() {
    let path = formatFixture("broken-duplicate-column.csv")
    #expect(csvError(path) == "\(path):1: columns id and objectId (columns 1 and 3) give the same property id; "
        + "remove one of them" + notValidCSV)
}

@Test func refusesTextThatIsNotUTF8() {
    let path = formatFixture("broken-latin1.csv")
    #expect(csvError(path) == "\(path):2: column displayName: the text is not UTF-8 (save the file as UTF-8; "
        + "in Excel choose \"CSV UTF-8\")" + notValidCSV)
}

@Test func refusesDuplicateIDNamingBothLines() {
    let path = formatFixture("broken-duplicate-id.csv")
    #expect(csvError(path) == "\(path):5: duplicate user id 5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01, first seen at \(path):2")
}

@Test func readsHeaderOnlyFileAsNoUsers() throws {
    let path = TestSupport.write("id,userPrincipalName,accountEnabled\n", name: "users.csv")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.isEmpty)
    #expect(snapshot.warnings.isEmpty)
}

@Test func refusesEmptyFile() {
    let path = TestSupport.write("\u{FEFF}\n\n", name: "users.csv")
    #expect(csvError(path) == "\(path): the file is empty (expected Graph /users pages, a JSON array of users, "
        + "or an admin-center CSV export)")
}
