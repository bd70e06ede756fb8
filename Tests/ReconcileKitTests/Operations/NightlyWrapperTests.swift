import Foundation
import Testing

/// The cron/systemd wrapper `cron/reconcile-nightly`: its log file, its mail summary and its exit codes,
/// run with the real binary on the samples, and with a stand-in that exits with each failure code.
final class NightlyWrapperTests {
    private let folder = TestSupport.temporaryFolder()
    private let wrapper = TestSupport.packageRoot + "/cron/reconcile-nightly"
    private var log: String { folder + "/logs/reconcile.log" }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func nightly(
        _ args: String, mailOn: String? = nil, bin: String = TestSupport.binary, envFile: String? = nil, metricsFile: String? = nil
    ) throws -> TestSupport.Run {
        var environment = [
            "RECONCILE_ENV": envFile ?? folder + "/no-such-env-file",
            "RECONCILE_BIN": bin,
            "RECONCILE_ARGS": args,
            "RECONCILE_LOG": log,
            "RECONCILE_METRICS_FILE": metricsFile ?? "",
        ]
        environment["MAIL_ON"] = mailOn
        return try TestSupport.run([], environment: environment, executable: wrapper)
    }

    private func applyArgs(_ snapshot: String) -> String {
        "--snapshot \(TestSupport.sample(snapshot)) --store \(folder)/store.db --apply"
    }

