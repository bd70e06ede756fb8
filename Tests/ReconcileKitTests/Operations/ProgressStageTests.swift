import Foundation
import Testing
@testable import ReconcileKit

/// The stages' progress hooks (loader, store, planner, applier) and `--progress` on the real binary.
final class ProgressStageTests {
    private let folder: String

    init() {
        folder = TestSupport.temporaryFolder()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The closing lines of `stderr` with times and rates replaced by `T` and `R`, which vary run to run.
    private static func closingLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(" took ") || !$0.contains("%") }.map(normalized)
    }

    private static func normalized(_ line: String) -> String {
        line.replacingOccurrences(of: #"(took|in) [0-9.]+ s"#, with: "$1 T", options: .regularExpression)
            .replacingOccurrences(of: #"(?<= )[0-9.,]+( kB| MB)?/s(?=[,)]|  |$)"#, with: "R", options: .regularExpression)
    }

    @Test func eachStageAdvancesByWhatItCounts() throws {
        // With a 0 s interval and a clock that stands still, every clock check writes a line.
        let clock = ManualClock(), output = CapturedOutput()
        let progress = ProgressReporter(style: .plain, interval: 0, clock: clock.read, write: output.write)
        let export = TestSupport.sample("graph")
        var bytes = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: export) {
            bytes += try #require(FileManager.default.attributesOfItem(atPath: export + "/" + name)[.size] as? Int)
        }
        #expect(SnapshotLoader.exportBytes(at: export) == bytes)
        #expect(SnapshotLoader.exportBytes(at: folder + "/missing") == nil)

        progress.begin(stage: "reading the export", total: SnapshotLoader.exportBytes(at: export), unit: "bytes")
        let snapshot = try SnapshotLoader().load(path: export, progress: progress)
        progress.finish()
        let store = try SQLiteStore(path: folder + "/store.db", create: true)
        let empty = try store.targetState(progress: progress)
        progress.begin(stage: "planning", total: snapshot.users.count, unit: "users")
        let plan = Planner(mapping: .uiPath).plan(snapshot: snapshot, target: empty, createdAt: StoreFixtures.planTime, progress: progress)
        progress.finish()
        _ = try Applier(target: store, state: store.runState, progress: progress)
            .apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        #expect(Self.closingLines(output.text) == [
            "reconcile: reading the export took T (19.7 kB)",
            "reconcile: reading the store took T (0 rows)",
            "reconcile: planning took T (25 users)",
            "reconcile: applying took T (22 actions)",
        ])

        let before = output.writes.count
        _ = try store.targetState(progress: progress)
        progress.finish()
        // Rows are counted as each chunk of them becomes users (`UserRows.chunkSize`): 22 rows are one chunk.
        #expect(UserRows.chunkSize > 22)
        #expect(output.writes[before...].joined() == """
            reconcile: reading the store 100% (22 of 22)
            reconcile: reading the store took 0.0 s (22 rows)

            """)
    }

    @Test func plainProgressGoesToStderrAndLeavesStdoutAsItWas() throws {
        let quietStore = folder + "/quiet/store.db", store = folder + "/store.db"
        try FileManager.default.createDirectory(atPath: folder + "/quiet", withIntermediateDirectories: true)
        let quiet = try TestSupport.run(["--snapshot", TestSupport.sample("graph"), "--store", quietStore, "--apply"])
        let shown = try TestSupport.run(
            ["--snapshot", TestSupport.sample("graph"), "--store", store, "--apply", "--progress", "plain"],
            environment: ["RECONCILE_PROGRESS_INTERVAL": "0"])
        #expect(quiet.status == 0)
        #expect(shown.status == 0)
        // The plan names its store.
        #expect(shown.stdout == quiet.stdout.replacingOccurrences(of: quietStore, with: store))
        #expect(quiet.stderr == "reconcile: created new store \(quietStore) (schema version \(StoreFile.migrations.count))\n")
        #expect(Self.closingLines(shown.stderr) == [
            "reconcile: reading the export took T (19.7 kB, R)",
            "reconcile: created new store \(store) (schema version \(StoreFile.migrations.count))",
            "reconcile: reading the store took T (0 rows, R)",
            "reconcile: planning took T (25 users, R)",
            "reconcile: applying took T (22 actions, R)",
        ])
        let stage = #"^reconcile: (reading the export|reading the store|planning|applying) [0-9]+% \(.+\)$"#
        let others = shown.stderr.split(separator: "\n").filter { !$0.contains(" took ") && !$0.contains("created new store") }
        #expect(!others.isEmpty)
        #expect(others.allSatisfy { $0.range(of: stage, options: .regularExpression) != nil })
    }

    @Test func theBarIsRedrawnInPlaceAndEndsWithEachStagesTime() throws {
        // --plan leaves a missing store missing: both runs plan against the same path.
        let store = folder + "/store.db"
        let quiet = try TestSupport.run(["--snapshot", TestSupport.sample("graph"), "--store", store, "--plan"])
        let shown = try TestSupport.run(
            ["--snapshot", TestSupport.sample("graph"), "--store", store, "--plan", "--progress", "bar"],
            environment: ["RECONCILE_PROGRESS_INTERVAL": "0"])
        #expect(shown.status == 0)
        #expect(shown.stdout == quiet.stdout)
        // The bar's cells are what is left of 80 columns: they vary with the rate.
        let finals = shown.stderr.split(separator: "\n").map {
            Self.normalized(String($0.split(separator: "\r").last ?? ""))
                .replacingOccurrences(of: #"\[#+\]"#, with: "[##]", options: .regularExpression)
        }
        #expect(finals == [
            "reading the export  [##] 100%  19.7 kB/19.7 kB  R  in T\u{1B}[K",
            "reconcile: store \(store) does not exist yet; planning against an empty store (--apply creates it)",
            "planning  [##] 100%  25/25  R  in T\u{1B}[K",
        ])
    }

    @Test func theNightlyMailLeavesProgressLinesInTheLog() throws {
        // A stand-in for a long run that fails: progress lines, then the diagnostic that matters.
        let stub = folder + "/reconcile-stub"
        try Data("""
            #!/bin/sh
            echo 'Plan: 1 to create.'
            echo 'reconcile: reading the export took 12 s (1.2 GB, 100.0 MB/s)' >&2
            echo 'reconcile: reading the store 482,113 rows (60,264/s, 8 s so far)' >&2
            echo 'reconcile: applying 48% (480,000 of 1,000,000, 60,000/s, ETA 9 s)' >&2
            echo 'reconcile: applying took 16 s (1,000,000 actions, 62,500/s)' >&2
            echo 'reconcile: failed: create alice@contoso.example: the endpoint refused it' >&2
            exit 5

            """.utf8).write(to: URL(fileURLWithPath: stub))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)
        let log = folder + "/reconcile.log"
        let run = try TestSupport.run([], environment: [
            "RECONCILE_ENV": folder + "/no-such-env-file", "RECONCILE_BIN": stub, "RECONCILE_ARGS": "--apply", "RECONCILE_LOG": log,
        ], executable: TestSupport.packageRoot + "/cron/reconcile-nightly")
        #expect(run.status == 5)
        #expect(run.stdout.hasSuffix("""
            Plan: 1 to create.
            Diagnostics:
            reconcile: failed: create alice@contoso.example: the endpoint refused it
            Full output: \(log)

            """))
        #expect(String(decoding: TestSupport.bytes(log), as: UTF8.self)
            .contains("stderr: reconcile: applying 48% (480,000 of 1,000,000, 60,000/s, ETA 9 s)\n"))
    }

    @Test func refusesAnUnknownProgressModeAndABadInterval() throws {
        let store = folder + "/store.db"
        let mode = try TestSupport.run(["--snapshot", TestSupport.sample("graph"), "--store", store, "--plan", "--progress", "sometimes"])
        #expect(mode.status == 64)
        #expect(mode.stderr == "reconcile: --progress takes auto, bar, plain or none, not 'sometimes'\nRun 'reconcile --help' for usage.\n")
        let interval = try TestSupport.run(
            ["--snapshot", TestSupport.sample("graph"), "--store", store, "--apply"], environment: ["RECONCILE_PROGRESS_INTERVAL": "soon"])
        #expect(interval.status == 1)
        #expect(interval.stdout == "")
        #expect(interval.stderr == "reconcile: RECONCILE_PROGRESS_INTERVAL is 'soon', not a number of seconds: set it to the seconds "
            + "between progress lines (5 is the default, 0 writes every step), or unset it\n")
        #expect(!FileManager.default.fileExists(atPath: store))
    }
}
