import Foundation
import Testing
@testable import ReconcileKit

/// The deletion threshold and the partial-export guard: each tripping, held, and overridden, through
/// guarded runs against a temporary store.
final class GuardTests {
    let bench: SafetyBench

    init() throws {
        bench = try SafetyBench()
    }

    // MARK: - Deletion threshold

    @Test func disablesOverTheThresholdAreStagedTheJobQuarantinedAndNothingApplied() throws {
        bench.settings.deletionThreshold = 3
        try bench.run(SafetyBench.users(10))
        let before = try bench.rows("SELECT * FROM users ORDER BY id")
        bench.clock.advance(hours: 24)
        let heldAt = bench.clock.stamp

        let error = try #require(throws: SafetyError.self) {
            try self.bench.run(SafetyBench.users(10, disabled: [2, 4, 6, 8]))
        }
        let verdict = DeletionGuard.Verdict(planned: 4, managed: 10, limit: 3, percent: nil)
        #expect(error == .deletionThresholdExceeded(verdict, runID: 2, alreadyQuarantined: false))
        #expect(error.description == "4 disables and deletes planned, more than the deletion threshold of 3: nothing was "
            + "applied and the job is quarantined (deletionThreshold). The held actions are marked staged in the plan and "
            + "logged in run 2 (reconcile logs --run 2 --action staged). If they are intended, run again with "
            + "--allow-deletions; if not, fix the cause (a partial export, a scoping or mapping change) and run again.")

        // Nothing was applied; the plan shown has every disable staged.
        #expect(try bench.rows("SELECT * FROM users ORDER BY id") == before)
        let shown = try #require(bench.shown.last)
        #expect(shown.actions.map(\.kind) == [.disable, .disable, .disable, .disable])
        #expect(shown.actions.allSatisfy { $0.hold == .staged })
        #expect(shown.stagedCount == 4)
        #expect(shown.text.contains("\nHeld: 4 disables and deletes staged by the deletion threshold, not applied; "
            + "after review, run with --allow-deletions to apply them.\n"))
        let user2 = try #require(shown.actions.first { $0.userName == "user0002@contoso.example" }?.targetId)
        #expect(shown.text.contains("\n  - user0002@contoso.example  \(user2)  disabledInSource  [staged: deletion threshold]\n"))
        let json = try JSONReader.parse(shown.fileText)
        #expect(json["summary"]?["staged"] == .number(4))
        #expect(json["actions"]?.arrayValue?.first?["held"] == .object(["by": .string("deletionThreshold")]))

        #expect(try bench.quarantine == QuarantineState(
            reason: .deletionThreshold, detail: "4 disables and deletes planned in run 2, more than the deletion threshold of 3",
            since: heldAt, runID: 2, lastChecked: heldAt))
        #expect(try bench.rows("SELECT action, status, user_name, error_code, reason FROM provisioning_log WHERE run_id = 2 ORDER BY id") == [
            ["staged", "skipped", "user0002@contoso.example", "deletionThreshold",
             "disable (disabledInSource) held by the deletion threshold; --allow-deletions applies it after review"],
            ["staged", "skipped", "user0004@contoso.example", "deletionThreshold",
             "disable (disabledInSource) held by the deletion threshold; --allow-deletions applies it after review"],
            ["staged", "skipped", "user0006@contoso.example", "deletionThreshold",
             "disable (disabledInSource) held by the deletion threshold; --allow-deletions applies it after review"],
            ["staged", "skipped", "user0008@contoso.example", "deletionThreshold",
             "disable (disabledInSource) held by the deletion threshold; --allow-deletions applies it after review"],
        ])
        let run = try bench.lastRun
        #expect(run.outcome == "held")
        #expect(run.staged == 4)
        #expect(run.disabled == 0)
    }

    @Test func quarantinedForDeletionsTheNextRunExitsQuarantinedUntilAllowed() throws {
        bench.settings.deletionThreshold = 3
        try bench.run(SafetyBench.users(10))
        let halfDisabled = SafetyBench.users(10, disabled: [2, 4, 6, 8])
        bench.clock.advance(hours: 24)
        let since = bench.clock.stamp
        #expect(throws: SafetyError.self) { try self.bench.run(halfDisabled) }

        bench.clock.advance(hours: 24)
        let again = try #require(throws: SafetyError.self) { try self.bench.run(halfDisabled) }
        #expect(again == .deletionThresholdExceeded(
            .init(planned: 4, managed: 10, limit: 3, percent: nil), runID: 3, alreadyQuarantined: true))
        #expect(again.description.hasPrefix("4 disables and deletes planned, more than the deletion threshold of 3: nothing "
            + "was applied and the job stays quarantined (deletionThreshold)."))
        #expect(try bench.lastRun.outcome == "quarantined")
        #expect(try bench.quarantine?.since == since)

        bench.clock.advance(hours: 1)
        let allowed = try bench.run(halfDisabled, allowDeletions: true)
        #expect(allowed.result.applied == [.disable: 4])
        #expect(try bench.quarantine == nil)
        #expect(bench.notices == ["left quarantine (deletionThreshold since \(since)): 4 disables and deletes planned, allowed by --allow-deletions"])
        #expect(try bench.activeUserNames.count == 6)
        #expect(try bench.lastRun.message
            == "left quarantine (deletionThreshold since \(since)): 4 disables and deletes planned, allowed by --allow-deletions")
    }

    @Test func fixingTheCauseLeavesDeletionQuarantineWithoutAllowing() throws {
        bench.settings.deletionThreshold = 3
        let everyone = SafetyBench.users(10)
        try bench.run(everyone)
        bench.clock.advance(hours: 24)
        let since = bench.clock.stamp
        #expect(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(10, disabled: [1, 2, 3, 4, 5])) }

        // The wrong export is replaced by a right one with two real disables.
        bench.clock.advance(hours: 24)
        let fixed = try bench.run(SafetyBench.users(10, disabled: [9, 10]))
        #expect(fixed.result.applied == [.disable: 2])
        #expect(bench.notices == ["left quarantine (deletionThreshold since \(since)): 2 disables and deletes planned, within the deletion threshold of 3"])
        #expect(try bench.quarantine == nil)
    }

    @Test func percentageThresholdCountsAgainstManagedUsers() throws {
        bench.settings.deletionThresholdPercent = 20
        try bench.run(SafetyBench.users(10))
        bench.clock.advance(hours: 24)
        let error = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(10, disabled: [1, 2, 3])) }
        #expect(error == .deletionThresholdExceeded(.init(planned: 3, managed: 10, limit: 2, percent: 20), runID: 2, alreadyQuarantined: false))
        #expect(error.description.hasPrefix(
            "3 disables and deletes planned, more than the deletion threshold of 20% of 10 managed users (2): nothing was applied"))

        // Two are within 20% of ten; the count limit (500) stays the lower one for large stores.
        bench.clock.advance(hours: 1)
        #expect(try bench.run(SafetyBench.users(10, disabled: [1, 2]), allowDeletions: false).result.applied == [.disable: 2])
    }

    @Test func heldActionsAreNotCountedAndTheThresholdIsInclusive() throws {
        let plan = Plan(
            createdAt: StageInputs.createdAt, snapshot: .init(sha256: "x", users: 3, inScope: 3),
            target: .init(kind: "sqlite", location: "store.db", fingerprint: "new"),
            actions: [
                PlanAction(kind: .disable, targetId: "t1", userName: "a"),
                PlanAction(kind: .delete, targetId: "t2", userName: "b"),
                PlanAction(kind: .disable, targetId: "t3", userName: "c").held(.deferred(nextRetry: "later", attempts: 1, lastError: "x")),
                PlanAction(kind: .update, targetId: "t4", userName: "d"),
            ],
            noChange: 0)
        var settings = SafetySettings()
        settings.deletionThreshold = 2
        let verdict = DeletionGuard.evaluate(plan, managedUsers: 4, settings: settings)
        #expect(verdict == .init(planned: 2, managed: 4, limit: 2, percent: nil))
        #expect(!verdict.exceeded)
        let staged = DeletionGuard.staging(plan)
        #expect(staged.actions.map(\.userName) == ["d", "a", "c", "b"])
        #expect(staged.actions.map(\.hold) == [
            nil, .staged, .deferred(nextRetry: "later", attempts: 1, lastError: "x"), .staged,
        ])
    }

    // MARK: - Partial exports

    @Test func emptySnapshotIsRefusedBeforePlanning() throws {
        try bench.run(SafetyBench.users(3))
        let error = try #require(throws: SafetyError.self) { try self.bench.run([]) }
        #expect(error == .emptySnapshot)
        #expect(error.description == "the snapshot holds no users: refused as a failed or partial export; nothing was "
            + "planned or applied. If the directory really has no users left, run again with --allow-shrink.")
        #expect(bench.shown.count == 1)
        #expect(try bench.activeUserNames.count == 3)
        #expect(try bench.lastRun.outcome == "refused")
        #expect(try bench.lastRun.message == error.description)
    }

    @Test func snapshotThatLostMoreThanTheLimitIsRefusedAndAllowShrinkOverridesIt() throws {
        try bench.run(SafetyBench.users(10))
        let finished = bench.clock.stamp
        bench.clock.advance(hours: 24)

        let error = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(7)) }
        #expect(error == .snapshotShrank(users: 7, last: .init(runID: 1, snapshotUsers: 10, finishedAt: finished), limitPercent: 20))
        #expect(error.description == "the snapshot holds 7 users, 3 (30%) fewer than the 10 of the last successful run "
            + "(run 1, \(finished)), more than the 20% allowed (safety.snapshotShrinkLimitPercent): refused as a likely "
            + "partial export; nothing was planned or applied. Check that the export is complete; if the directory really "
            + "shrank, run again with --allow-shrink.")
        #expect(try bench.activeUserNames.count == 10)
        #expect(try bench.quarantine == nil)

        let allowed = try bench.run(SafetyBench.users(7), allowShrink: true)
        #expect(allowed.result.applied == [.disable: 3])
        #expect(try bench.activeUserNames.count == 7)
    }

    @Test func shrinkWithinTheLimitAndGrowthPass() throws {
        try bench.run(SafetyBench.users(10))
        bench.clock.advance(hours: 24)
        #expect(try bench.run(SafetyBench.users(8)).result.applied == [.disable: 2])
        bench.clock.advance(hours: 24)
        // Compared with the last successful run (8 users), not the first.
        #expect(try bench.run(SafetyBench.users(7)).result.applied == [.disable: 1])
        bench.clock.advance(hours: 24)
        #expect(try bench.run(SafetyBench.users(20)).result.applied == [.create: 10, .update: 3])
    }

    @Test func refusedAndHeldRunsAreNotTheBaselineOfTheNextCheck() throws {
        try bench.run(SafetyBench.users(10))
        bench.clock.advance(hours: 24)
        #expect(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(5)) }
        #expect(try RunHistory.lastSuccessful(bench.database)?.runID == 1)
        #expect(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(5)) }
    }
}
