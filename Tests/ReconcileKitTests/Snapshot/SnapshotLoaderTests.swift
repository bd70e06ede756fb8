import Foundation
import Testing
@testable import ReconcileKit

/// The fixture at `snapshots/<name>`.
private func snapshotFixture(_ name: String) -> String {
    TestSupport.fixture("snapshots/" + name)
}

/// Loads `path`, which must fail, and returns the error's message.
private func loadError(_ path: String) -> String? {
    do {
        let snapshot = try SnapshotLoader().load(path: path)
        Issue.record("expected an error, loaded \(snapshot.users.count) users")
        return nil
    } catch {
        return error.description
    }
}

/// Reads one record, which must fail, and returns the error's message.
private func recordError(_ json: String, record: Int = 1) throws -> String? {
    do {
        let user = try StageInputs.user(json, origin: RecordOrigin(file: "users.json", record: record))
        Issue.record("expected an error, read user \(user.id)")
        return nil
    } catch {
        return "\(error)"
    }
}

// MARK: - Accepted documents

@Test func loadsGraphPageUsersInFileOrder() throws {
    let path = snapshotFixture("graph-page.json")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.map(\.id) == [
        "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01", "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a02", "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a03",
    ])
    #expect(snapshot.users.map(\.origin) == (1...3).map { RecordOrigin(file: path, record: $0) })
    #expect(snapshot.files == [path])
    #expect(snapshot.warnings.isEmpty)
    let ada = snapshot.users[0]
    #expect(ada.text("userPrincipalName") == "ada.lovelace@contosopharma.example")
    #expect(ada.text("department") == "Research")
    #expect(ada.accountEnabled)
    #expect(!snapshot.users[1].accountEnabled)
}

@Test func treatsNullEmptyAndAbsentPropertiesAsNoValue() throws {
    let snapshot = try SnapshotLoader().load(path: snapshotFixture("graph-page.json"))
    let grace = snapshot.users[1]
    #expect(grace.value("jobTitle") == nil)  // null
    #expect(grace.value("mail") == nil)  // ""
    #expect(grace.value("businessPhones") == nil)  // []
    #expect(grace.value("department") == nil)  // absent
    #expect(grace.text("jobTitle") == nil)
    #expect(grace.text("department") == nil)
    #expect(grace.text("displayName") == "Grace Hopper")
}

@Test func takesNullAccountEnabledAsEnabled() throws {
    let snapshot = try SnapshotLoader().load(path: snapshotFixture("graph-page.json"))
    let zoe = snapshot.users[2]
    #expect(zoe.value("accountEnabled") == nil)
    #expect(zoe.accountEnabled)
    #expect(zoe.text("displayName") == "Zoë Núñez")
}

@Test func loadsMicrosoftUserListExampleVerbatim() throws {
    let snapshot = try SnapshotLoader().load(path: snapshotFixture("user-list-example.json"))
    #expect(snapshot.users.map(\.id) == ["6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0", "4562bcc8-c436-4f95-b7c0-4f8ce89dca5e"])
    let adams = snapshot.users[0]
    #expect(adams.text("userPrincipalName") == "Adams@contoso.com")
    #expect(adams.text("mail") == "Adams@contoso.com")
    #expect(adams.value("givenName") == nil)
    #expect(adams.value("businessPhones") == nil)
    let admin = snapshot.users[1]
    #expect(admin.value("businessPhones") == .array([.string("425-555-0100")]))
    #expect(admin.text("surname") == "Administrator")
    #expect(admin.value("mail") == nil)
}

@Test func warnsOnceWhenExportLacksAccountEnabled() throws {
    let snapshot = try SnapshotLoader().load(path: snapshotFixture("user-list-example.json"))
    #expect(snapshot.warnings == [
        "the export has no accountEnabled property (add it to $select); every user is taken as enabled",
    ])
    #expect(snapshot.users.allSatisfy { $0.accountEnabled })
}

