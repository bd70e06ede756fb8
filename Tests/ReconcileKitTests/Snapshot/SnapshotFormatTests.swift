import Foundation
import Testing
@testable import ReconcileKit

/// Loads `path`, which must fail, and returns the error's message.
private func formatError(_ path: String, format: SnapshotFormat? = nil) -> String? {
    do {
        let snapshot = try SnapshotLoader().load(path: path, format: format)
        Issue.record("expected an error, loaded \(snapshot.users.count) users")
        return nil
    } catch {
        return error.description
    }
}

@Test func detectsFormatFromContent() {
    func detect(_ text: String) -> SnapshotFormat? { SnapshotFormat.detect(Array(text.utf8)) }
    #expect(detect("{\"value\": []}") == .json)
    #expect(detect("\u{FEFF}\r\n  [") == .json)
    #expect(detect("null") == .json)
    #expect(detect("version:v1.0\nName [displayName] Required") == .bulkCSV)
    #expect(detect("Version:v1.0,,,\n") == .bulkCSV)
    #expect(detect("\u{FEFF}userPrincipalName,displayName") == .csv)
    #expect(detect("\"userPrincipalName\",\"id\"\n") == .csv)
    #expect(detect(" \n\t") == nil)
    #expect(detect("") == nil)
}

@Test func readsUTF16WithEitherByteOrder() {
    #expect(UTF8Text.utf8([0xFF, 0xFE, 0x5B, 0x00, 0xEB, 0x00]) == Array("[ë".utf8))
    #expect(UTF8Text.utf8([0xFE, 0xFF, 0x00, 0x5B, 0xD8, 0x3D, 0xDE, 0x00]) == Array("[😀".utf8))
    #expect(UTF8Text.utf8([0xFF, 0xFE, 0x00, 0xD8]) == nil)  // a lone surrogate
    #expect(UTF8Text.utf8([0xFF, 0xFE, 0x5B]) == nil)  // half a code unit
    #expect(UTF8Text.utf8(Array("[]".utf8)) == Array("[]".utf8))
}

@Test func formatOptionOverridesDetection() {
    let path = TestSupport.fixture("formats/admin-center-y-security.csv")
    #expect(formatError(path, format: .json) == "\(path):1:1: unexpected character 'u' "
        + "(the snapshot is not valid JSON; nothing was applied)")
}

@Test func readsFolderOfCSVFilesInNaturalOrder() throws {
    let folder = TestSupport.temporaryFolder()
    try Data("id,userPrincipalName\nu10,ten@contoso.example\n".utf8).write(to: URL(fileURLWithPath: folder + "/users-10.csv"))
    try Data("id,userPrincipalName\nu2,two@contoso.example\n".utf8).write(to: URL(fileURLWithPath: folder + "/users-2.csv"))
    try Data("ignored".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
    let snapshot = try SnapshotLoader().load(path: folder)
    #expect(snapshot.users.map(\.id) == ["u2", "u10"])
    #expect(snapshot.files == [folder + "/users-2.csv", folder + "/users-10.csv"])
}

@Test func refusesFolderMixingFormats() {
    let folder = TestSupport.fixture("formats/mixed")
    #expect(formatError(folder) == "\(folder)/users-2.json is a JSON export but \(folder)/users-1.csv is an admin-center "
        + "CSV export: a snapshot folder holds the files of one export; pass one kind of export")
}

@Test func refusesUTF16FileThatIsNotUTF16() throws {
    let path = TestSupport.temporaryFolder() + "/users.json"
    try Data([0xFF, 0xFE, 0x00, 0xDC]).write(to: URL(fileURLWithPath: path))
    #expect(formatError(path) == "cannot read snapshot \(path): it starts with a UTF-16 byte order mark but is not valid UTF-16")
}
