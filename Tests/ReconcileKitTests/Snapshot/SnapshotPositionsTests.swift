import Foundation
import Testing
@testable import ReconcileKit

/// Finding snapshot users by id, through the loader's index or a dictionary made on demand, gives
/// the same answers as comparing the ids as Swift strings.
final class SnapshotPositionsTests {
    private let folder = TestSupport.temporaryFolder()

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func load(_ ids: [String]) throws -> Snapshot {
        let records = ids.map { JSONValue.object(["id": .string($0), "userPrincipalName": .string("\($0)@contoso.example")]) }
        let path = folder + "/users.json"
        try JSONWriter.write(.object(["value": .array(records)])).write(toFile: path, atomically: true, encoding: .utf8)
        return try SnapshotLoader().load(path: path)
    }

    @Test func theLoadersIndexAndADictionaryAgree() throws {
        for ids in [["a-1", "K-2", "c-3"], ["a-1", "caf\u{E9}-2", "K-3"]] {
            let loaded = try load(ids)
            let rebuilt = Snapshot(users: loaded.users, files: loaded.files, sha256: loaded.sha256)
            for snapshot in [loaded, rebuilt] {
                let positions = snapshot.positions()
                #expect(ids.map { positions.position(of: $0) } == [0, 1, 2])
                #expect(positions.position(of: "b-1") == nil)
                // Swift compares strings by canonical equivalence: the Kelvin sign is K, é composed or not.
                let kelvin = ids.firstIndex { $0.hasPrefix("K") }!
                #expect(positions.position(of: "\u{212A}" + ids[kelvin].dropFirst()) == kelvin)
                if ids[1].hasPrefix("caf") { #expect(positions.position(of: "cafe\u{301}-2") == 1) }
            }
        }
    }
}
