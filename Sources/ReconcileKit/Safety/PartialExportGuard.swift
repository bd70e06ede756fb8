/// Refuses a snapshot that looks like a failed or partial export before anything is planned: an
/// empty one, or one that lost more than a set share of the users the last successful run saw.
///
/// A truncated download, an expired token mid-paging or a wrong filter all produce a valid-looking
/// export with fewer users; planned as if true, it would disable everyone missing (peers.md §3, item 2).
public enum PartialExportGuard {
    /// The last run that applied a snapshot successfully, as the runs table records it.
    public struct LastRun: Sendable, Equatable {
        public var runID: Int64
        public var snapshotUsers: Int
        public var finishedAt: String

        /// The run `runID`, which applied a snapshot of `snapshotUsers` users and finished at `finishedAt`.
        public init(runID: Int64, snapshotUsers: Int, finishedAt: String) {
            self.runID = runID
            self.snapshotUsers = snapshotUsers
            self.finishedAt = finishedAt
        }
    }

    /// Checks a snapshot of `snapshotUsers` users against the last successful run.
    /// - Parameter allowShrink: the admin's override (`--allow-shrink`): nothing is refused.
    /// - Throws: `SafetyError.emptySnapshot` or `SafetyError.snapshotShrank`.
    public static func check(
        snapshotUsers: Int, last: LastRun?, limitPercent: Int, allowShrink: Bool
    ) throws(SafetyError) {
        guard !allowShrink else { return }
        guard snapshotUsers > 0 else { throw .emptySnapshot }
        guard let last, last.snapshotUsers > snapshotUsers else { return }
        let lost = last.snapshotUsers - snapshotUsers
        if lost * 100 > limitPercent * last.snapshotUsers {
            throw .snapshotShrank(users: snapshotUsers, last: last, limitPercent: limitPercent)
        }
    }
}
