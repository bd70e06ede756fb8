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
