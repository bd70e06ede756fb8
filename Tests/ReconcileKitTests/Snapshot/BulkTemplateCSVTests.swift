import Foundation
import Testing
@testable import ReconcileKit

/// The fixture at `formats/<name>`.
private func formatFixture(_ name: String) -> String {
    TestSupport.fixture("formats/" + name)
}

/// Loads `path`, which must fail, and returns the error's message.
private func templateError(_ path: String, format: SnapshotFormat? = nil) -> String? {
    do {
        let snapshot = try SnapshotLoader().load(path: path, format: format)
        Issue.record("expected an error, loaded \(snapshot.users.count) users")
        return nil
    } catch {
        return error.description
    }
}

@Test func readsBulkCreateTemplateByBracketedPropertyNames() throws {
    let path = formatFixture("bulk-template.csv")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.map(\.id) == ["chris.green@contoso.example", "dana.fox@contoso.example", "lee.jr@contoso.example"])
    #expect(snapshot.users.map(\.origin.line) == [3, 4, 5])
    let chris = snapshot.users[0]
    #expect(chris.text("id") == "chris.green@contoso.example")
    #expect(chris.text("displayName") == "Chris Green")
    #expect(chris.text("givenName") == "Chris")
    #expect(chris.text("department") == "Engineering")  // " Engineering", trimmed
    #expect(chris.text("officeLocation") == "40/1101")
    #expect(chris.text("mobilePhone") == "+1 425 555 0111")
    #expect(chris.text("telephoneNumber") == "+1 425 555 0110")
    #expect(chris.accountEnabled)  // Block sign in: No
    #expect(!snapshot.users[1].accountEnabled)  // Block sign in: Yes
    #expect(snapshot.users[2].text("displayName") == "Lee, Jr.")
    #expect(snapshot.users[2].accountEnabled)  // "no"
}

@Test func neverReadsTheInitialPassword() throws {
    let snapshot = try SnapshotLoader().load(path: formatFixture("bulk-template.csv"))
    for user in snapshot.users {
        #expect(user.properties["passwordprofile"] == nil)
        #expect(!user.properties.values.contains { $0.stringValue?.hasPrefix("Fixture-Passw0rd") == true })
    }
}

@Test func warnsThatTemplateUsersAreIdentifiedByUserPrincipalName() throws {
    let path = formatFixture("bulk-template.csv")
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.warnings == [
        "\(path): the bulk-create template has no object ids, so each user's id is its userPrincipalName (and the "
            + "default mapping's externalId is the UPN); a later Graph or admin-center export identifies the same "
            + "people by object id, so plan from one kind of export",
    ])
}

@Test func readsSpreadsheetResaveWithSemicolonsAndAnObjectIDColumn() throws {
    let snapshot = try SnapshotLoader().load(path: formatFixture("bulk-template-excel.csv"))
    let chris = try #require(snapshot.users.first)
    #expect(chris.id == "c0ffee00-1111-4222-8333-444455556666")
    #expect(chris.text("userPrincipalName") == "chris.green@contoso.example")
    #expect(chris.text("city") == "Redmond")
    #expect(chris.origin.line == 3)
    #expect(snapshot.warnings.isEmpty)
}

@Test func refusesBlockSignInThatIsNotYesOrNo() {
    let path = formatFixture("bulk-template-bad-block.csv")
    #expect(templateError(path) == "\(path):3: column Block sign in (Yes/No) [accountEnabled] Required: expected Yes or No, found \"True\"")
}

@Test func refusesTemplateRowWithoutUserPrincipalName() {
    let path = formatFixture("bulk-template-no-upn.csv")
    #expect(templateError(path) == "\(path):3: column User name [userPrincipalName] Required is empty, and it identifies the user")
}

@Test func refusesUsersCSVReadAsTemplate() {
    let path = formatFixture("admin-center-y-security.csv")
    #expect(templateError(path, format: .bulkCSV) == "\(path):1: expected the template's version line (version:v1.0) "
        + "first; is this an admin-center \"Download users\" export (--snapshot-format csv)? (the snapshot is not valid CSV; nothing was applied)")
}

@Test func refusesTemplateWithoutUserNameColumn() {
    let path = TestSupport.write("version:v1.0\nName [displayName] Required\nAda\n", name: "template.csv")
    #expect(templateError(path) == "\(path):2: the header has no User name [userPrincipalName] column, which identifies "
        + "each user (found: Name [displayName] Required)")
}

@Test func refusesTemplateWithOnlyItsVersionLine() {
    let path = TestSupport.write("version:v1.0\r\n", name: "template.csv")
    #expect(templateError(path) == "\(path): the file has no header row")
}
