import Foundation
import Testing
@testable import ReconcileKit

/// End-to-end runs of the built binary for the safety features: exit codes 3, 4 and 5, the guards'
/// overrides, two runs at once, `--recover`, `--notify-command`, and the usage errors of the new flags.
final class SafetyCommandLineTests: StoreCommandLineSuite {
    let folder: String
    let store: String
    let dayOne = TestSupport.sample("graph")
    let dayTwo = TestSupport.sample("graph-next-day")

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func applyDayOne() throws {
        try applyToStore(dayOne)
    }

    /// A Graph page holding the first `count` day-one users.
    func dayOneSubset(_ count: Int) throws -> String {
        var users: [JSONValue] = []
        for page in ["users-page-1.json", "users-page-2.json"] {
            users += try JSONReader.parse(contentsOf: dayOne + "/" + page)["value"]?.arrayValue ?? []
        }
        let path = folder + "/subset-\(count).json"
        try Data(JSONWriter.write(.object(["value": .array(Array(users.prefix(count)))])).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func scalar(_ sql: String) throws -> String? {
        try Database(path: store, create: false).scalarText(sql)
    }

    static let heldMessage = "2 disables and deletes planned, more than the deletion threshold of 1: nothing was applied and "

    // MARK: - Deletion threshold

    @Test func deletionThresholdExitsThreeThenFourUntilAllowDeletionsAppliesThem() throws {
        try applyDayOne()
        let users = try CommandLineSupport.users(of: store)

        let held = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--deletion-threshold", "1")
        #expect(held.status == 3)
        #expect(held.stderr == "reconcile: " + Self.heldMessage + "the job is quarantined (deletionThreshold). The held actions "
            + "are marked staged in the plan and logged in run 2 (reconcile logs --run 2 --action staged). If they are intended, "
            + "run again with --allow-deletions; if not, fix the cause (a partial export, a scoping or mapping change) and run again.\n")
        #expect(held.stdout.contains("\nHeld: 2 disables and deletes staged by the deletion threshold, not applied; after review, "
            + "run with --allow-deletions to apply them.\n"))
        let marcus = try CommandLineSupport.targetID(of: "marcus.chen@contosopharma.example", in: store)
        let rafael = try CommandLineSupport.targetID(of: "rafael.oliveira@contosopharma.example", in: store)
        #expect(held.stdout.contains(
            "\n  - marcus.chen@contosopharma.example      \(marcus)  disabledInSource     [staged: deletion threshold]\n"))
        #expect(held.stdout.contains(
            "\n  - rafael.oliveira@contosopharma.example  \(rafael)  missingFromSnapshot  [staged: deletion threshold]\n"))
        #expect(held.stdout.hasSuffix("\nApplied nothing in run 2: 2 disables and deletes held by the deletion threshold.\n"))
        #expect(try CommandLineSupport.users(of: store) == users)
        #expect(try scalar("SELECT reason FROM quarantine") == "deletionThreshold")

        // --plan shows the same and says what --apply would do; it changes nothing.
        let before = TestSupport.bytes(store)
        let planned = try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--deletion-threshold", "1")
        #expect(planned.status == 0)
        let since = try #require(try scalar("SELECT since FROM quarantine"))
        #expect(planned.stderr == "reconcile: the job is quarantined since \(since) (deletionThreshold: 2 disables and deletes "
            + "planned in run 2, more than the deletion threshold of 1); to leave quarantine: review the staged disables and "
            + "deletes with --plan; if they are intended, run with --allow-deletions, otherwise fix the cause (the export, "
            + "scoping or mapping) and run again\n"
            + "reconcile: " + Self.heldMessage.replacingOccurrences(of: "nothing was applied and ", with: "")
            + "--apply would apply nothing and quarantine the job; if they are intended, apply them with --apply --allow-deletions\n")
        #expect(planned.stdout.contains("[staged: deletion threshold]"))
        #expect(TestSupport.bytes(store) == before)

        let again = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--deletion-threshold", "1")
        #expect(again.status == 4)
        #expect(again.stderr.hasPrefix("reconcile: " + Self.heldMessage + "the job stays quarantined (deletionThreshold)."))

        let allowed = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--deletion-threshold", "1", "--allow-deletions")
        #expect(allowed.status == 0)
        #expect(allowed.stderr == "reconcile: left quarantine (deletionThreshold since \(since)): 2 disables and deletes planned, "
            + "allowed by --allow-deletions\n")
        #expect(allowed.stdout.hasSuffix("\nApplied 5 changes in run 4.\n"))
        #expect(try scalar("SELECT count(*) FROM quarantine") == "0")
    }

    @Test func deletionThresholdAsAPercentageAndFromTheConfigurationFile() throws {
        try applyDayOne()
        let config = folder + "/config.json"
        try Data(#"{"safety": {"deletionThreshold": 100, "deletionThresholdPercent": 5}}"#.utf8).write(to: URL(fileURLWithPath: config))
        // 5% of 22 managed users is 1.
        let held = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--config", config)
        #expect(held.status == 3)
        #expect(held.stderr.hasPrefix("reconcile: 2 disables and deletes planned, more than the deletion threshold of 5% of 22 "
            + "managed users (1): nothing was applied"))
        // The flag wins over the file.
        let allowed = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--config", config, "--deletion-threshold", "10%")
        #expect(allowed.status == 0)
    }

    // MARK: - Partial exports

    @Test func shrunkSnapshotIsRefusedWithExitOneUntilAllowShrink() throws {
        try applyDayOne()
        let finished = try #require(try scalar("SELECT finished_at FROM runs WHERE id = 1"))
        let subset = try dayOneSubset(10)
        let users = try CommandLineSupport.users(of: store)

        let refused = try reconcile("--snapshot", subset, "--store", store, "--apply")
        #expect(refused.status == 1)
        #expect(refused.stdout == "")
        #expect(refused.stderr == "reconcile: the snapshot holds 10 users, 15 (60%) fewer than the 25 of the last successful "
            + "run (run 1, \(finished)), more than the 20% allowed (safety.snapshotShrinkLimitPercent): refused as a likely "
            + "partial export; nothing was planned or applied. Check that the export is complete; if the directory really "
            + "shrank, run again with --allow-shrink.\n")
        #expect(try CommandLineSupport.users(of: store) == users)
        #expect(try scalar("SELECT outcome FROM runs WHERE id = 2") == "refused")

        let planned = try reconcile("--snapshot", subset, "--store", store, "--plan")
        #expect(planned.status == 1)
        #expect(planned.stderr == refused.stderr)

        let allowed = try reconcile("--snapshot", subset, "--store", store, "--apply", "--allow-shrink")
        #expect(allowed.status == 0)
        #expect(allowed.stdout.hasSuffix("\nApplied 13 changes in run 3.\n"))
    }

    @Test func emptySnapshotIsRefusedAndCreatesNoStore() throws {
        let empty = folder + "/empty.json"
        try Data(#"{"value": []}"#.utf8).write(to: URL(fileURLWithPath: empty))
        let run = try reconcile("--snapshot", empty, "--store", store, "--apply")
        #expect(run.status == 1)
        #expect(run.stderr == "reconcile: the snapshot holds no users: refused as a failed or partial export; nothing was planned "
            + "or applied. If the directory really has no users left, run again with --allow-shrink.\n")
        #expect(StoreFixtures.files(in: folder) == ["empty.json"])
    }

    // MARK: - Partial runs

    @Test func failedActionsAreEscrowedWithExitFiveAndDeferredByTheNextPlan() throws {
        try applyDayOne()
        let planFile = folder + "/plan.json"
        #expect(try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--out", planFile).status == 0)
        var plan = try Plan(json: try JSONReader.parse(contentsOf: planFile), file: planFile)
        let index = try #require(plan.actions.firstIndex { $0.userName == "anna.weber@contosopharma.example" })
        plan.actions[index].version = "W/\"9\""
        try Data(plan.fileText.utf8).write(to: URL(fileURLWithPath: planFile))

        let partial = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(partial.status == 5)
        let nextRetry = try #require(try scalar("SELECT next_retry FROM escrow"))
        #expect(try scalar("SELECT error_code || ' ' || attempts FROM escrow") == "stalePlan 1")

        let replan = try reconcile("--snapshot", dayTwo, "--store", store, "--plan")
        #expect(replan.stdout.contains("\nHeld: 1 action of escrowed failures not due for a retry yet (reconcile status lists "
            + "them; --recover retries them now).\n"))
        // Her rename failed: the store still knows her by her old userName.
        let anna = try CommandLineSupport.targetID(of: "anna.schmidt@contosopharma.example", in: store)
        #expect(replan.stdout.contains("  ~ anna.weber@contosopharma.example  \(anna)  [deferred: failed 1 time, next retry \(nextRetry)]\n"))

        let deferred = try reconcile("--snapshot", dayTwo, "--store", store, "--apply")
        #expect(deferred.status == 0)
        #expect(deferred.stdout.hasSuffix("\nApplied 0 changes in run 3; 1 held by escrow (see reconcile status).\n"))

        let recovered = try reconcile("--snapshot", dayTwo, "--store", store, "--recover")
        #expect(recovered.status == 0)
        #expect(recovered.stderr == "reconcile: --recover: cleared 1 escrowed failure; this run tries it again\n")
        #expect(recovered.stdout.hasSuffix("\nApplied 1 change in run 4.\n"))
        #expect(try scalar("SELECT count(*) FROM escrow") == "0")
    }

    // MARK: - Two runs at once

    @Test func secondRunWhileTheFirstAppliesExitsFourSayingWhoHoldsTheLock() throws {
        let big = folder + "/big.json"
        var users: [JSONValue] = []
        for index in 1...2_500 {
            users.append(.object([
                "id": .string("id-\(index)"), "userPrincipalName": .string("user\(index)@contoso.example"), "accountEnabled": .bool(true),
            ]))
        }
        try Data(JSONWriter.write(.object(["value": .array(users)])).utf8).write(to: URL(fileURLWithPath: big))

        // Both start on a store that does not exist yet: one creates it, neither replaces the other's.
        let first = Process(), second = Process()
        for process in [first, second] {
            process.executableURL = URL(fileURLWithPath: TestSupport.binary)
            process.arguments = ["--snapshot", big, "--store", store, "--apply"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try first.run()
        try second.run()
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(Set([first.terminationStatus, second.terminationStatus]).isSubset(of: [0, 4]))
        #expect(first.terminationStatus == 0 || second.terminationStatus == 0)
        #expect(try CommandLineSupport.users(of: store).count == 2_500)

        // A run while another holds the lock: found by watching the store for the lock row.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: TestSupport.binary)
        holder.arguments = ["--snapshot", big, "--store", store, "--apply"]
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try FileManager.default.removeItem(atPath: big)
        try Data(JSONWriter.write(.object(["value": .array(users.map { user in
            var changed = user
            if case .object(var members) = user { members["jobTitle"] = .string("Engineer"); changed = .object(members) }
            return changed
        })])).utf8).write(to: URL(fileURLWithPath: big))
        try holder.run()
        let database = try Database(path: store, create: false)
        let deadline = Date().addingTimeInterval(20)
        var lock: [[SQLValue]] = []
        while lock.isEmpty && holder.isRunning && Date() < deadline {
            lock = try StoreFixtures.rows(database, "SELECT run_id, pid, host, since FROM run_lock")
            usleep(2_000)
        }
        let row = try #require(lock.first)
        let refused = try reconcile("--snapshot", dayOne, "--store", store, "--apply")
        holder.waitUntilExit()
        #expect(refused.status == 4)
        #expect(refused.stdout == "")
        guard case .integer(let runID) = row[0], case .integer(let pid) = row[1], case .text(let host) = row[2],
              case .text(let since) = row[3] else {
            Issue.record("unexpected lock row \(row)")
            return
        }
        #expect(pid == Int64(holder.processIdentifier))
        #expect(refused.stderr == "reconcile: \(store) is in use by run \(runID) (reconcile apply), process \(pid) on host \(host), "
            + "since \(since); nothing was done. Only one run at a time: run again when it has finished (a lock left by a "
            + "killed run is taken over automatically).\n")
        #expect(holder.terminationStatus == 0)
    }

    @Test func lockOfAKilledRunIsTakenOverByTheNextRun() throws {
        try applyDayOne()
        let database = try Database(path: store, create: false)
        // A run that was killed: its record unfinished, its lock row naming a process that is gone.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        try database.execute("INSERT INTO runs (id, started_at, mode) VALUES (2, '2026-03-02T02:30:00.000Z', 'apply')")
        try database.prepare("""
            INSERT INTO run_lock (id, run_id, command, pid, process_start, host, since)
            VALUES (1, 2, 'apply', ?, 'gone', ?, '2026-03-02T02:30:00.000Z')
            """).run(.integer(Int64(gone.processIdentifier)), .text(ProcessIdentity.hostName()))

        let run = try reconcile("--snapshot", dayTwo, "--store", store, "--apply")
        #expect(run.status == 0)
        #expect(run.stderr == "reconcile: took over the lock of run 2 (process \(gone.processIdentifier) on host "
            + "\(ProcessIdentity.hostName()), since 2026-03-02T02:30:00.000Z), whose process is no longer running\n")
        #expect(run.stdout.hasSuffix("\nApplied 5 changes in run 3.\n"))
        #expect(try scalar("SELECT outcome FROM runs WHERE id = 2") == "interrupted")
    }

    // MARK: - Notifications

    @Test func notifyCommandGetsASummaryWhenARunIsHeldAndNotWhenItSucceeds() throws {
        try applyDayOne()
        let notified = folder + "/notified.txt"
        let command = "cat > '\(notified)'; env | grep '^RECONCILE_' | sort >> '\(notified)'"
        let held = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--deletion-threshold", "1", "--notify-command", command)
        #expect(held.status == 3)
        let text = String(decoding: TestSupport.bytes(notified), as: UTF8.self)
        #expect(text == """
            reconcile --apply on \(ProcessIdentity.hostName()) exited 3 (held) in run 2
            Store: \(store)
            \(held.stderr.dropFirst("reconcile: ".count))Details: reconcile status --store \(store)
            RECONCILE_EXIT_CODE=3
            RECONCILE_OUTCOME=held
            RECONCILE_RUN_ID=2
            RECONCILE_STORE=\(store)

            """)
        try FileManager.default.removeItem(atPath: notified)

        let allowed = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--allow-deletions", "--notify-command", command)
        #expect(allowed.status == 0)
        #expect(!FileManager.default.fileExists(atPath: notified))
    }

    @Test func failingNotifyCommandIsReportedAndKeepsTheExitCode() throws {
        let bad = folder + "/bad.json"
        try Data("{\"value\": [".utf8).write(to: URL(fileURLWithPath: bad))
        let run = try reconcile("--snapshot", bad, "--store", store, "--apply", "--notify-command", "echo 'mail server down' >&2; exit 7")
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.hasSuffix("\nreconcile: notification failed: the notify command exited with status 7: mail server down\n"))
    }

    // MARK: - Usage

    static let usageErrors: [([String], String)] = [
        (["--snapshot", "u.json", "--store", "s.db", "--apply", "--deletion-threshold", "many"],
         "--deletion-threshold takes a number of users (500) or a percentage of the managed users (10%), not 'many'"),
        (["--snapshot", "u.json", "--store", "s.db", "--apply", "--recover"], "--apply and --recover cannot be combined: choose one"),
        (["status"], "missing --store DB (or --state FILE for a live endpoint) for 'status'"),
        (["status", "--store", "s.db", "--format", "csv"], "--format takes text or json, not 'csv'"),
        (["logs", "--store", "s.db", "--status", "failed"], "--status takes success, failure, skipped, not 'failed'"),
        (["logs", "--store", "s.db", "--since", "yesterday"],
         "--since takes a time (2026-03-04T02:30:00Z), a date (2026-03-04) or an age (30m, 12h, 7d), not 'yesterday'"),
        (["logs", "--store", "s.db", "--state", "s.state"], "give one of --store DB or --state FILE for 'logs'"),
        (["logs", "--store", "s.db", "--run", "last"], "--run takes a run number (reconcile status lists them), not 'last'"),
        (["logs", "--store", "s.db", "--verbose"], "unknown option '--verbose' for 'logs'"),
    ]

    @Test(arguments: SafetyCommandLineTests.usageErrors)
    func safetyUsageErrorExits64WithItsMessage(arguments: [String], message: String) throws {
        let run = try TestSupport.run(arguments)
        #expect(run.status == 64)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: \(message)\nRun 'reconcile --help' for usage.\n")
    }

    @Test func statusAndLogsHelpMatchGoldenFiles() throws {
        for topic in ["status", "logs"] {
            let run = try TestSupport.run([topic, "--help"])
            #expect(run.status == 0)
            CommandLineSupport.expectGolden(run.stdout, named: "help-\(topic).txt")
        }
    }
}
