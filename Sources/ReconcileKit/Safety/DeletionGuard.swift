/// The accidental-deletion threshold (entra-provisioning.md §6): counts the disables and deletes a
/// plan would apply and, over the limit, holds them all, so that a wrong export, scope or mapping
/// change never deprovisions at scale without an admin's explicit approval.
///
/// Pure: the caller records the staged actions, the quarantine and the exit code.
public enum DeletionGuard {
    /// What the guard found.
    public struct Verdict: Sendable, Equatable {
        /// Disables and deletes the plan would apply (held actions not counted).
        public var planned: Int
        /// The users this job manages (linked) before the run.
        public var managed: Int
        /// The most allowed in one run: the count limit, or the percentage limit when it is lower.
        public var limit: Int
        /// The percentage the limit came from, when that was the lower one.
        public var percent: Int?

        /// Whether more are planned than allowed (the limit itself is allowed).
        public var exceeded: Bool { planned > limit }

        /// `the deletion threshold of 500` or `the deletion threshold of 10% of 3000 managed users (300)`.
        public var limitDescription: String {
            guard let percent else { return "the deletion threshold of \(limit)" }
            return "the deletion threshold of \(percent)% of \(managed) managed users (\(limit))"
        }
    }

    /// Counts `plan`'s disables and deletes against `settings`.
    public static func evaluate(_ plan: Plan, managedUsers: Int, settings: SafetySettings) -> Verdict {
        let planned = plan.actions.reduce(0) { $0 + ($1.countsAsDeletion ? 1 : 0) }
        var verdict = Verdict(planned: planned, managed: managedUsers, limit: settings.deletionThreshold, percent: nil)
        if let percent = settings.deletionThresholdPercent {
            let byPercent = managedUsers * percent / 100
            if byPercent < verdict.limit {
                verdict.limit = byPercent
                verdict.percent = percent
            }
        }
        return verdict
    }

    /// `plan` with every disable and delete it would apply marked staged.
    public static func staging(_ plan: Plan) -> Plan {
        var staged = plan
        staged.actions = plan.actions.map { $0.countsAsDeletion ? $0.held(.staged) : $0 }
        return staged
    }

    /// `1 disable or delete`, `612 disables and deletes`.
    static func phrase(_ count: Int) -> String {
        count == 1 ? "1 disable or delete" : "\(count) disables and deletes"
    }
}
