/// Turns records' members into `PropertyValues`, one record after the other, with the result of
/// `ExportDocument.properties(of:)` but without its dictionary per record.
///
/// A Graph page's records all have the same keys in the same order. So the reader remembers the
/// previous record's keys as written and as lowercased (a key written like the previous record's
/// is not lowercased again, and shares its storage), and, while records keep that shape, their
/// layout and where each key's value sits among the members. Records of another shape, or whose
/// names collide after lowercasing, or with an `AdditionalProperties` member, take the general path.
///
/// On the fast path, long string values (those that take an allocation) repeated within a record
/// or across users (a `jobTitle`, an `officeLocation`) share one `String`: about a fifth of the
/// memory a Graph user holds. One reader serves all the files of a snapshot.
struct RecordProperties {
    /// The previous record's keys as written, and lowercased.
    private var keys: [String] = []
    private var lowercasedKeys: [String] = []
    private var shape = Shape.unknown

    private enum Shape {
        /// Not worked out yet for the current keys.
        case unknown
        /// Distinct lowercased keys and no `AdditionalProperties`: the layout, and for each of its
        /// slots the position of the member that fills it.
        case plain(PropertyLayout, members: [Int])
        /// Keys that need `ExportDocument.properties(of:)`.
        case general
    }

    /// The properties of the record whose members are `members` of `document`.
    mutating func properties(of members: ArraySlice<ExportDocument.Member>, in document: ExportDocument) -> PropertyValues {
        remember(members)
        if case .unknown = shape { shape = Self.shape(of: lowercasedKeys) }
        guard case let .plain(layout, positions) = shape else {
            return PropertyValues(document.properties(of: members))
        }
        if layout !== sharedLayout {
            sharedLayout = layout
            shared = Array(repeating: SharedStrings(), count: layout.keys.count)
        }
        recordStrings.removeAll(keepingCapacity: true)
        var values: [JSONValue] = []
        values.reserveCapacity(positions.count)
        for (slot, position) in positions.enumerated() {
            var value = GraphDocument.normalized(members[members.startIndex + position].value)
            if case .string(let text) = value, text.utf8.count > Self.inlineLength {
                value = .string(share(text, slot: slot))
            }
            values.append(value)
        }
        return PropertyValues(layout: layout, values: values)
    }

    /// Makes `members`' keys the remembered ones, lowercasing only those that changed.
    private mutating func remember(_ members: ArraySlice<ExportDocument.Member>) {
        var changed = members.count != keys.count
        for (position, member) in zip(0..., members) {
            if position < keys.count {
                // Equal strings sharing storage (the JSON reader reuses a repeated key's) compare at once.
                if keys[position] == member.key { continue }
                keys[position] = member.key
                lowercasedKeys[position] = ExportDocument.lowercased(member.key)
            } else {
                keys.append(member.key)
                lowercasedKeys.append(ExportDocument.lowercased(member.key))
            }
            changed = true
        }
        if keys.count > members.count {
            keys.removeSubrange(members.count...)
            lowercasedKeys.removeSubrange(members.count...)
        }
        if changed { shape = .unknown }
    }

    private static func shape(of lowercasedKeys: [String]) -> Shape {
        var positions: [String: Int] = [:]
        for (position, key) in lowercasedKeys.enumerated() {
            guard key != "additionalproperties", positions.updateValue(position, forKey: key) == nil else { return .general }
        }
        let layout = PropertyLayout.shared(lowercasedKeys)
        return .plain(layout, members: layout.keys.map { positions[$0]! })
    }

    // MARK: - Sharing strings

    /// Strings of up to 15 UTF-8 bytes live inside the `String` value; longer ones take an allocation.
    private static let inlineLength = 15

    /// The layout `shared` belongs to, one table per slot.
    private var sharedLayout: PropertyLayout?
    private var shared: [SharedStrings] = []
    /// The current record's long strings, so a value repeated in the record (`mail` is often the
    /// `userPrincipalName`) is stored once.
    private var recordStrings: [String] = []

    /// Recent long values of one property, so users with the same `jobTitle` or `officeLocation`
    /// share one string: a direct-mapped cache (a value takes the entry its hash picks, replacing
    /// what was there), given up for a property whose values rarely repeat.
    private struct SharedStrings {
        static let entries = 1_024
        /// Lookups after which a property with fewer hits than misses stops sharing.
        static let trial = 1_024
        var strings: [String] = []
        var lookups = 0
        var hits = 0
        var enabled = true
    }

    /// `text`, or an earlier string with the same bytes: from this record, else from this slot's cache.
    private mutating func share(_ text: String, slot: Int) -> String {
        let count = text.utf8.count
        for earlier in recordStrings where earlier.utf8.count == count && ByteHash.sameBytes(earlier, text) {
            return earlier
        }
        recordStrings.append(text)
        guard shared[slot].enabled else { return text }
        if shared[slot].strings.isEmpty { shared[slot].strings = Array(repeating: "", count: SharedStrings.entries) }
        let entry = Int(truncatingIfNeeded: ByteHash.hash(text)) & (SharedStrings.entries - 1)
        shared[slot].lookups += 1
        let earlier = shared[slot].strings[entry]
        if earlier.utf8.count == count, ByteHash.sameBytes(earlier, text) {
            shared[slot].hits += 1
            return earlier
        }
        shared[slot].strings[entry] = text
        if shared[slot].lookups == SharedStrings.trial, shared[slot].hits * 2 < SharedStrings.trial {
            shared[slot] = SharedStrings(enabled: false)
        }
        return text
    }
}
