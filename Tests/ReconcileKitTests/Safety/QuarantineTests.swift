import Foundation
import Testing
@testable import ReconcileKit

/// Quarantine entered and left for each reason, and `--recover`, through guarded runs against a
/// target whose connection check and actions can be made to fail.
final class QuarantineTests {
    let bench: SafetyBench

    init() throws {
        bench = try SafetyBench()
    }

    static let unreachable = TargetUnavailable(.unreachable, "cannot connect to https://scim.example/scim/v2 (connection refused)")
    static let refused = TargetUnavailable(.credentialsRefused, "GET https://scim.example/scim/v2/Users answered 401: the bearer token was rejected")

    // MARK: - The target

    @Test(arguments: [QuarantineTests.unreachable, QuarantineTests.refused])
    func failedConnectionCheckQuarantinesUntilTheTargetAnswersAgain(_ failure: TargetUnavailable) throws {
        let reason = QuarantineState.Reason(failure.kind)
        try bench.run(SafetyBench.users(3))
        bench.clock.advance(hours: 24)
        let since = bench.clock.stamp
        bench.target.probeFailure = failure

        let entered = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(4)) }
        let state = QuarantineState(reason: reason, detail: failure.message, since: since, runID: 2, lastChecked: since)
        #expect(entered == .targetUnavailable(failure, quarantine: state))
        #expect(entered.description == "the target failed its connection check: \(failure.message); nothing was applied and "
            + "the job is quarantined (\(reason.rawValue)). To leave quarantine: fix the connection or the credentials; the "
            + "next run checks again, or run --recover to restart now.")
        #expect(try bench.quarantine == state)
        #expect(try bench.lastRun.outcome == "quarantined")
        #expect(bench.shown.count == 1)

        bench.clock.advance(hours: 24)
        let checked = bench.clock.stamp
        let still = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(4)) }
        var stillState = state
        stillState.lastChecked = checked
        #expect(still == .quarantined(stillState, why: "the target still fails its connection check"))
        #expect(still.description == "the job is quarantined since \(since) (\(reason.rawValue): \(failure.message)); the "
            + "target still fails its connection check, so nothing was applied. To leave quarantine: fix the connection or "
            + "the credentials; the next run checks again, or run --recover to restart now.")
        #expect(try bench.activeUserNames.count == 3)

        bench.target.probeFailure = nil
        bench.clock.advance(hours: 24)
        let outcome = try bench.run(SafetyBench.users(4))
        #expect(outcome.result.applied == [.create: 1])
        #expect(bench.notices == ["left quarantine (\(reason.rawValue) since \(since)): the target passes its connection check again"])
        #expect(try bench.quarantine == nil)
    }

    @Test func anyOtherProbeErrorCountsAsUnreachable() throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }
        bench.target.probeFailure = Refused()
        let error = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(1)) }
        guard case .targetUnavailable(let failure, let state) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(failure == TargetUnavailable(.unreachable, "connection refused"))
        #expect(state.reason == .targetUnreachable)
    }

    @Test func targetGoingAwayMidRunQuarantinesTheJob() throws {
        bench.target.goesAwayAt = "user0002@contoso.example"
        let error = try #require(throws: ApplyError.self) { try self.bench.run(SafetyBench.users(3)) }
        #expect(error == .interrupted(applied: 0, reason: "cannot connect to scim.example (connection reset)"))
        #expect(try bench.quarantine?.reason == .targetUnreachable)
        #expect(bench.notices == ["entered quarantine (targetUnreachable): cannot connect to scim.example (connection reset); "
            + "fix the connection or the credentials; the next run checks again, or run --recover to restart now"])
        #expect(try bench.lastRun.outcome == "failed")
    }

    // MARK: - Too many failures

    @Test func tooManyFailuresQuarantineRetriesTheEscrowedFirstAndLeavesOnASuccess() throws {
        bench.settings.failureQuarantineMinimum = 2
        bench.target.failing = ["user0001@contoso.example", "user0002@contoso.example", "user0003@contoso.example"]
        let first = bench.clock.stamp
        let outcome = try bench.run(SafetyBench.users(5))
        #expect(outcome.result.applied == [.create: 2])
        #expect(outcome.result.failures.count == 3)
        let state = QuarantineState(
            reason: .tooManyFailures, detail: "3 of 5 actions failed in run 1, more than 40%", since: first, runID: 1, lastChecked: first)
        #expect(outcome.enteredQuarantine == state)
        #expect(bench.notices == ["entered quarantine (tooManyFailures): 3 of 5 actions failed in run 1, more than 40%; "
            + "find the cause with 'reconcile logs --status failure' and fix it; the next run retries the escrowed failures "
            + "that are due and leaves quarantine if one succeeds, or run --recover to retry them all now"])
        #expect(try bench.lastRun.outcome == "partial")

        // An hour later nothing is due: nothing at all is applied, not even the new user.
        bench.clock.advance(hours: 1)
        let waiting = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(6)) }
        var checked = state
        checked.lastChecked = bench.clock.stamp
        #expect(waiting == .quarantined(checked, why: "no escrowed failure is due for a retry before 2026-03-02T08:30:00.000Z"))
        #expect(try bench.activeUserNames.count == 2)

        // Six hours after the failures they are retried first; all fail again: still nothing else.
        bench.clock.advance(hours: 5)
        let failedAgain = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(6)) }
        checked.lastChecked = bench.clock.stamp
        #expect(failedAgain == .quarantined(checked, why: "all 3 escrowed failures retried in run 3 failed again"))
        #expect(try bench.activeUserNames.count == 2)
        #expect(try bench.escrow.map(\.attempts) == [2, 2, 2])
        #expect(try bench.lastRun.outcome == "quarantined")

        // Fixed: the retries succeed, quarantine ends, and the rest (the sixth user) is applied too.
        bench.target.failing = []
        bench.clock.advance(hours: 12)
        let recovered = try bench.run(SafetyBench.users(6))
        #expect(recovered.result.applied == [.create: 4])
        #expect(bench.notices == [
            "quarantined (tooManyFailures): retrying the 3 escrowed failures that are due before anything else",
            "left quarantine (tooManyFailures since \(first)): 3 of 3 escrowed failures succeeded on retry",
        ])
        #expect(try bench.quarantine == nil)
        #expect(try bench.escrow.isEmpty)
        #expect(try bench.activeUserNames.count == 6)
    }

    @Test func failuresBelowTheMinimumCountDoNotQuarantine() throws {
        bench.target.failing = ["user0001@contoso.example", "user0002@contoso.example"]
        let outcome = try bench.run(SafetyBench.users(2))
        #expect(outcome.result.failures.count == 2)
        #expect(outcome.enteredQuarantine == nil)
        #expect(try bench.quarantine == nil)
    }

    // MARK: - Recover

    @Test func recoverProbesClearsQuarantineAndEscrowAndRunsEverything() throws {
        bench.target.failing = ["user0001@contoso.example"]
        try bench.run(SafetyBench.users(2))
        bench.clock.advance(hours: 1)
        bench.target.probeFailure = Self.refused
        let since = bench.clock.stamp
        #expect(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(2)) }

        // --recover while the target still refuses: nothing changes.
        bench.clock.advance(hours: 1)
        let refused = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(2), mode: .recover) }
        guard case .quarantined(let state, let why) = refused else {
            Issue.record("unexpected \(refused)")
            return
        }
        #expect(state.reason == .credentialsRefused)
        #expect(why == "the target still fails its connection check")
        #expect(try bench.escrow.count == 1)

        bench.target.probeFailure = nil
        bench.target.failing = []
        bench.clock.advance(hours: 1)
        let outcome = try bench.run(SafetyBench.users(2), mode: .recover)
        #expect(outcome.result.applied == [.create: 1])
        #expect(bench.notices == [
            "--recover: left quarantine (credentialsRefused since \(since))",
            "--recover: cleared 1 escrowed failure; this run tries it again",
        ])
        #expect(try bench.quarantine == nil)
        #expect(try bench.escrow.isEmpty)
        #expect(try bench.lastRun.mode == "recover")
    }
}
