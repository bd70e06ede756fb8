/// The digest of the values an action leaves a user with (`DesiredUser.updateDigest`), which the
/// embedded store keeps beside the user so the next run can tell "unchanged" without reading the
/// resource.
///
/// It is a cache, not part of what a plan says: it is not in the plan file, and two actions or plans
/// that differ only in it are equal. A plan read back from a file has none; its users are then
/// compared in full once and their digests written by the next `--apply` (`Plan.digestRefresh`).
public struct AppliedDigest: Sendable, Equatable {
    public var value: UInt64?
    /// The digest of the directory record `value` was mapped from (`SourceDigest`); kept only with
    /// a `value`.
    public var source: UInt64?

    public init(_ value: UInt64? = nil, source: UInt64? = nil) {
        self.value = value
        self.source = value == nil ? nil : source
    }

    public static func == (_: AppliedDigest, _: AppliedDigest) -> Bool { true }
}

/// Users found unchanged by a full comparison whose stored digest is missing or out of date: an
/// apply writes their digests so the next run skips the comparison. A cache like `AppliedDigest`.
public struct DigestRefresh: Sendable, Equatable {
    public struct Entry: Sendable {
        public let targetId: String
        /// The version (`meta.version`) the digest describes.
        public let version: String
        public let digest: UInt64
        /// The digest of the directory record it was mapped from (`SourceDigest`).
        public let source: UInt64?
    }

    public var entries: [Entry] = []

    public init() {}

    public static func == (_: DigestRefresh, _: DigestRefresh) -> Bool { true }
}

extension DesiredUser {
    /// The digest of what an update enforces (`updateValues`, `nil` entries included), over
    /// `paths` in order; each path comes with the digest of its name, so a mapping that moves a
    /// value to another attribute digests differently.
    func updateDigest(_ paths: [(path: SCIMPath, tag: UInt64)]) -> UInt64 {
        var digest = Digest64()
        let layout = updateValues.layout
        for (position, (path, tag)) in paths.enumerated() {
            // The mapper's layout lists the mapping's paths in this order: read the slot straight.
            let aligned = position < layout.paths.count && layout.codes[position] == path.hashCode && layout.paths[position] == path
            guard let entry = aligned ? updateValues.value(inSlot: position) : updateValues[path] else { continue }
            digest.combine(tag)
            switch entry {
            case .none: digest.combine(0)
            case .some(.bool(let flag)): digest.combine(flag ? 1 : 2)
            case .some(.string(let text)):
                digest.combine(3)
                digest.combine(text)
            }
        }
        return digest.value
    }
}
