import Foundation
import ReconcileKit

/// What a run has learnt for `--metrics-file`, set as the run goes (one run per process) and read
/// once at its end by `Job.recordingMetrics`.
enum JobMetrics {
    nonisolated(unsafe) static var snapshotUsers: Int?
    /// The plan as shown: `--plan`'s, or an apply's with its held actions marked.
    nonisolated(unsafe) static var plan: Plan?
    /// A reviewed plan's snapshot, known before the plan is checked against the target.
    nonisolated(unsafe) static var reviewed: Plan.SnapshotInfo?
    /// How an apply that got to apply ended.
    nonisolated(unsafe) static var outcome: GuardedRun.Outcome?

    /// Notes what the input of a guarded run says about the snapshot.
    static func note(_ input: GuardedRun.Input) {
        switch input {
        case .snapshot(let users, _, _): snapshotUsers = users
        case .reviewed(let plan): reviewed = plan.snapshot
        }
    }
}

extension Job {
    /// Runs `body` (a plan, apply, apply-plan or recover) and, when `file` is given, writes the run's
    /// metrics there at the end, whether it succeeded, failed, quarantined or was refused by a guard.
    /// A failure to write them is reported on stderr and changes nothing else: the exit code and a
    /// thrown error are the run's own.
    /// - Parameters:
    ///   - location: the store or state file, read at the end for the managed users, the quarantine
    ///     and the last successful run.
    ///   - planning: `--plan` (actions counted as planned) rather than an apply.
    static func recordingMetrics(
        to file: String?, location: StateLocation, planning: Bool, _ body: () throws -> ExitCode
    ) throws -> ExitCode {
        guard let file else { return try body() }
        let started = Date()
        do {
            let code = try body()
            writeMetrics(to: file, outcome: planning ? "planned" : code == .partial ? "partial" : "success",
                         location: location, planning: planning, started: started)
            return code
        } catch {
            writeMetrics(to: file, outcome: RunMetrics.outcome(of: error), location: location, planning: planning, started: started)
            throw error
        }
    }

    private static func writeMetrics(to file: String, outcome: String, location: StateLocation, planning: Bool, started: Date) {
        var metrics = RunMetrics()
        metrics.outcome = outcome
        metrics.usersInSnapshot = JobMetrics.reviewed?.users ?? JobMetrics.snapshotUsers
        metrics.usersInScope = JobMetrics.reviewed?.inScope
        if planning {
            if let plan = JobMetrics.plan { metrics.countPlanned(plan) }
        } else if let applied = JobMetrics.outcome {
            metrics.countApplied(applied)
        } else if let shown = JobMetrics.plan {
            metrics.countHeld(shown)
        } else if outcome != "failed" {
            // Refused, locked, quarantined or stale before a plan was shown: nothing was applied. A failed
            // run may have committed batches before it stopped, so its counts are left out, not guessed.
            metrics.countNothingApplied()
        }
        if FileManager.default.fileExists(atPath: location.path) {
            do {
                try metrics.read(try location.open())
            } catch {
                printError("metrics: cannot read the run state of \(location.path): \(error)")
            }
        } else {
            metrics.noteNoState()
        }
        metrics.durationSeconds = Date().timeIntervalSince(started)
        metrics.finishedAt = Date().timeIntervalSince1970
        do {
            try metrics.write(to: file)
        } catch {
            printError(error.description)
        }
    }
}

extension RunOptions {
    /// The run state a run reads and writes: the embedded store, or a live endpoint's state file.
    var stateLocation: StateLocation {
        endpoint.map { StateLocation.stateFile($0.state ?? "") } ?? .store(store)
    }
}
