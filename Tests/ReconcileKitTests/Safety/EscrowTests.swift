import Foundation
import Testing
@testable import ReconcileKit

/// Escrow: a failed action is retried on Entra's back-off schedule (6 h, 12 h, 24 h, then daily),
/// deferred in between, given up after 28 days, and cleared by a success; with an injected clock.
final class EscrowTests {
    let bench: SafetyBench

    init() throws {
        bench = try SafetyBench()
        // These tests read the noChange records too (off by default).
        bench.settings.logUnchanged = true
    }

    static let alice = "user0001@contoso.example"
    static let error = "http500: POST /Users answered 500 for user0001@contoso.example"

    @Test func scheduleWaitsSixTwelveTwentyFourHoursThenDaily() {
        let schedule = RetrySchedule()
        #expect((1...6).map { schedule.delay(afterFailures: $0) / 3600 } == [6, 12, 24, 24, 24, 24])
        #expect(schedule.giveUpAfter == 28 * 86400)
    }

    @Test func failedActionIsRetriedOnTheScheduleAndDeferredInBetween() throws {
        bench.target.failing = [Self.alice]
        let start = bench.clock.now
        func hours(_ value: Double) -> String { Timestamp.format(start.addingTimeInterval(value * 3600)) }

        let first = try bench.run(SafetyBench.users(2))
        #expect(first.result.failures.map(\.code) == ["http500"])
        #expect(try bench.escrow == [EscrowEntry(
            key: "id-0001", sourceID: "id-0001", targetID: nil, userName: Self.alice, action: "create", errorCode: "http500",
            error: "POST /Users answered 500 for \(Self.alice)", attempts: 1, firstFailed: hours(0), lastFailed: hours(0),
            nextRetry: hours(6), givenUp: nil, runID: 1)])

        // Every hour a run: the action is attempted only when its retry is due.
        var attemptedAt: [Double] = []
        var deferredRuns = 0
        for hour in 1...100 {
            bench.clock.now = start.addingTimeInterval(Double(hour) * 3600)
            let outcome = try bench.run(SafetyBench.users(2))
            let action = try #require(outcome.plan.actions.first)
            if let hold = action.hold {
                deferredRuns += 1
                #expect(outcome.result.failures.isEmpty)
                guard case .deferred(let next, _, let lastError) = hold else {
                    Issue.record("unexpected hold \(hold)")
                    continue
                }
                #expect(lastError == Self.error)
                #expect(next > bench.clock.stamp)
            } else {
                attemptedAt.append(Double(hour))
                #expect(outcome.result.failures.count == 1)
            }
        }
        #expect(attemptedAt == [6, 18, 42, 66, 90])
        #expect(deferredRuns == 95)
        let entry = try #require(try bench.escrow.first)
        #expect(entry.attempts == 6)
        #expect(entry.firstFailed == hours(0))
        #expect(entry.lastFailed == hours(90))
        #expect(entry.nextRetry == hours(114))

        // Deferred actions are visible in the plan, the provisioning log and the run record.
        let deferred = try bench.rows("SELECT action, status, error_code, reason FROM provisioning_log WHERE run_id = 101 AND user_name = '\(Self.alice)'")
        #expect(deferred == [["create", "skipped", "escrowDeferred", .text("deferred: failed 6 times, next retry \(hours(114))")]])
        #expect(try bench.lastRun.deferred == 1)
        #expect(try bench.lastRun.outcome == "success")
    }

    @Test func successClearsTheEntry() throws {
        bench.target.failing = [Self.alice]
        try bench.run(SafetyBench.users(2))
        bench.target.failing = []
        bench.clock.advance(hours: 6)
        let outcome = try bench.run(SafetyBench.users(2))
        #expect(outcome.result.applied == [.create: 1])
        #expect(try bench.escrow.isEmpty)
    }

    @Test func entryWhoseUserNoLongerNeedsTheActionIsCleared() throws {
        bench.target.failing = [Self.alice]
        try bench.run(SafetyBench.users(2))
        bench.clock.advance(hours: 1)
        // Alice left the directory before her account was ever created: nothing to retry.
        try bench.run(SafetyBench.users(1, from: 2), allowShrink: true)
        #expect(try bench.escrow.isEmpty)
    }

    @Test func escrowGivesUpAfterTwentyEightDaysUntilRecover() throws {
        bench.target.failing = [Self.alice]
        let start = bench.clock.now
        try bench.run(SafetyBench.users(2))
        for day in 1...27 {
            bench.clock.now = start.addingTimeInterval(Double(day) * 86400)
            #expect(try bench.run(SafetyBench.users(2)).givenUp.isEmpty)
        }
        bench.clock.now = start.addingTimeInterval(28 * 86400)
        let gaveUpAt = bench.clock.stamp
        let outcome = try bench.run(SafetyBench.users(2))
        #expect(outcome.givenUp.map(\.userName) == [Self.alice])
        let attempts = try #require(outcome.givenUp.first?.attempts)
        #expect(bench.notices == ["gave up retrying create \(Self.alice) after \(attempts) failed attempts since "
            + "\(Timestamp.format(start)); it is held until 'reconcile --recover'"])
        #expect(outcome.plan.actions.first?.hold == .givenUp(at: gaveUpAt, attempts: attempts, lastError: Self.error))
        #expect(try bench.rows("SELECT action, status, error_code FROM provisioning_log WHERE run_id = 29 ORDER BY id") == [
            ["create", "failure", "escrowExpired"], ["create", "skipped", "escrowGivenUp"], ["noChange", "skipped", .null],
        ])

        // Fixed, but given up: held until an admin recovers.
        bench.target.failing = []
        bench.clock.advance(hours: 24)
        #expect(try bench.run(SafetyBench.users(2)).result.applied.isEmpty)
        let recovered = try bench.run(SafetyBench.users(2), mode: .recover)
        #expect(recovered.result.applied == [.create: 1])
        #expect(try bench.escrow.isEmpty)
    }
}
