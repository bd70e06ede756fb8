import Foundation
import Testing
@testable import ReconcileKit

@Test func writesPrometheusTextWithStableOrderAndEscapedLabels() {
    var metrics = RunMetrics()
    metrics.actions = [
        .init(action: "update", status: "success"): 2,
        .init(action: "create", status: "success"): 3,
        .init(action: "create", status: "failure"): 1,
    ]
    metrics.durationSeconds = 1.25
    metrics.usersInSnapshot = 25
    metrics.usersInScope = 24
    metrics.managedUsers = 22
    metrics.quarantined = false
    metrics.outcome = "partial"
    metrics.finishedAt = 1_795_000_000
    metrics.lastSuccess = 1_794_900_000
    #expect(metrics.prometheusText == """
        # HELP reconcile_actions Actions of the last run by kind and status.
        # TYPE reconcile_actions gauge
        reconcile_actions{action="create",status="failure"} 1
        reconcile_actions{action="create",status="success"} 3
        reconcile_actions{action="update",status="success"} 2
        # HELP reconcile_run_duration_seconds Wall time of the last run.
        # TYPE reconcile_run_duration_seconds gauge
        reconcile_run_duration_seconds 1.250
        # HELP reconcile_run_success 1 when the last run succeeded (nothing failed), else 0.
        # TYPE reconcile_run_success gauge
        reconcile_run_success 0
        # HELP reconcile_run_outcome The last run's outcome as a label.
        # TYPE reconcile_run_outcome gauge
        reconcile_run_outcome{outcome="partial"} 1
        # HELP reconcile_users_in_snapshot Users in the exported snapshot.
        # TYPE reconcile_users_in_snapshot gauge
        reconcile_users_in_snapshot 25
        # HELP reconcile_users_in_scope Snapshot users in scope.
        # TYPE reconcile_users_in_scope gauge
        reconcile_users_in_scope 24
        # HELP reconcile_managed_users Target users this job manages (created or matched).
        # TYPE reconcile_managed_users gauge
        reconcile_managed_users 22
        # HELP reconcile_quarantined 1 while the job is quarantined.
        # TYPE reconcile_quarantined gauge
        reconcile_quarantined 0
        # HELP reconcile_last_run_timestamp_seconds Unix time the last run ended.
        # TYPE reconcile_last_run_timestamp_seconds gauge
        reconcile_last_run_timestamp_seconds 1795000000
        # HELP reconcile_last_success_timestamp_seconds Unix time of the last successful run.
        # TYPE reconcile_last_success_timestamp_seconds gauge
        reconcile_last_success_timestamp_seconds 1794900000

        """)
}

@Test func escapesQuotesBackslashesAndNewlinesInLabels() {
    var metrics = RunMetrics()
    metrics.outcome = "odd \"outcome\"\\\n"
    #expect(metrics.prometheusText.contains(#"reconcile_run_outcome{outcome="odd \"outcome\"\\\n"} 1"#))
}

@Test func replacesTheMetricsFileWhole() throws {
    let path = TestSupport.temporaryFolder() + "/reconcile.prom"
    try Data("stale content that is longer than the new file would be, to catch partial overwrites\n".utf8)
        .write(to: URL(fileURLWithPath: path))
    var metrics = RunMetrics()
    metrics.finishedAt = 1
    try metrics.write(to: path)
    let written = String(decoding: TestSupport.bytes(path), as: UTF8.self)
    #expect(written == metrics.prometheusText)
    #expect(!written.contains("stale"))
}

@Test func leavesOutFiguresTheRunNeverLearnt() {
    var metrics = RunMetrics()
    metrics.outcome = "failed"
    metrics.finishedAt = 1_795_000_000
    let text = metrics.prometheusText
    for family in ["users_in_snapshot", "users_in_scope", "managed_users", "quarantined", "last_success_timestamp_seconds"] {
        #expect(!text.contains("reconcile_\(family)"))
    }
    #expect(text.contains("\nreconcile_run_success 0\n"))
    #expect(text.contains("\nreconcile_run_outcome{outcome=\"failed\"} 1\n"))
}

@Test func countsPlannedActionsOfEveryKindZerosIncluded() throws {
    let users = try [
        StageInputs.graphUser(id: "u-new", upn: "new@contoso.example", record: 1),
        StageInputs.graphUser(id: "u-other", upn: "other@contoso.example", record: 2),
    ]
    var metrics = RunMetrics()
    metrics.countPlanned(StageInputs.plan(users, StageInputs.state([])))
    #expect(metrics.actions == [
        .init(action: "create", status: "planned"): 2, .init(action: "update", status: "planned"): 0,
        .init(action: "link", status: "planned"): 0, .init(action: "disable", status: "planned"): 0,
        .init(action: "delete", status: "planned"): 0, .init(action: "skip", status: "planned"): 0,
    ])
    #expect(metrics.usersInSnapshot == 2)
    #expect(metrics.usersInScope == 2)
}

@Test func countsHeldActionsAsStagedOrSkippedAndNothingAsApplied() {
    let staged = PlanAction(kind: .disable, targetId: "t1", userName: "a@contoso.example", reason: .missingFromSnapshot).held(.staged)
    let deferred = PlanAction(kind: .update, targetId: "t2", userName: "b@contoso.example")
        .held(.deferred(nextRetry: "2026-03-02T13:00:00.000Z", attempts: 1, lastError: "500"))
    let plain = PlanAction(kind: .create, sourceId: "u3", userName: "c@contoso.example")
    let plan = Plan(
        createdAt: StageInputs.createdAt, snapshot: .init(sha256: "x", users: 9, inScope: 8),
        target: .init(kind: "sqlite", location: "store.db", fingerprint: "fp"), actions: [staged, deferred, plain], noChange: 0)
    var metrics = RunMetrics()
    metrics.countHeld(plan)
    #expect(metrics.actions.filter { $0.value > 0 } == [
        .init(action: "disable", status: "staged"): 1, .init(action: "update", status: "skipped"): 1,
    ])
    // Every status an apply can report is there, zeros included: 5 kinds x 3, staged for 2, skipped skips.
    #expect(metrics.actions.count == 18)
    #expect(metrics.actions[.init(action: "create", status: "success")] == 0)
    #expect(metrics.actions[.init(action: "delete", status: "staged")] == 0)
    #expect(metrics.actions[.init(action: "skip", status: "skipped")] == 0)
    #expect((metrics.usersInSnapshot, metrics.usersInScope) == (9, 8))
}

@Test func namesTheOutcomeOfEachWayARunIsStopped() {
    let verdict = DeletionGuard.Verdict(planned: 4, managed: 10, limit: 3, percent: nil)
    #expect(RunMetrics.outcome(of: SafetyError.deletionThresholdExceeded(verdict, runID: 2, alreadyQuarantined: false)) == "held")
    #expect(RunMetrics.outcome(of: SafetyError.deletionThresholdExceeded(verdict, runID: 3, alreadyQuarantined: true)) == "quarantined")
    #expect(RunMetrics.outcome(of: SafetyError.emptySnapshot) == "refused")
    #expect(RunMetrics.outcome(of: ApplyError.stalePlan(planned: "a", current: "b")) == "stale")
    #expect(RunMetrics.outcome(of: ApplyError.interrupted(applied: 0, reason: "disk full")) == "failed")
}

@Test func writesTheFileWithMode0644AndLeavesNoTemporaryFile() throws {
    let folder = TestSupport.temporaryFolder()
    let path = folder + "/reconcile.prom"
    var metrics = RunMetrics()
    metrics.finishedAt = 1
    try metrics.write(to: path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["reconcile.prom"])
}

@Test func aFailedWriteSaysWhatFailedAndRemovesItsTemporaryFile() throws {
    let folder = TestSupport.temporaryFolder()
    // A folder where the file should be: the rename over it fails after the temporary file was written.
    let path = folder + "/reconcile.prom"
    try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
    var metrics = RunMetrics()
    metrics.finishedAt = 1
    let error = #expect(throws: MetricsFileError.self) { try metrics.write(to: path) }
    #expect(error?.description == "cannot write the metrics file \(path): rename .reconcile.prom.tmp-\(getpid()) to reconcile.prom "
        + "failed: Is a directory; check that its folder exists and this user may write there (the run itself is not affected)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["reconcile.prom"])

    let missing = folder + "/no-such-folder/reconcile.prom"
    let second = #expect(throws: MetricsFileError.self) { try metrics.write(to: missing) }
    #expect(second?.step == "create the temporary file .reconcile.prom.tmp-\(getpid())")
    #expect(second?.reason == "No such file or directory")
}
