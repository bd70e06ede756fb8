import Foundation

/// `reconcile status`: the job's health at a glance: quarantine, the lock, recent runs, escrowed
/// failures, and what to do next (Entra's "Current Status" and quarantine banner, entra-provisioning.md §7-§8).
public struct StatusReport: Sendable {
    /// The store or state file.
    public var location: String
    public var quarantine: QuarantineState?
    public var lock: LockHolder?
    /// Whether the lock's process still runs (`nil`: another host, cannot tell).
    public var lockHolderRunning: Bool?
    /// Newest first.
    public var runs: [RunRecord]
    /// Soonest retry first; given-up entries last.
    public var escrow: [EscrowEntry]
    public var managedUsers: Int
    public var lastSuccessful: PartialExportGuard.LastRun?

    /// Reads the report from a store or state file.
    public static func read(_ state: RunState, location: String, recentRuns: Int = 10) throws -> StatusReport {
        let database = state.database
        let lock = try RunLock(state: state).holder()
        return StatusReport(
            location: location, quarantine: try Quarantine(database: database).current(), lock: lock,
            lockHolderRunning: lock?.process.isRunning(), runs: try RunHistory.recent(database, limit: recentRuns),
            escrow: try Escrow(database: database).entries(), managedUsers: try state.managedUserCount(),
            lastSuccessful: try RunHistory.lastSuccessful(database))
    }

    /// `healthy`, `quarantined`, or `attention` (escrowed failures, or the last run did not succeed).
    public var health: String {
        if quarantine != nil { return "quarantined" }
        if !escrow.isEmpty { return "attention" }
        if let last = runs.first, let outcome = last.outcome, !["success", "held"].contains(outcome) { return "attention" }
        return "healthy"
    }

    /// What an admin should do next, most urgent first.
    public var nextSteps: [String] {
        var steps: [String] = []
        if let quarantine { steps.append(quarantine.advice.prefix(1).uppercased() + quarantine.advice.dropFirst() + ".") }
        if let lock {
            switch lockHolderRunning {
            case true?: steps.append("Run \(lock.runID) is in progress; wait for it to finish before starting another.")
            case false?: steps.append("Run \(lock.runID) left its lock behind (its process is gone); the next run takes it over.")
            case nil: steps.append("Run \(lock.runID) holds the lock on host \(lock.host); if nothing runs there, the next run needs --break-lock.")
            }
        }
        let givenUp = escrow.filter { $0.givenUp != nil }
        let pending = escrow.filter { $0.givenUp == nil }
        if !givenUp.isEmpty {
            steps.append("\(givenUp.count) failed action\(givenUp.count == 1 ? " was" : "s were") given up after 28 days: fix the cause "
                + "(reconcile logs --status failure), then run --recover.")
        }
        if let next = pending.map(\.nextRetry).min() {
            steps.append("\(pending.count) failed action\(pending.count == 1 ? " waits" : "s wait") for a retry (the next at \(next)); "
                + "scheduled runs retry them, --recover retries them now.")
        }
        if quarantine == nil, let last = runs.first, let outcome = last.outcome, ["failed", "interrupted", "refused", "stale"].contains(outcome) {
            steps.append("Run \(last.id) ended \(outcome)\(last.message.map { ": \($0)" } ?? ""). Fix the cause and run again.")
        }
        if runs.isEmpty { steps.append("No run has been recorded yet: run --apply.") }
        if steps.isEmpty { steps.append("Nothing to do: the last run succeeded.") }
        return steps
    }

    // MARK: - Text

