import Foundation
import Testing
@testable import ReconcileKit

/// `--metrics-file` end to end: the file a plan, an apply, a held and a partial run leave for
/// node_exporter's textfile collector (golden files, with the clock readings normalised), how it is
/// written (whole, mode 0644, no temporary file left) and when it is not (usage errors).
final class MetricsCommandLineTests {
    private let folder = TestSupport.temporaryFolder()
    private var store: String { folder + "/store.db" }
    private var metricsFolder: String { folder + "/textfile" }
    private var metrics: String { metricsFolder + "/reconcile.prom" }
    private let dayOne = TestSupport.sample("graph")
    private let dayTwo = TestSupport.sample("graph-next-day")
    private let started = Date().timeIntervalSince1970

    init() throws {
        try FileManager.default.createDirectory(atPath: metricsFolder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func reconcile(_ arguments: String..., environment: [String: String] = [:]) throws -> TestSupport.Run {
        try TestSupport.run(arguments, environment: environment)
    }

    /// The metrics file with its clock readings checked (a duration under a minute, times within this
    /// test) and replaced by `D` and `T`.
    private func normalizedMetrics(sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let text = String(decoding: TestSupport.bytes(metrics), as: UTF8.self)
        let now = Date().timeIntervalSince1970
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " ") else { return String(line) }
            let name = line[..<space], value = Double(line[line.index(after: space)...]) ?? -1
            switch name {
            case "reconcile_run_duration_seconds":
                #expect((0..<60).contains(value), "duration \(value)", sourceLocation: sourceLocation)
                return name + " D"
            case "reconcile_last_run_timestamp_seconds", "reconcile_last_success_timestamp_seconds":
                #expect(value >= started - 1 && value <= now + 1, "\(name) \(value)", sourceLocation: sourceLocation)
                return name + " T"
            default:
                return String(line)
            }
        }.joined(separator: "\n")
    }

