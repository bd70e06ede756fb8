import Foundation
import Testing
@testable import ReconcileKit

/// `--metrics-file` against a live endpoint (scim2-server 0.8.3 on loopback): a plan before the state
/// file exists, an apply, a reviewed plan and its stale repeat, each reading the state file.
final class MetricsEndpointTests {
    private let folder = TestSupport.temporaryFolder()
    private var tokenFile: String { folder + "/token" }
    private var state: String { folder + "/state.db" }
    private var metrics: String { folder + "/reconcile.prom" }

    init() {
        _ = FileManager.default.createFile(
            atPath: tokenFile, contents: Data((SCIMTestServer.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func reconcile(_ arguments: [String], tenant: String) throws -> TestSupport.Run {
        try TestSupport.run(arguments + ["--target", tenant, "--token-file", tokenFile, "--state", state, "--metrics-file", metrics])
    }

    /// The samples of the metrics file, without `# HELP` and `# TYPE` lines and clock readings.
    private func samples() -> [String] {
        String(decoding: TestSupport.bytes(metrics), as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.contains("_seconds ") && !$0.hasSuffix("} 0") }
    }

    @Test func everyEndpointRunModeWritesItsMetricsFromTheStateFile() throws {
        let tenant = try SCIMTestServer.tenant()
        let planned = try reconcile(["--snapshot", TestSupport.sample("graph"), "--plan"], tenant: tenant)
        #expect(planned.status == 0)
        #expect(samples() == [
            #"reconcile_actions{action="create",status="planned"} 22"#, "reconcile_run_success 1",
            #"reconcile_run_outcome{outcome="planned"} 1"#, "reconcile_users_in_snapshot 25", "reconcile_users_in_scope 25",
            "reconcile_managed_users 0", "reconcile_quarantined 0",
        ])
        // Reading the run state for the metrics never creates the state file a plan does not create.
        #expect(!FileManager.default.fileExists(atPath: state))

        #expect(try reconcile(["--snapshot", TestSupport.sample("graph"), "--apply"], tenant: tenant).status == 0)
        #expect(samples().contains("reconcile_managed_users 22"))
        #expect(samples().contains(#"reconcile_run_outcome{outcome="success"} 1"#))
        let text = String(decoding: TestSupport.bytes(metrics), as: UTF8.self)
        #expect(text.contains("\nreconcile_last_success_timestamp_seconds "))

        let planFile = folder + "/next-day.json"
        let next = try TestSupport.run(["--snapshot", TestSupport.sample("graph-next-day"), "--plan", "--out", planFile,
                                        "--target", tenant, "--token-file", tokenFile, "--state", state])
        #expect(next.status == 0)
        #expect(try reconcile(["--apply-plan", planFile], tenant: tenant).status == 0)
        #expect(samples() == [
            #"reconcile_actions{action="create",status="success"} 1"#, #"reconcile_actions{action="disable",status="success"} 2"#,
            #"reconcile_actions{action="update",status="success"} 2"#, "reconcile_run_success 1",
            #"reconcile_run_outcome{outcome="success"} 1"#, "reconcile_users_in_snapshot 25", "reconcile_users_in_scope 25",
            "reconcile_managed_users 23", "reconcile_quarantined 0",
        ])

        let stale = try reconcile(["--apply-plan", planFile], tenant: tenant)
        #expect(stale.status == 6)
        #expect(samples() == [
            "reconcile_run_success 0", #"reconcile_run_outcome{outcome="stale"} 1"#, "reconcile_users_in_snapshot 25",
            "reconcile_users_in_scope 25", "reconcile_managed_users 23", "reconcile_quarantined 0",
        ])
    }
}
