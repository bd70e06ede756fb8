import Foundation
import Testing
@testable import ReconcileKit

/// The fixture at `formats/<name>`.
private func formatFixture(_ name: String) -> String {
    TestSupport.fixture("formats/" + name)
}

/// Loads `path`, which must fail, and returns the error's message.
private func jsonError(_ path: String) -> String? {
    do {
        let snapshot = try SnapshotLoader().load(path: path)
        Issue.record("expected an error, loaded \(snapshot.users.count) users")
        return nil
    } catch {
        return error.description
    }
}

// MARK: - PowerShell

@Test func readsWindowsPowerShellSingleUserObject() throws {
    let path = formatFixture("powershell-single-user.json")
    let snapshot = try SnapshotLoader().load(path: path)
    let adele = try #require(snapshot.users.first)
    #expect(snapshot.users.count == 1)
    #expect(adele.id == "87d349ed-44d7-43e1-9a83-5f2406dee5bd")
    #expect(adele.origin == RecordOrigin(file: path, record: 1))
    #expect(adele.text("userPrincipalName") == "AdeleV@contoso.example")
    #expect(adele.accountEnabled)
    #expect(snapshot.warnings.isEmpty)
}

@Test func convertsPowerShellDatesToISO8601() throws {
    let adele = try #require(try SnapshotLoader().load(path: formatFixture("powershell-single-user.json")).users.first)
    #expect(adele.text("createdDateTime") == "2021-08-19T13:25:31Z")
    #expect(adele.text("employeeHireDate") == "0001-01-01T00:00:00Z")  // .NET's DateTime.MinValue
    #expect(adele.text("lastPasswordChangeDateTime") == "2021-08-19T13:25:31.123Z")  // the offset does not move UTC
}

@Test func liftsAdditionalPropertiesWithoutOverridingModelProperties() throws {
    let adele = try #require(try SnapshotLoader().load(path: formatFixture("powershell-single-user.json")).users.first)
    #expect(adele.text("extension_b7d8e5f2c1a94e0f_costCenter") == "4130")
    #expect(adele.text("displayName") == "Adele Vance")
    #expect(adele.properties["additionalproperties"] == nil)
}

@Test func formatsPowerShellDateMilliseconds() {
    #expect(PowerShellDate.iso8601("/Date(0)/") == "1970-01-01T00:00:00Z")
    #expect(PowerShellDate.iso8601("/Date(-1)/") == "1969-12-31T23:59:59.999Z")
    #expect(PowerShellDate.iso8601("/Date(951782400000)/") == "2000-02-29T00:00:00Z")
    #expect(PowerShellDate.iso8601("/Date(253402300799999)/") == "9999-12-31T23:59:59.999Z")
    #expect(PowerShellDate.iso8601("/Date(1629379531000-0700)/") == "2021-08-19T13:25:31Z")
    #expect(PowerShellDate.iso8601("/Date(12ab)/") == nil)
    #expect(PowerShellDate.iso8601("/Date(1+07)/") == nil)
    #expect(PowerShellDate.iso8601("Date(0)") == nil)
}

@Test func readsPowerShell7ArrayWithPascalCase() throws {
    let snapshot = try SnapshotLoader().load(path: formatFixture("powershell-7-array.json"))
    #expect(snapshot.users.map { $0.text("UserPrincipalName") } == ["AdeleV@contoso.example", "GradyA@contoso.example"])
    #expect(snapshot.users.map(\.accountEnabled) == [true, false])
    #expect(snapshot.users[0].text("createdDateTime") == "2021-08-19T13:25:31Z")
}

@Test func readsUTF16ExportOfWindowsPowerShell() throws {
    let path = formatFixture("powershell-utf16.json")
    #expect(TestSupport.bytes(path).prefix(2) == Data([0xFF, 0xFE]))
    let snapshot = try SnapshotLoader().load(path: path)
    #expect(snapshot.users.map { $0.text("displayName") } == ["Zoë Núñez", "Grady Archie"])
    // The hash is of the bytes as given, so the same file always plans the same.
    #expect(snapshot.sha256 == SHA256.hexDigest(of: Array(TestSupport.bytes(path))))
}

@Test func reportsTruncatedPowerShellExportWithLineAndColumn() {
    let path = formatFixture("powershell-truncated.json")
    #expect(jsonError(path) == "\(path):6:26: unterminated string (the snapshot is not valid JSON; nothing was applied)")
}

// MARK: - Delta pages

@Test func refusesMicrosoftDeltaInitialPage() {
    let path = formatFixture("delta-initial-page.json")
    #expect(jsonError(path) == "\(path): this is a Graph delta page (its @odata.nextLink leads to users/delta); a delta "
        + "holds only the changes since the last round, not the whole directory, and planning from it would disable "
        + "everyone not in it: export full GET /users pages instead")
}

@Test func refusesMicrosoftDeltaChangesPage() {
    let path = formatFixture("delta-changes-page.json")
    #expect(jsonError(path) == "\(path): this is a Graph delta page (it has @odata.deltaLink); a delta holds only the "
        + "changes since the last round, not the whole directory, and planning from it would disable everyone not in "
        + "it: export full GET /users pages instead")
}

@Test func refusesPageWithRemovedEntry() {
    let path = formatFixture("removed-entry-page.json")
    #expect(jsonError(path) == "\(path): this is a Graph delta page (user 2 has @removed); a delta holds only the "
        + "changes since the last round, not the whole directory, and planning from it would disable everyone not in "
        + "it: export full GET /users pages instead")
}

// MARK: - Shapes and record positions

@Test func refusesObjectThatIsNeitherPageNorUser() {
    let path = TestSupport.write(#"{"displayName": "Ada"}"#)
    #expect(jsonError(path) == "\(path): expected a Graph page ({\"value\": [...]}), a JSON array of users or one user "
        + "object, found an object without a \"value\" array")
}

@Test func namesLineAndColumnOfBadRecordInBareArray() {
    let path = TestSupport.write("[\n  {\"id\": \"u1\"},\n    {\"id\": \"u2\", \"accountEnabled\": \"no\"}\n]\n")
    #expect(jsonError(path) == "\(path):3:5: property accountEnabled must be true, false or null, found a string \"no\"")
}

@Test func namesLineAndColumnOfBadSingleObject() {
    let path = TestSupport.write("\n  {\"Id\": 7}")
    #expect(jsonError(path) == "\(path):2:3: property id must be a string, found the number 7")
}

@Test func locatesRecordPastStringsHoldingBrackets() {
    let text = "{\"@odata.context\": \"x]}{[\\\"\", \"value\": [{\"id\": \"a\", \"n\": [1, {\"b\": \"}\"}]}, 17]}"
    let position = JSONRecordLocator.position(ofRecord: 2, layout: .page, in: Array(text.utf8))
    #expect(position?.line == 1)
    #expect(position?.column == 76)
}
