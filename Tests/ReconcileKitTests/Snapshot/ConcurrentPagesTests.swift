import Foundation
import Testing
@testable import ReconcileKit

/// A folder's page files read on several threads give what reading them one after the other gives:
/// the same users in the same order, warnings, digest and id index, and the same first error.
final class ConcurrentPagesTests {
    private let folder = TestSupport.temporaryFolder()

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// What a load shows: the snapshot's users, files, digest, warnings and id positions, or the error's message.
    private enum Outcome: Equatable {
        case snapshot(users: [DirectoryUser], files: [String], sha256: String, warnings: [String], positions: [Int?])
        case error(String)

        var userIDs: [String]? {
            if case .snapshot(let users, _, _, _, _) = self { return users.map(\.id) }
            return nil
        }
    }

    /// Loads the folder with `readers` threads.
    private func load(readers: Int, keeping selection: PropertySelection? = nil) -> Outcome {
        do {
            let snapshot = try SnapshotLoader().load(path: folder, format: nil, progress: nil, keeping: selection, readers: readers)
            let index = snapshot.positions()
            let positions = (snapshot.users.map(\.id) + ["no-such-id"]).map { index.position(of: $0) }
            #expect(snapshot.idIndex?.idCount == snapshot.users.count)
            return .snapshot(
                users: snapshot.users, files: snapshot.files, sha256: snapshot.sha256, warnings: snapshot.warnings, positions: positions)
        } catch {
            return .error(error.description)
        }
    }

    /// Loads the folder one file after the other and with 2, 3 and 8 threads; they must agree.
    private func loadEveryWay(keeping selection: PropertySelection? = nil) -> Outcome {
        let sequential = load(readers: 1, keeping: selection)
        for readers in [2, 3, 8] {
            #expect(load(readers: readers, keeping: selection) == sequential, "\(readers) readers")
        }
        return sequential
    }

