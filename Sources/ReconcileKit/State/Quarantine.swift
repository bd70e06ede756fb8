/// The job's quarantine as the run state records it: why, since when, and what to do.
///
/// While quarantined, a scheduled run first checks whether the cause is gone and either leaves
/// quarantine and runs, or stops having applied nothing (entra-provisioning.md §7).
public struct QuarantineState: Sendable, Equatable {
    /// Why the job is quarantined.
    public enum Reason: String, Sendable, CaseIterable {
        /// More disables and deletes were planned than the threshold allows.
        case deletionThreshold
        /// The target could not be reached (`TargetUnavailable.Kind.unreachable`).
        case targetUnreachable
        /// The target refused the credentials (`TargetUnavailable.Kind.credentialsRefused`).
        case credentialsRefused
        /// Too many of one run's actions failed (Entra's escrow proportion threshold).
        case tooManyFailures

        init(_ kind: TargetUnavailable.Kind) {
            self = kind == .unreachable ? .targetUnreachable : .credentialsRefused
        }

        /// Whether a connection probe tells that the cause is gone.
        var isTargetReason: Bool { self == .targetUnreachable || self == .credentialsRefused }
    }

    public var reason: Reason
    /// What was seen, in a sentence.
    public var detail: String
    public var since: String
    /// The run that entered quarantine.
    public var runID: Int64?
    /// When a run last checked whether the cause is gone.
    public var lastChecked: String?

    /// What an admin does to get out of this quarantine.
    public var advice: String {
        switch reason {
        case .deletionThreshold:
            return "review the staged disables and deletes with --plan; if they are intended, run with --allow-deletions, "
                + "otherwise fix the cause (the export, scoping or mapping) and run again"
        case .targetUnreachable, .credentialsRefused:
            return "fix the connection or the credentials; the next run checks again, or run --recover to restart now"
        case .tooManyFailures:
            return "find the cause with 'reconcile logs --status failure' and fix it; the next run retries the escrowed failures "
                + "that are due and leaves quarantine if one succeeds, or run --recover to retry them all now"
        }
    }
}

/// Reads and writes the quarantine row of the run state.
final class Quarantine {
    private let database: Database

    init(database: Database) {
        self.database = database
    }

    /// The quarantine in force, or `nil`.
    func current() throws(StoreError) -> QuarantineState? {
        let statement = try database.prepare("SELECT reason, detail, since, run_id, last_checked FROM quarantine WHERE id = 1")
        guard try statement.step() else { return nil }
        return QuarantineState(
            reason: QuarantineState.Reason(rawValue: statement.text(0)) ?? .tooManyFailures, detail: statement.text(1),
            since: statement.text(2), runID: statement.isNull(3) ? nil : statement.int64(3), lastChecked: statement.optionalText(4))
    }

    /// Enters quarantine, or stays in it: for the same reason `since` is kept and the detail updated;
    /// a new reason starts a new quarantine.
    @discardableResult
    func enter(_ reason: QuarantineState.Reason, detail: String, runID: Int64, at time: String) throws(StoreError) -> QuarantineState {
        if var existing = try current(), existing.reason == reason {
            existing.detail = detail
            existing.lastChecked = time
            try database.prepare("UPDATE quarantine SET detail = ?, last_checked = ? WHERE id = 1").run(.text(detail), .text(time))
            return existing
        }
        try database.prepare("""
            INSERT OR REPLACE INTO quarantine (id, reason, detail, since, run_id, last_checked) VALUES (1, ?, ?, ?, ?, ?)
            """).run(.text(reason.rawValue), .text(detail), .text(time), .integer(runID), .text(time))
        return QuarantineState(reason: reason, detail: detail, since: time, runID: runID, lastChecked: time)
    }

    /// Records that a run checked the cause and found it still there.
    func checked(at time: String) throws(StoreError) {
        try database.prepare("UPDATE quarantine SET last_checked = ? WHERE id = 1").run(.text(time))
    }

    /// Leaves quarantine.
    func leave() throws(StoreError) {
        try database.execute("DELETE FROM quarantine")
    }
}