    @Test func summarisesAnApplyThatChangedSomethingAndLogsEverything() throws {
        let run = try nightly(applyArgs("graph"))
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("reconcile 20") && lines[0].hasSuffix(": success (exit 0)"))
        #expect(lines[1] == "Plan: 22 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged, 3 disabled and not provisioned.")
        #expect(lines[2] == "Applied 22 changes in run 1.")
        #expect(lines[3] == "Diagnostics:")
        #expect(lines[4].hasPrefix("reconcile: created new store"))
        #expect(lines[5] == "Full output: \(log)")
        let logged = String(decoding: TestSupport.bytes(log), as: UTF8.self)
        #expect(logged.hasPrefix("=== 20"))
        #expect(logged.contains(" reconcile \(applyArgs("graph")) (exit 0)\n"))
        #expect(logged.contains("Create (22):"))
        #expect(logged.contains("stderr: reconcile: created new store"))
    }

    @Test func staysQuietWhenNothingChangedButStillLogs() throws {
        #expect(try nightly(applyArgs("graph")).status == 0)
        let quiet = try nightly(applyArgs("graph"))
        #expect(quiet.status == 0)
        #expect(quiet.stdout == "")
        #expect(quiet.stderr == "")
        let logged = String(decoding: TestSupport.bytes(log), as: UTF8.self)
        #expect(logged.components(separatedBy: "=== ").count == 3)
        #expect(logged.contains("Nothing to do: the target matches the snapshot."))
    }

    @Test func mailOnAlwaysReportsEvenAQuietNight() throws {
        #expect(try nightly(applyArgs("graph")).status == 0)
        let run = try nightly(applyArgs("graph"), mailOn: "always")
        #expect(run.status == 0)
        #expect(run.stdout.contains(": success (exit 0)\n"))
        #expect(run.stdout.contains("Applied 0 changes in run 2.\n"))
    }

    @Test func mailOnFailureStaysQuietAfterChanges() throws {
        let run = try nightly(applyArgs("graph"), mailOn: "failure")
        #expect(run.status == 0)
        #expect(run.stdout == "")
    }

    @Test func reportsABadExportAsAFailureWithItsDiagnostic() throws {
        let bad = TestSupport.write(#"{"value": [{"id": "a""#, name: "truncated.json")
        let run = try nightly("--snapshot \(bad) --store \(folder)/store.db --apply", mailOn: "failure")
        #expect(run.status == 1)
        #expect(run.stdout.contains(": FAILED: error, nothing applied (exit 1)\n"))
        #expect(run.stdout.contains("Diagnostics:\nreconcile: \(bad):1:22: unexpected end of input"))
    }

    @Test(arguments: [
        (3, "QUARANTINED: deletion threshold exceeded, nothing applied; review with --plan, then --allow-deletions"),
        (4, "NOT RUN: quarantined or locked by another run; see 'reconcile status'"),
        (5, "PARTIAL: some actions failed and are escrowed for retry; see 'reconcile status'"),
        (6, "STALE PLAN: the store changed since the plan; nothing applied"),
        (42, "FAILED: exit code 42"),
    ])
    func namesEachFailureCodeAndPassesItOn(code: Int, meaning: String) throws {
        // A stand-in for reconcile that fails with `code`: the only way to reach every code on demand.
        let stub = folder + "/reconcile-stub"
        try Data("#!/bin/sh\necho 'Plan: 1 to create.'\necho 'something went wrong' >&2\nexit \(code)\n".utf8)
            .write(to: URL(fileURLWithPath: stub))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)
        let run = try nightly("--apply", mailOn: "failure", bin: stub)
        #expect(run.status == Int32(code))
        #expect(run.stdout.contains(": \(meaning) (exit \(code))\nPlan: 1 to create.\nDiagnostics:\nsomething went wrong\n"))
    }

    @Test func refusesToRunWithoutArguments() throws {
        let run = try nightly("")
        #expect(run.status == 64)
        #expect(run.stderr.contains("RECONCILE_ARGS is empty"))
        #expect(!FileManager.default.fileExists(atPath: log))
    }

    @Test func passesTheMetricsFileWhenSetAsOneArgumentAndLogsIt() throws {
        let metrics = folder + "/text file/reconcile.prom"
        try FileManager.default.createDirectory(atPath: folder + "/text file", withIntermediateDirectories: true)
        let run = try nightly(applyArgs("graph"), metricsFile: metrics)
        #expect(run.status == 0)
        #expect(run.stdout.contains("\nApplied 22 changes in run 1.\n"))
        let written = String(decoding: TestSupport.bytes(metrics), as: UTF8.self)
        #expect(written.contains("\nreconcile_actions{action=\"create\",status=\"success\"} 22\n"))
        #expect(written.contains("\nreconcile_run_outcome{outcome=\"success\"} 1\n"))
        let logged = String(decoding: TestSupport.bytes(log), as: UTF8.self)
        #expect(logged.contains(" reconcile \(applyArgs("graph")) --metrics-file \(metrics) (exit 0)\n"))
    }

    @Test func readsTheMetricsFileFromTheEnvironmentFileAndWritesItForAFailedRunToo() throws {
        let metrics = folder + "/reconcile.prom"
        let envFile = folder + "/reconcile.env"
        try Data("RECONCILE_METRICS_FILE=\(metrics)\n".utf8).write(to: URL(fileURLWithPath: envFile))
        let bad = TestSupport.write(#"{"value": [{"id": "a""#, name: "truncated.json")
        // The environment file is sourced after the environment: its setting wins over the empty one.
        let run = try nightly("--snapshot \(bad) --store \(folder)/store.db --apply", mailOn: "failure", envFile: envFile)
        #expect(run.status == 1)
        let written = String(decoding: TestSupport.bytes(metrics), as: UTF8.self)
        #expect(written.contains("\nreconcile_run_outcome{outcome=\"failed\"} 1\n"))
        #expect(written.contains("\nreconcile_run_success 0\n"))
    }

    @Test func writesNoMetricsFileWhenNoneIsSet() throws {
        #expect(try nightly(applyArgs("graph")).status == 0)
        let logged = String(decoding: TestSupport.bytes(log), as: UTF8.self)
        #expect(!logged.contains("--metrics-file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["logs", "store.db"])
    }

    @Test func refusesAnUnknownMailSetting() throws {
        let run = try nightly(applyArgs("graph"), mailOn: "sometimes")
        #expect(run.status == 64)
        #expect(run.stderr == "reconcile-nightly: MAIL_ON must be failure, changes or always, not 'sometimes'\n")
    }
}
