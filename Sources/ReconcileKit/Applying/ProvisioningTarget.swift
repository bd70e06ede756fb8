/// Where users are provisioned: the embedded SQLite store, or a live SCIM 2.0 endpoint.
///
/// A target reads its users and applies one action at a time; everything around that (links, run
/// records, the provisioning log, batching, fingerprint checks) is the `Applier`'s, the same for
/// every target.
public protocol ProvisioningTarget: AnyObject {
    /// `sqlite` or `scim`, as plan files name it.
    var kind: String { get }
    /// The store's path or the endpoint's base URL.
    var location: String { get }
    /// Actions per state transaction: how much work a crash can make the next run redo.
    var batchSize: Int { get }

    /// Every user the target holds.
    func users() throws -> [TargetUser]
    /// Changes whenever the target's users (or this job's links to them) change.
    func fingerprint() throws -> String
    /// Checks that the target can be used at all ("Test Connection"), changing nothing: run before
    /// every apply, and by a quarantined job to see whether the cause is gone.
    /// - Throws: `TargetUnavailable` saying whether the target is unreachable or refused the
    ///   credentials; any other error counts as unreachable.
    func probe() throws
    /// Applies one create, update, link, disable or delete and returns the target user's id.
    /// - Throws: `ActionFailure` when only this action failed; any other error stops the run.
    func apply(_ action: PlanAction, at time: String) throws -> String
    /// Applies a batch of actions at once (several requests in flight, or one SCIM Bulk request)
    /// and returns each action's outcome in the batch's order: the target id, an `ActionFailure`,
    /// or, for actions not attempted because the run stopped, the error that stopped it.
    /// `nil` (the default) has the Applier apply them one at a time with `apply(_:at:)`.
    func apply(batch: [PlanAction], at time: String) throws -> [Result<String, any Error>]?
    /// Keeps the digests of users a plan found unchanged by a full comparison (`Plan.digestRefresh`),
    /// where the target keeps digests at all (the embedded store; the default does nothing).
    func refreshDigests(_ digests: DigestRefresh) throws
    /// Whether applying a plan with `creates` creates is a bulk load into this target's run state
    /// file (`BulkLoad`): then the Applier applies it in one transaction that rebuilds the secondary
    /// indexes at the end. `false` (the default) applies batch by batch.
    func isBulkLoad(creates: Int) throws -> Bool
    /// Whether an action that fails with `ActionFailure` has written nothing to the run state's
    /// file: then the Applier gives actions no savepoint of their own, as there is nothing to undo.
    /// `false` (the default) gives each action a savepoint.
    var failedActionsWriteNothing: Bool { get }
}

extension ProvisioningTarget {
    public func refreshDigests(_ digests: DigestRefresh) throws {}

    public func isBulkLoad(creates: Int) throws -> Bool { false }

    public var failedActionsWriteNothing: Bool { false }

    /// One at a time: the Applier calls `apply(_:at:)` per action, each within its own savepoint.
    public func apply(batch: [PlanAction], at time: String) throws -> [Result<String, any Error>]? { nil }
}

/// One action that could not be applied; the rest of the run goes on.
public struct ActionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short code for the provisioning log (`stalePlan`, `targetMissing`, `uniqueness`, `http500`).
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
