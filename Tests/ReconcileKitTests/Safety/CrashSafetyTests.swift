import Foundation
import Testing
@testable import ReconcileKit

/// `kill -9` at several moments of `--apply` on a plan of thousands of users, then runs again until
/// one completes: the store stays consistent, no user is duplicated or lost, and the end result is
/// the same as an uninterrupted run's. No test hook: the moments are found by watching the store
/// from outside (the lock row, the links and log records committed per batch).
final class CrashSafetyTests {
    let folder: String
    /// Just over one batch (2,000), so that a kill can land between two batch commits.
    static let users = 2_100
    /// Day two's users: every 25th is gone.
    static let dayTwoUsers = users - users / 25

    init() {
        folder = TestSupport.temporaryFolder()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A Graph `/users` page of `count` users; `day` 2 changes every title, disables every 10th user
    /// and removes every 25th.
    private func snapshot(day: Int) throws -> String {
        var users: [JSONValue] = []
        for index in 1...Self.users {
            if day == 2 && index % 25 == 0 { continue }
            let number = String(format: "%05d", index)
            users.append(.object([
                "id": .string("00000000-0000-4000-8000-0000000\(number)"),
                "userPrincipalName": .string("user\(number)@contoso.example"),
                "accountEnabled": .bool(day == 1 || index % 10 != 0),
                "displayName": .string("User \(number)"),
                "jobTitle": .string(day == 1 ? "Engineer" : "Senior Engineer"),
                "department": .string(["Research", "Clinical Operations", "Manufacturing"][index % 3]),
            ]))
        }
        let path = folder + "/day\(day).json"
        try Data(JSONWriter.write(.object(["value": .array(users)])).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Starts `reconcile --snapshot S --store DB --apply` without waiting for it.
    private func start(_ snapshot: String, store: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.binary)
        process.arguments = ["--snapshot", snapshot, "--store", store, "--apply"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs to completion and requires success.
    private func complete(_ snapshot: String, store: String) throws {
        let run = try TestSupport.run(["--snapshot", snapshot, "--store", store, "--apply"])
        try #require(run.status == 0, "the run after the kills failed: \(run.stderr)")
    }

    /// A count from the store, read by a connection of its own; `nil` while there is no store yet.
    private func count(_ sql: String, in store: String) -> Int? {
        guard Database.isSQLiteFile(path: store), let database = try? Database(path: store, create: false) else { return nil }
        return try? database.scalarInt(sql)
    }

    /// Waits (at most 20 s) until `condition` holds, checking every 2 ms.
    private func wait(for condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(20)
        while !condition() && Date() < deadline { usleep(2_000) }
    }

    /// Kills the run with SIGKILL once `moment` is reached (or it has finished), then checks the store.
    private func kill(_ process: Process, store: String, when moment: () -> Bool) throws {
        wait { moment() || !process.isRunning }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try expectConsistent(store)
    }

    /// The store is intact: integrity_check passes, no externalId or userName twice, every link to a user.
    private func expectConsistent(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard Database.isSQLiteFile(path: store) else { return }
        let database = try Database(path: store, create: false)
        #expect(try database.scalarText("PRAGMA integrity_check") == "ok", sourceLocation: sourceLocation)
        #expect(try database.scalarInt("SELECT count(*) FROM (SELECT external_id FROM users GROUP BY external_id HAVING count(*) > 1)") == 0,
                sourceLocation: sourceLocation)
        #expect(try database.scalarInt("SELECT count(*) FROM links WHERE target_id NOT IN (SELECT id FROM users)") == 0,
                sourceLocation: sourceLocation)
        #expect(try database.scalarInt("SELECT count(*) FROM users WHERE id NOT IN (SELECT target_id FROM links)") == 0,
                sourceLocation: sourceLocation)
    }

    /// The store's users by externalId, each its resource without `id` and `meta` (which differ by run).
    private func users(of store: String) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for user in try SQLiteStore(path: store, create: false).users() {
            guard case .object(var members) = user.resource else { continue }
            members["id"] = nil
            members["meta"] = nil
            #expect(result[user.externalId ?? ""] == nil, "externalId \(user.externalId ?? "") twice")
            result[user.externalId ?? ""] = .object(members)
        }
        return result
    }

    @Test func killedAtAnyMomentOfApplyTheNextRunConvergesToTheSameStore() throws {
        let dayOne = try snapshot(day: 1), dayTwo = try snapshot(day: 2)
        let reference = folder + "/reference.db", store = folder + "/store.db"
        try complete(dayOne, store: reference)
        try complete(dayTwo, store: reference)

        // Day one: killed while reading the export, while planning under the lock, and right after
        // the first batch of 2,000 creates committed.
        try kill(try start(dayOne, store: store), store: store) { true }
        let planning = try start(dayOne, store: store)
        try kill(planning, store: store) { (count("SELECT count(*) FROM run_lock", in: store) ?? 0) > 0 }
        #expect(count("SELECT count(*) FROM users", in: store) == 0)
        let applying = try start(dayOne, store: store)
        try kill(applying, store: store) { (count("SELECT count(*) FROM links", in: store) ?? 0) >= 2_000 }
        #expect(count("SELECT count(*) FROM users", in: store) == 2_000)
        try complete(dayOne, store: store)
        try expectConsistent(store)
        #expect(count("SELECT count(*) FROM users", in: store) == Self.users)

        // Day two: killed after the first batch of updates and disables, then after the rest.
        let senior = "SELECT count(*) FROM users WHERE title = 'Senior Engineer'"
        for round in 0..<2 {
            let stamp = count("SELECT max(id) FROM runs", in: store) ?? 0
            let updating = try start(dayTwo, store: store)
            try kill(updating, store: store) {
                (count("SELECT count(*) FROM provisioning_log WHERE run_id > \(stamp) AND action <> 'noChange'", in: store) ?? 0) > 0
            }
            let updated = count(senior, in: store) ?? 0
            #expect(round == 0 ? updated > 0 && updated < Self.dayTwoUsers : updated == Self.dayTwoUsers, "round \(round): \(updated) updated")
        }
        try complete(dayTwo, store: store)
        try expectConsistent(store)

        let expected = try users(of: reference), actual = try users(of: store)
        #expect(actual.count == expected.count)
        #expect(actual == expected)
        #expect(try CommandLineSupport.links(of: store).count == (try CommandLineSupport.links(of: reference).count))
        // The killed runs are on record as interrupted, and nothing holds the lock.
        let database = try Database(path: store, create: false)
        #expect((try database.scalarInt("SELECT count(*) FROM runs WHERE outcome = 'interrupted'") ?? 0) >= 2)
        #expect(try database.scalarInt("SELECT count(*) FROM runs WHERE outcome IS NULL") == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM run_lock") == 0)
        // And one more run has nothing left to do.
        let again = try TestSupport.run(["--snapshot", dayTwo, "--store", store, "--plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }
}
