/// The limits that keep an unattended run safe, from the configuration file's `safety` section and
/// the command line (a flag wins over the file). Defaults follow Entra's provisioning service where
/// it has one (entra-provisioning.md §6-§8).
public struct SafetySettings: Sendable, Equatable {
    /// At most this many disables and deletes in one run; more are staged and the job is
    /// quarantined (Entra's accidental-deletion threshold, 500 by default).
    public var deletionThreshold = 500
    /// Also at most this share (in percent) of the managed users, when set.
    public var deletionThresholdPercent: Int?
    /// A snapshot with this share (in percent) fewer users than the last successful run's is refused
    /// as a partial export.
    public var snapshotShrinkLimitPercent = 20
    /// A run in which more than this share (in percent) of the attempted actions failed quarantines
    /// the job (Entra: 40%) ...
    public var failureQuarantinePercent = 40
    /// ... provided at least this many failed (a handful of failures in a small run is not a pattern).
    public var failureQuarantineMinimum = 10
    /// Provisioning log records older than this many days are deleted at the end of each run
    /// (Entra keeps 30 days).
    public var logRetentionDays = 30
    /// Whether each run logs a `noChange` record per managed user it leaves as it is (Entra's
    /// "Other"). Off by default: a directory of a million users would add a million rows a night,
    /// and Entra's incremental cycles do not log users that did not change either.
    public var logUnchanged = false
    /// Run with `/bin/sh -c` and a short summary on stdin when a run quarantines, fails or is partial.
    public var notifyCommand: String?

    /// The defaults above.
    public init() {}
}