@Test func loadsBareArrayAsAzUserListPrintsIt() throws {
    let path = snapshotFixture("bare-array.json")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.map { $0.text("userPrincipalName") } == [
        "ada.lovelace@contosopharma.example", "grace.hopper@contosopharma.example",
    ])
    #expect(snapshot.users[1].origin == RecordOrigin(file: path, record: 2))
    #expect(snapshot.users[1].value("jobTitle") == nil)
    #expect(snapshot.warnings.count == 1)
}

@Test func readsPascalCasePropertyNamesOfPowerShellExports() throws {
    let snapshot = try SnapshotLoader().load(path: snapshotFixture("powershell-pascal-case.json"))
    let user = try #require(snapshot.users.first)
    #expect(user.id == "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01")
    #expect(user.text("userPrincipalName") == "ada.lovelace@contosopharma.example")
    #expect(user.text("USERPRINCIPALNAME") == "ada.lovelace@contosopharma.example")
    #expect(!user.accountEnabled)
    #expect(snapshot.warnings.isEmpty)
}

@Test func readsFolderPagesInNaturalNameOrder() throws {
    let folder = snapshotFixture("natural-order")
    let snapshot = try SnapshotLoader().load(path: folder)
    #expect(snapshot.files == ["users-page-1.json", "users-page-2.json", "users-page-10.json"].map { "\(folder)/\($0)" })
    #expect(snapshot.users.map { $0.text("userPrincipalName") } == [
        "user01@contosopharma.example", "user02@contosopharma.example", "user10@contosopharma.example",
    ])
    #expect(snapshot.users[2].origin == RecordOrigin(file: "\(folder)/users-page-10.json", record: 1))
}

@Test func acceptsFolderPathWithTrailingSlash() throws {
    let folder = snapshotFixture("natural-order")
    let snapshot = try SnapshotLoader().load(path: folder + "/")
    #expect(snapshot.files.first == "\(folder)/users-page-1.json")
}

@Test func hashesTheBytesOfAllPagesInReadingOrder() throws {
    let folder = snapshotFixture("natural-order")
    let snapshot = try SnapshotLoader().load(path: folder)
    var bytes: [UInt8] = []
    for name in ["users-page-1.json", "users-page-2.json", "users-page-10.json"] {
        bytes += TestSupport.bytes("\(folder)/\(name)")
    }
    #expect(snapshot.sha256 == SHA256.hexDigest(of: bytes))
    #expect(snapshot.sha256.count == 64)
}

// MARK: - Malformed and incomplete exports

@Test func reportsTruncatedPageWithLineAndColumn() {
    let path = snapshotFixture("truncated-page.json")
    #expect(loadError(path) == "\(path):7:28: unterminated string (the snapshot is not valid JSON; nothing was applied)")
}

@Test func reportsMissingCommaWithLineAndColumn() {
    let path = snapshotFixture("missing-comma.json")
    #expect(loadError(path)
        == "\(path):7:13: expected ',' or '}' after object member (the snapshot is not valid JSON; nothing was applied)")
}

@Test func refusesPageThatStillHasNextLink() {
    let path = snapshotFixture("incomplete-page.json")
    #expect(loadError(path) == "\(path): the export is incomplete: its last page still has @odata.nextLink "
        + "(https://graph.microsoft.com/v1.0/users?$top=1&$skiptoken=RFNwdAIAAQAAAA); download the remaining pages "
        + "(follow @odata.nextLink until it is absent) and pass them all")
}

@Test func refusesFolderWhoseLastPageStillHasNextLink() {
    let folder = snapshotFixture("incomplete-pages")
    #expect(loadError(folder) == "\(folder)/users-page-2.json: the export is incomplete: its last page still has "
        + "@odata.nextLink (https://graph.microsoft.com/v1.0/users?$top=1&$skiptoken=PAGE3); download the remaining "
        + "pages (follow @odata.nextLink until it is absent) and pass them all")
}