    /// The metrics folder holds the metrics file and nothing else: no temporary file is left behind.
    private func expectOnlyTheMetricsFile(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: metricsFolder) == ["reconcile.prom"], sourceLocation: sourceLocation)
    }

    @Test func planCountsPlannedActionsAgainstAStoreThatDoesNotExistYet() throws {
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--plan", "--metrics-file", metrics)
        #expect(run.status == 0)
        CommandLineSupport.expectGolden(normalizedMetrics(), named: "metrics-plan.prom")
        try expectOnlyTheMetricsFile()
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func applyCountsAppliedActionsManagedUsersAndTheLastSuccessInMode0644() throws {
        // A umask that would leave the file unreadable to the collector, which runs as another user.
        let run = try TestSupport.run(
            ["-c", "umask 077; exec \"$0\" \"$@\"", TestSupport.binary, "--snapshot", dayOne, "--store", store, "--apply",
             "--metrics-file", metrics],
            executable: "/bin/sh")
        #expect(run.status == 0)
        CommandLineSupport.expectGolden(normalizedMetrics(), named: "metrics-apply.prom")
        let attributes = try FileManager.default.attributesOfItem(atPath: metrics)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        try expectOnlyTheMetricsFile()
    }

    @Test func heldApplyCountsStagedActionsAndTheQuarantine() throws {
        #expect(try reconcile("--snapshot", dayOne, "--store", store, "--apply").status == 0)
        let run = try reconcile("--snapshot", dayTwo, "--store", store, "--apply", "--deletion-threshold", "1", "--metrics-file", metrics)
        #expect(run.status == 3)
        CommandLineSupport.expectGolden(normalizedMetrics(), named: "metrics-held.prom")
        try expectOnlyTheMetricsFile()
    }

    @Test func partialApplyPlanCountsTheFailureAndIsNotASuccess() throws {
        #expect(try reconcile("--snapshot", dayOne, "--store", store, "--apply").status == 0)
        let planFile = folder + "/plan.json"
        #expect(try reconcile("--snapshot", dayTwo, "--store", store, "--plan", "--out", planFile).status == 0)
        // Anna's version no longer matches the store: her update fails, the other four apply.
        var plan = try Plan(json: try JSONReader.parse(contentsOf: planFile), file: planFile)
        let index = try #require(plan.actions.firstIndex { $0.userName == "anna.weber@contosopharma.example" })
        plan.actions[index].version = "W/\"9\""
        try Data(plan.fileText.utf8).write(to: URL(fileURLWithPath: planFile))

        let run = try reconcile("--apply-plan", planFile, "--store", store, "--metrics-file", metrics)
        #expect(run.status == 5)
        CommandLineSupport.expectGolden(normalizedMetrics(), named: "metrics-partial.prom")
        try expectOnlyTheMetricsFile()
    }

    @Test func failedRunWritesWhatItKnewAndAUsageErrorWritesNothing() throws {
        let bad = folder + "/truncated.json"
        try Data(#"{"value": [{"id": "a""#.utf8).write(to: URL(fileURLWithPath: bad))
        let usage = try reconcile("--snapshot", bad, "--store", store, "--apply", "--metrics-file", metrics, "--bogus")
        #expect(usage.status == 64)
        #expect(!FileManager.default.fileExists(atPath: metrics))

        let run = try reconcile("--snapshot", bad, "--store", store, "--apply", "--metrics-file", metrics)
        #expect(run.status == 1)
        let text = normalizedMetrics()
        #expect(text.contains("\nreconcile_run_outcome{outcome=\"failed\"} 1\n"))
        #expect(text.contains("\nreconcile_run_success 0\n"))
        #expect(text.contains("\nreconcile_managed_users 0\n"))
        #expect(!text.contains("users_in_snapshot"))
        #expect(!text.contains("last_success"))
        // A failed run may have applied batches before it stopped: its counts are left out, not guessed.
        #expect(!text.contains("reconcile_actions{"))
        try expectOnlyTheMetricsFile()
    }

    @Test func refusedShrunkSnapshotIsRecordedAsRefusedWithItsSize() throws {
        #expect(try reconcile("--snapshot", dayOne, "--store", store, "--apply").status == 0)
        let run = try reconcile("--snapshot", dayOne + "/users-page-2.json", "--store", store, "--apply", "--metrics-file", metrics)
        #expect(run.status == 1)
        let text = normalizedMetrics()
        #expect(text.contains("\nreconcile_run_outcome{outcome=\"refused\"} 1\n"))
        #expect(text.contains("\nreconcile_users_in_snapshot 10\n"))
        #expect(!text.contains("users_in_scope"))
        #expect(text.contains("\nreconcile_managed_users 22\n"))
        #expect(text.contains("\nreconcile_last_success_timestamp_seconds T\n"))
        // Refused before planning, it applied nothing: every apply series is there, at 0.
        let actions = text.split(separator: "\n").filter { $0.hasPrefix("reconcile_actions{") }
        #expect(actions.count == 18 && actions.allSatisfy { $0.hasSuffix("} 0") })
        #expect(actions.contains(#"reconcile_actions{action="create",status="success"} 0"#))
    }

    @Test func anUnwritableMetricsFileIsReportedAndTheExitCodeStays() throws {
        // A folder where the file should go: the rename fails, after the plan was printed.
        try FileManager.default.createDirectory(atPath: metrics + "/taken", withIntermediateDirectories: true)
        let run = try reconcile("--snapshot", dayOne, "--store", store, "--plan", "--metrics-file", metrics)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("Plan: 22 to create"))
        #expect(run.stderr.contains("reconcile: cannot write the metrics file \(metrics): rename .reconcile.prom.tmp-"))
        #expect(run.stderr.hasSuffix(" to reconcile.prom failed: Is a directory; check that its folder exists and this user may write "
            + "there (the run itself is not affected)\n"))
        try expectOnlyTheMetricsFile()
    }
}
