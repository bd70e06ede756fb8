import Foundation
import Testing
@testable import ReconcileKit

/// `reconcile status`: health, the lock, recent runs, escrowed failures and the next steps, as
/// text and JSON, with the bench's fixed clock.
final class StatusReportTests {
    let bench: SafetyBench

    init() throws {
        bench = try SafetyBench()
    }

    private var report: StatusReport {
        get throws { try StatusReport.read(bench.store.runState, location: "store.db") }
    }

    @Test func newStoreHasNoRunsYet() throws {
        #expect(try report.text == """
            reconcile status of store.db
            Health: healthy
            Lock: free
            Managed users: 0

            Recent runs: none

            Next:
              - No run has been recorded yet: run --apply.

            """)
    }

    @Test func healthyAfterASuccessfulRun() throws {
        try bench.run(SafetyBench.users(3))
        let report = try report
        #expect(report.health == "healthy")
        #expect(report.text == """
            reconcile status of store.db
            Health: healthy
            Lock: free
            Managed users: 3
            Last successful run: run 1, finished 2026-03-02T02:30:00.000Z, snapshot of 3 users

            Recent runs (newest first):
              run  started                   duration  mode   outcome  created  updated  linked  disabled  deleted  skipped  failed  staged  deferred  unchanged
              1    2026-03-02T02:30:00.000Z  0.0s      apply  success  3        0        0       0         0        0        0       0       0         0

            Next:
              - Nothing to do: the last run succeeded.

            """)
    }

    @Test func quarantineEscrowAndTheirNextStepsAreShown() throws {
        bench.settings.failureQuarantineMinimum = 1
        bench.target.failing = ["user0002@contoso.example"]
        try bench.run(SafetyBench.users(2))
        let report = try report
        #expect(report.health == "quarantined")
        #expect(report.text == """
            reconcile status of store.db
            Health: quarantined since 2026-03-02T02:30:00.000Z (tooManyFailures): 1 of 2 actions failed in run 1, more than 40%; last checked 2026-03-02T02:30:00.000Z
            Lock: free
            Managed users: 1
            Last successful run: run 1, finished 2026-03-02T02:30:00.000Z, snapshot of 2 users

            Recent runs (newest first):
              run  started                   duration  mode   outcome  created  updated  linked  disabled  deleted  skipped  failed  staged  deferred  unchanged
              1    2026-03-02T02:30:00.000Z  0.0s      apply  partial  1        0        0       0         0        0        1       0       0         0
                  entered quarantine (tooManyFailures): 1 of 2 actions failed in run 1, more than 40%; find the cause with 'reconcile logs --status failure' and fix it; the next run retries the escrowed failures that are due and leaves quarantine if one succeeds, or run --recover to retry them all now

            Escrowed failures (1):
              create user0002@contoso.example: failed 1 time since 2026-03-02T02:30:00.000Z; next retry 2026-03-02T08:30:00.000Z
                  last error http500: POST /Users answered 500 for user0002@contoso.example

            Next:
              - Find the cause with 'reconcile logs --status failure' and fix it; the next run retries the escrowed failures that are due and leaves quarantine if one succeeds, or run --recover to retry them all now.
              - 1 failed action waits for a retry (the next at 2026-03-02T08:30:00.000Z); scheduled runs retry them, --recover retries them now.

            """)
        let json = report.json
        #expect(json["health"] == .string("quarantined"))
        #expect(json["quarantine"]?["reason"] == .string("tooManyFailures"))
        #expect(json["escrow"]?.arrayValue?.first?["nextRetry"] == .string("2026-03-02T08:30:00.000Z"))
        #expect(json["runs"]?.arrayValue?.first?["failed"] == .number(1))
        #expect(json["lock"] == .null)
    }

    @Test func lockInProgressAndAnInterruptedRunAreShown() throws {
        try bench.run(SafetyBench.users(1))
        let me = ProcessIdentity.current()
        try bench.database.execute("INSERT INTO runs (id, started_at, mode) VALUES (2, '2026-03-03T02:30:00.000Z', 'apply')")
        try bench.database.prepare("""
            INSERT INTO run_lock (id, run_id, command, pid, process_start, host, since) VALUES (1, 2, 'apply', ?, ?, ?, '2026-03-03T02:30:00.000Z')
            """).run(.integer(Int64(me.pid)), SQLValue(me.start), .text(me.host))
        let report = try report
        #expect(report.lockHolderRunning == true)
        #expect(report.text.contains("\nLock: held by run 2 (reconcile apply), process \(me.pid) on host \(me.host), since 2026-03-03T02:30:00.000Z (running)\n"))
        #expect(report.text.contains("\n  2    2026-03-03T02:30:00.000Z  -         apply  running  0"))
        #expect(report.nextSteps == ["Run 2 is in progress; wait for it to finish before starting another."])
    }

    @Test func durationsAreShortForPeople() {
        #expect(StatusReport.duration(0.04) == "0.0s")
        #expect(StatusReport.duration(12.34) == "12.3s")
        #expect(StatusReport.duration(754) == "12m34s")
        #expect(StatusReport.duration(3 * 3600 + 5 * 60) == "3h05m")
    }
}