@Test func refusesDuplicateIDsAcrossPages() {
    let folder = snapshotFixture("duplicate-ids")
    #expect(loadError(folder) == "\(folder)/users-page-2.json:9:9: duplicate user id "
        + "5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a01, first seen at \(folder)/users-page-1.json:5:9")
}

@Test func refusesRecordThatIsNotAnObject() {
    let path = snapshotFixture("not-an-object.json")
    #expect(loadError(path) == "\(path):9:9: expected a user object, found a string \"5b8c1d2e-7a41-4c55-9a0e-1f2d3c4b5a02\"")
}

@Test func refusesAccountEnabledThatIsNotBoolean() {
    let path = snapshotFixture("account-enabled-yes.json")
    #expect(loadError(path) == "\(path):9:9: property accountEnabled must be true, false or null, found a string \"yes\"")
}

@Test func refusesUserWithoutID() {
    let path = snapshotFixture("missing-id.json")
    #expect(loadError(path) == "\(path):4:9: user has no id (select the id property in the export)")
}

@Test func refusesGraphErrorResponseSavedAsPageNamingTheError() {
    let path = snapshotFixture("graph-error.json")
    #expect(loadError(path) == "\(path): this is a Graph error response, not a page of users "
        + "(Authorization_RequestDenied: Insufficient privileges to complete the operation.); fix the request and export again")
}

@Test func refusesDocumentThatIsNeitherPageNorArray() {
    let path = snapshotFixture("null-document.json")
    #expect(loadError(path) == "\(path): expected a Graph page ({\"value\": [...]}), a JSON array of users or one user object, found null")
}

@Test func refusesFolderWithoutJSONPages() {
    let folder = snapshotFixture("no-pages")
    #expect(loadError(folder) == "snapshot folder \(folder) holds no .json or .csv files")
}

@Test func refusesPathThatDoesNotExist() {
    let path = snapshotFixture("no-such-export.json")
    #expect(loadError(path) == "cannot read snapshot \(path): no such file or folder")
}

// MARK: - Records

@Test func refusesEmptyStringID() throws {
    #expect(try recordError(#"{"id": "", "userPrincipalName": "ada@contoso.example"}"#, record: 4)
        == "users.json: record 4: user has no id (select the id property in the export)")
}

@Test func refusesNumericID() throws {
    #expect(try recordError(#"{"id": 42}"#, record: 3)
        == "users.json: record 3: property id must be a string, found the number 42")
}

@Test func refusesUserPrincipalNameThatIsNotText() throws {
    #expect(try recordError(#"{"id": "u1", "userPrincipalName": ["ada@contoso.example"]}"#)
        == "users.json: record 1: property userPrincipalName must be a string or null, found an array")
}

@Test func shortensLongStringsInTypeErrors() throws {
    let long = String(repeating: "x", count: 50)
    let shown = String(repeating: "x", count: 40) + "…"
    #expect(try recordError(#"{"id": "u1", "accountEnabled": "\#(long)"}"#)
        == "users.json: record 1: property accountEnabled must be true, false or null, found a string \"\(shown)\"")
}

@Test func acceptsNullUserPrincipalNameAndAccountEnabled() throws {
    let user = try StageInputs.user(
        #"{"id": "u1", "userPrincipalName": null, "accountEnabled": null}"#,
        origin: RecordOrigin(file: "users.json", record: 1))
    #expect(user.text("userPrincipalName") == nil)
    #expect(user.accountEnabled)
}

@Test func readsBooleanAndNumberPropertiesAsEntraText() throws {
    let user = try StageInputs.user(
        #"{"id": "u1", "accountEnabled": false, "employeeId": 1042, "otherMails": ["a@x"]}"#,
        origin: RecordOrigin(file: "users.json", record: 1))
    #expect(user.text("accountEnabled") == "False")
    #expect(user.text("employeeId") == "1042")
    #expect(user.text("otherMails") == nil)
}