    /// The report for a terminal or a cron mail.
    public var text: String {
        var lines = ["reconcile status of \(location)"]
        if let quarantine {
            lines.append("Health: quarantined since \(quarantine.since) (\(quarantine.reason.rawValue)): \(quarantine.detail)"
                + (quarantine.lastChecked.map { "; last checked \($0)" } ?? ""))
        } else {
            lines.append("Health: \(health)")
        }
        if let lock {
            let state = lockHolderRunning == true ? "running" : lockHolderRunning == false ? "process gone" : "cannot check from this host"
            lines.append("Lock: held by run \(lock.runID) (reconcile \(lock.command)), process \(lock.pid) on host \(lock.host), since \(lock.since) (\(state))")
        } else {
            lines.append("Lock: free")
        }
        lines.append("Managed users: \(managedUsers)")
        if let last = lastSuccessful {
            lines.append("Last successful run: run \(last.runID), finished \(last.finishedAt), snapshot of \(last.snapshotUsers) users")
        }
        lines.append("")
        lines += runTable
        if !escrow.isEmpty {
            lines.append("")
            lines.append("Escrowed failures (\(escrow.count)):")
            for entry in escrow {
                let when = entry.givenUp.map { "given up \($0)" } ?? "next retry \(entry.nextRetry)"
                lines.append("  \(entry.action) \(entry.userName): failed \(entry.attempts) time\(entry.attempts == 1 ? "" : "s") since \(entry.firstFailed); \(when)")
                lines.append("      last error \(entry.errorCode.map { "\($0): " } ?? "")\(entry.error)")
            }
        }
        lines.append("")
        lines.append("Next:")
        lines += nextSteps.map { "  - \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    private var runTable: [String] {
        guard !runs.isEmpty else { return ["Recent runs: none"] }
        let header = ["run", "started", "duration", "mode", "outcome", "created", "updated", "linked", "disabled", "deleted",
                      "skipped", "failed", "staged", "deferred", "unchanged"]
        var rows = [header]
        for run in runs {
            rows.append([
                String(run.id), run.startedAt, run.duration.map(Self.duration) ?? "-", run.mode, run.outcome ?? "running",
                String(run.created), String(run.updated), String(run.linked), String(run.disabled), String(run.deleted),
                String(run.skipped), String(run.failed), String(run.staged), String(run.deferred), String(run.noChange),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["Recent runs (newest first):"]
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { $0.element.padding(widths[$0.offset]) }
            lines.append("  " + cells.joined(separator: "  ").trimmingTrailingSpaces)
            if index > 0, let message = runs[index - 1].message { lines.append("      \(message)") }
        }
        return lines
    }

    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", whole % 3600 / 60))m"
    }

    // MARK: - JSON

    /// The report as a JSON document, for monitoring scripts.
    public var json: JSONValue {
        let quarantineJSON: JSONValue = quarantine.map { state in
            .object([
                "reason": .string(state.reason.rawValue), "detail": .string(state.detail), "since": .string(state.since),
                "runId": state.runID.map { .number(String($0)) } ?? .null,
                "lastChecked": state.lastChecked.map(JSONValue.string) ?? .null,
            ])
        } ?? .null
        let lockJSON: JSONValue = lock.map { lock in
            .object([
                "runId": .number(String(lock.runID)), "command": .string(lock.command), "pid": .number(Int(lock.pid)),
                "host": .string(lock.host), "since": .string(lock.since),
                "running": lockHolderRunning.map(JSONValue.bool) ?? .null,
            ])
        } ?? .null
        return .object([
            "location": .string(location), "health": .string(health), "quarantine": quarantineJSON, "lock": lockJSON,
            "managedUsers": .number(managedUsers),
            "runs": .array(runs.map(\.json)),
            "escrow": .array(escrow.map(\.json)),
            "next": .array(nextSteps.map(JSONValue.string)),
        ])
    }
}

extension RunRecord {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .number(String(id)), "startedAt": .string(startedAt), "mode": .string(mode),
            "finishedAt": finishedAt.map(JSONValue.string) ?? .null, "outcome": outcome.map(JSONValue.string) ?? .null,
            "message": message.map(JSONValue.string) ?? .null,
            "snapshotUsers": snapshotUsers.map { .number($0) } ?? .null,
            "durationSeconds": duration.map { .number(String(format: "%.3f", $0)) } ?? .null,
        ]
        let counts = [("created", created), ("updated", updated), ("linked", linked), ("disabled", disabled),
                      ("deleted", deleted), ("skipped", skipped), ("failed", failed), ("staged", staged),
                      ("deferred", deferred), ("noChange", noChange)]
        for (name, count) in counts { members[name] = .number(count) }
        return .object(members)
    }
}

extension EscrowEntry {
    var json: JSONValue {
        .object([
            "userName": .string(userName), "action": .string(action), "sourceId": sourceID.map(JSONValue.string) ?? .null,
            "targetId": targetID.map(JSONValue.string) ?? .null, "errorCode": errorCode.map(JSONValue.string) ?? .null,
            "error": .string(error), "attempts": .number(attempts), "firstFailed": .string(firstFailed),
            "lastFailed": .string(lastFailed), "nextRetry": .string(nextRetry), "givenUp": givenUp.map(JSONValue.string) ?? .null,
        ])
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
