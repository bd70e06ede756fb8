/// A target that cannot be used at all, as opposed to one action failing (`ActionFailure`): what
/// `ProvisioningTarget.probe()` throws, and what puts the job in quarantine (entra-provisioning.md §7).
public struct TargetUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the target cannot be used; the raw values are the quarantine reasons.
    public enum Kind: String, Sendable, CaseIterable {
        /// No connection, a timeout, a TLS failure, a 5xx on the probe, a missing store file.
        case unreachable = "targetUnreachable"
        /// The target answered 401/403: the token or client secret is wrong, expired or lacks rights.
        case credentialsRefused = "credentialsRefused"
    }

    public let kind: Kind
    /// What failed, naming the target (URL or file) and never a secret.
    public let message: String

    /// A failure of `kind`, said by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Classifies any error thrown by a probe: a `TargetUnavailable` keeps its kind, anything else is
    /// taken as unreachable.
    public static func from(_ error: any Error) -> TargetUnavailable {
        if let unavailable = error as? TargetUnavailable { return unavailable }
        return TargetUnavailable(.unreachable, "\(error)")
    }

    public var description: String { message }
}
