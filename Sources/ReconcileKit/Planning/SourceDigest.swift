/// The digest of a directory record together with the mapping that reads it: the store keeps it
/// beside a user's applied digest, and a later run that finds the same record under the same
/// mapping knows what the mapping would give without mapping it (a nightly run's records are
/// nearly all unchanged).
///
/// Mapping is a function of the record and the mapping alone (`Guid()` is derived from the user,
/// and functions whose value changes from run to run are refused), so equal digests mean equal
/// mapped values. The lowest bit is not the record's: it holds whether the mapped user was active,
/// so a user whose account was disabled since (a user missing from one export comes back the next
/// night) is compared in full rather than taken as in line.
struct SourceDigest: Sendable {
    /// Raised whenever a change to reconcile makes a mapping give other values for the same record:
    /// digests stored by an earlier release then no longer match, and every user is mapped again.
    static let revision = 1

    /// The digest of the mapping's entries, where each target's value comes from and how it flows.
    private let mappingDigest: UInt64

    init(mapping: Mapping) {
        var digest = Digest64()
        digest.combine(UInt64(Self.revision))
        digest.combine(mapping.text(origin: ""))
        for path in mapping.targetPaths { digest.combine(path.description) }
        mappingDigest = digest.value
    }

    /// The digest of `user`'s record under the mapping, for a mapped user that is `active` or not.
    func of(_ user: DirectoryUser, active: Bool) -> UInt64 {
        Self.marking(record(user), active: active)
    }

    /// The digest of `user`'s record under the mapping, its lowest bit clear (`marking` sets it).
    func record(_ user: DirectoryUser) -> UInt64 {
        var digest = Digest64()
        digest.combine(mappingDigest)
        digest.combine(user.id)
        // The layout's keys are sorted: the order of a record's properties does not change its digest.
        user.properties.combine(into: &digest)
        return digest.value & ~1
    }

    /// A record's digest (`record`) for a mapped user that is `active` or not.
    static func marking(_ record: UInt64, active: Bool) -> UInt64 {
        record | (active ? 1 : 0)
    }
}

extension Digest64 {
    /// Combines a JSON value, each kind tagged, an array's and an object's size included.
    mutating func combine(_ value: JSONValue) {
        switch value {
        case .null: combine(UInt64(0))
        case .bool(let flag): combine(flag ? 1 : 2)
        case .number(let text): combine(number: text)
        case .string(let text): combine(string: text)
        case .array(let elements):
            combine(5 | UInt64(elements.count) << 8)
            for element in elements { combine(element) }
        case .object(let members):
            combine(6 | UInt64(members.count) << 8)
            for key in members.keys.sorted() {
                combine(key)
                combine(members[key]!)
            }
        }
    }

    /// Combines a JSON number, as `combine(.number(literal))` would.
    mutating func combine(number literal: String) {
        combine(3)
        combine(literal)
    }

    /// Combines a JSON string, as `combine(.string(text))` would.
    mutating func combine(string text: String) {
        combine(4)
        combine(text)
    }
}
