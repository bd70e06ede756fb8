import Foundation
import ReconcileKit

/// The safety side of the CLI: guarded applies, the `--plan` preview, `status`, `logs`, and the
/// notification after a run that needs attention.
extension Job {
    /// Applies through the safety checks (`GuardedRun`), printing the plan with `show` first.
    /// - Parameter progress: shows the applying stage on stderr.
    static func guarded(
        target: any ProvisioningTarget, state: RunState, input: GuardedRun.Input, mode: GuardedRun.Mode,
        safety: SafetyOptions, settings: SafetySettings, show: (Plan) throws -> Void, progress: ProgressReporter? = nil
    ) throws -> ExitCode {
        let run = GuardedRun(
            target: target, state: state, settings: settings,
            options: .init(mode: mode, allowDeletions: safety.allowDeletions, allowShrink: safety.allowShrink, breakLock: safety.breakLock),
            notice: printError, progress: progress)
        JobMetrics.note(input)
        let outcome: GuardedRun.Outcome
        do {
            outcome = try run.run(input, show: { plan in
                JobMetrics.plan = plan
                try show(plan)
            })
        } catch SafetyError.deletionThresholdExceeded(let verdict, let runID, let alreadyQuarantined) {
            // The plan is on stdout above; its closing line says why nothing followed it.
            print("Applied nothing in run \(runID): \(verdict.planned) disables and deletes held by the deletion threshold.")
            RunNotification.runID = runID
            throw SafetyError.deletionThresholdExceeded(verdict, runID: runID, alreadyQuarantined: alreadyQuarantined)
        }
        RunNotification.runID = outcome.runID
        JobMetrics.outcome = outcome
        for failure in outcome.result.failures {
            printError("failed: \(failure.action.kind.rawValue) \(failure.action.userName): \(failure.message)")
        }
        for warning in outcome.result.warnings { printError("warning: \(warning)") }
        let result = outcome.result
        let applied = PlanAction.Kind.allCases.filter { $0 != .skip }.map { result.applied[$0] ?? 0 }.reduce(0, +)
        var line = "Applied \(applied) change\(applied == 1 ? "" : "s") in run \(result.runID)"
        if !result.failures.isEmpty { line += "; \(result.failures.count) failed (see stderr and the provisioning log)" }
        let held = outcome.plan.deferredCount
        if held > 0 { line += "; \(held) held by escrow (see reconcile status)" }
        if !outcome.givenUp.isEmpty {
            line += "; escrow gave up on \(outcome.givenUp.count) failed action\(outcome.givenUp.count == 1 ? "" : "s") (fix, then --recover)"
        }
        if outcome.enteredQuarantine != nil { line += "; the job is quarantined" }
        print(line + ".")
        RunNotification.result = line + "."
        if !outcome.givenUp.isEmpty { RunNotification.needsAttention = true }
        return result.failures.isEmpty ? .success : .partial
    }

    /// The plan as `--plan` shows it: held actions marked, and what `--apply` would do said on stderr.
    static func preview(_ plan: Plan, state: RunState?, snapshotUsers: Int, safety: SafetyOptions, settings: SafetySettings) throws -> Plan {
        let (annotated, notices) = try GuardedRun.preview(
            plan, state: state, snapshotUsers: snapshotUsers, settings: settings, allowDeletions: safety.allowDeletions,
            allowShrink: safety.allowShrink)
        for notice in notices { printError(notice) }
        JobMetrics.plan = annotated
        return annotated
    }

    /// `reconcile status`: exit 0 when healthy, 4 when quarantined, 5 when something needs attention.
    static func status(_ options: StatusOptions) throws -> ExitCode {
        let report = try StatusReport.read(try options.location.open(), location: options.location.path)
        print(options.json ? JSONWriter.write(report.json, pretty: true) : report.text, terminator: options.json ? "\n" : "")
        switch report.health {
        case "quarantined": return .quarantined
        case "attention": return .partial
        default: return .success
        }
    }

    /// `reconcile logs`: the provisioning log records that match, in the chosen format.
    static func logs(_ options: LogsOptions) throws -> ExitCode {
        let records = try options.query.records(in: try options.location.open())
        print(options.format.write(records), terminator: "")
        return .success
    }
}

extension ExitCode {
    /// The exit code of a run stopped by `error` (DESIGN §3).
    init(stoppedBy error: any Error) {
        switch error {
        case let safety as SafetyError:
            switch safety {
            case .deletionThresholdExceeded(_, _, let alreadyQuarantined): self = alreadyQuarantined ? .quarantined : .thresholdExceeded
            case .locked, .quarantined, .targetUnavailable: self = .quarantined
            case .emptySnapshot, .snapshotShrank: self = .failure
            }
        case ApplyError.stalePlan: self = .stalePlan
        default: self = .failure
        }
    }

    /// One word for the notification's `RECONCILE_OUTCOME`.
    var outcomeWord: String {
        switch self {
        case .thresholdExceeded: return "held"
        case .quarantined: return "quarantined"
        case .partial: return "partial"
        default: return "failed"
        }
    }
}

/// The notification after a run that quarantined, failed or was partial (`--notify-command`).
enum RunNotification {
    // One run per process: these are set as the run goes and read once at its end.
    nonisolated(unsafe) static var command: String?
    nonisolated(unsafe) static var runID: Int64?
    nonisolated(unsafe) static var result: String?
    nonisolated(unsafe) static var needsAttention = false

    /// Runs `body` (an apply), prints a thrown error, and notifies when the exit code says the run
    /// needs attention. The notification's failure is reported on stderr and changes nothing else.
    /// - Parameter location: the store or state file of the run.
    static func around(_ arguments: [String], location: StateLocation, notify: String?, _ body: () throws -> ExitCode) -> ExitCode {
        command = notify
        let code: ExitCode
        var message: String?
        var outcome: String?
        do {
            code = try body()
        } catch {
            printError("\(error)")
            message = "\(error)"
            code = ExitCode(stoppedBy: error)
            if case SafetyError.locked = error { outcome = "locked" }
        }
        // Exit 0 notifies only when escrow gave up on a failure: the run worked, a user needs attention.
        let word = outcome ?? (code == .success ? "attention" : code.outcomeWord)
        guard let command, [.failure, .thresholdExceeded, .quarantined, .partial].contains(code) || needsAttention else { return code }
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "this host"
        let summary = [
            "reconcile \(arguments.first { $0 == "--apply" || $0 == "--recover" || $0 == "--apply-plan" } ?? "run") "
                + "on \(host) exited \(code.rawValue) (\(word))\(runID.map { " in run \($0)" } ?? "")",
            "\(location.noun): \(location.path)",
            message ?? result ?? "",
            "Details: reconcile status \(location.flag) \(location.path)",
        ].filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
        var environment = ["RECONCILE_EXIT_CODE": String(code.rawValue), "RECONCILE_OUTCOME": word, "RECONCILE_STORE": location.path]
        environment["RECONCILE_RUN_ID"] = runID.map(String.init)
        if let failure = Notifier(command: command).send(summary, environment: environment) {
            printError("notification failed: \(failure)")
        }
        return code
    }
}