    private func write(_ text: String, _ name: String) {
        try! Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    /// A Graph page of users `ids`, one record a line after three lines of header; every page but
    /// the last has `@odata.nextLink`.
    private func page(_ ids: [String], last: Bool = false) -> String {
        let records = ids.map { id in
            #"    {"id": "\#(id)", "userPrincipalName": "\#(id)@contoso.example", "accountEnabled": true, "#
                + #""jobTitle": "Senior Research Scientist", "mail": "\#(id)@contoso.example", "officeLocation": "Building 40"}"#
        }
        return "{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#users\",\n  \"value\": [\n"
            + records.joined(separator: ",\n") + "\n  ]"
            + (last ? "" : ",\n  \"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/users?$skiptoken=\(ids.first ?? "none")\"")
            + "\n}\n"
    }

    /// Pages `page-1.json`... of `perPage` users each, ids `u-1`...
    private func writePages(_ count: Int, perPage: Int) {
        for number in 1...count {
            let ids = (1...perPage).map { "u-\((number - 1) * perPage + $0)" }
            write(page(ids, last: number == count), "page-\(number).json")
        }
    }

    private var file: (Int) -> String {
        { [folder] number in "\(folder)/page-\(number).json" }
    }

    // MARK: - Equal snapshots

    @Test func severalPagesGiveTheSequentialSnapshot() throws {
        writePages(7, perPage: 5)
        let outcome = loadEveryWay()
        #expect(outcome.userIDs == (1...35).map { "u-\($0)" })
        guard case .snapshot(let users, let files, let sha256, let warnings, let positions) = outcome else { return }
        #expect(files == (1...7).map(file))
        #expect(users[5].origin == RecordOrigin(file: file(2), record: 1))
        #expect(sha256 == SHA256.hexDigest(of: files.flatMap { [UInt8](TestSupport.bytes($0)) }))
        #expect(warnings.isEmpty)
        #expect(positions == (0..<35).map { $0 } + [nil])
    }

    @Test func selectedPropertiesAreTheSequentialOnes() throws {
        writePages(5, perPage: 3)
        let selection = PropertySelection(mapping: .uiPath, scope: .everyone)
        let outcome = loadEveryWay(keeping: selection)
        guard case .snapshot(let users, _, _, _, _) = outcome else {
            Issue.record("expected a snapshot, got \(outcome)")
            return
        }
        #expect(users[0].properties.keys == ["accountenabled", "id", "jobtitle", "mail", "userprincipalname"])
    }

    @Test func manySmallPagesAndEmptyPagesGiveTheSequentialSnapshot() throws {
        for number in 1...200 {
            let ids = number % 7 == 0 ? [] : ["u-\(number)"]
            write(page(ids, last: number == 200), "page-\(number).json")
        }
        let outcome = loadEveryWay()
        #expect(outcome.userIDs == (1...200).filter { $0 % 7 != 0 }.map { "u-\($0)" })
    }

    @Test func eachTemplatePagesWarningComesInFileOrder() throws {
        for number in 1...5 {
            write("version:v1.0\nName [displayName] Required,User name [userPrincipalName] Required\n"
                + "User \(number),user\(number)@contoso.example\n", "page-\(number).csv")
        }
        let outcome = loadEveryWay()
        guard case .snapshot(let users, _, _, let warnings, _) = outcome else {
            Issue.record("expected a snapshot, got \(outcome)")
            return
        }
        #expect(users.map(\.id) == (1...5).map { "user\($0)@contoso.example" })
        #expect(warnings.count == 6)
        #expect(warnings.prefix(5).map { $0.components(separatedBy: ": ").first! } == (1...5).map { "\(folder)/page-\($0).csv" })
        #expect(warnings.last == "the export has no accountEnabled column; every user is taken as enabled")
    }

    // MARK: - The first error

    @Test func aBadPageInTheMiddleIsTheErrorNotALaterOne() throws {
        writePages(8, perPage: 4)
        write(String(page(["u-9", "u-10", "u-11", "u-12"]).dropLast(40)), "page-3.json")
        write(page(["u-25", "u-26"]).replacingOccurrences(of: "\"accountEnabled\": true", with: "\"accountEnabled\": \"yes\""), "page-7.json")
        #expect(loadEveryWay() == .error(
            "\(file(3)):9:22: unterminated string (the snapshot is not valid JSON; nothing was applied)"))
    }

    @Test func aDuplicateAcrossPagesIsTheErrorNotALaterBadPage() throws {
        writePages(6, perPage: 4)
        write(page(["u-17", "u-6", "u-19", "u-20"]), "page-5.json")
        write("{\"value\": [", "page-6.json")
        #expect(loadEveryWay() == .error(
            "\(file(5)):5:5: duplicate user id u-6, first seen at \(file(2)):5:5"))
    }

    @Test func aDuplicateWithinALaterPageIsFoundAsSequentially() throws {
        writePages(4, perPage: 3)
        write(page(["u-10", "u-11", "u-10"], last: true), "page-4.json")
        #expect(loadEveryWay() == .error(
            "\(file(4)):6:5: duplicate user id u-10, first seen at \(file(4)):4:5"))
    }

    @Test func aPageOfAnotherFormatIsTheErrorBeforeItsOwn() throws {
        writePages(5, perPage: 2)
        write("objectId,userPrincipalName\n\"unterminated\n", "page-4.csv")
        try FileManager.default.removeItem(atPath: file(4))
        write("not json", "page-5.json")
        #expect(loadEveryWay() == .error(
            "\(folder)/page-4.csv is an admin-center CSV export but \(file(1)) is a JSON export: "
                + "a snapshot folder holds the files of one export; pass one kind of export"))
    }

    @Test func anEmptyFileIsTheError() throws {
        writePages(4, perPage: 2)
        write("", "page-2.json")
        #expect(loadEveryWay() == .error(
            "\(file(2)): the file is empty (expected Graph /users pages, a JSON array of users, or an admin-center CSV export)"))
    }

    @Test func aLastPageWithANextLinkIsTheError() throws {
        writePages(4, perPage: 2)
        write(page(["u-7", "u-8"]), "page-4.json")
        #expect(loadEveryWay() == .error(
            "\(file(4)): the export is incomplete: its last page still has @odata.nextLink "
                + "(https://graph.microsoft.com/v1.0/users?$skiptoken=u-7); download the remaining pages "
                + "(follow @odata.nextLink until it is absent) and pass them all"))
    }
}
