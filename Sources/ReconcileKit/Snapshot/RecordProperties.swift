/// Turns records' members into `PropertyValues`, one record after the other, with the result of
/// `ExportDocument.properties(of:)` but without its dictionary per record.
///
/// A Graph page's records all have the same keys in the same order. So the reader remembers the
/// previous record's keys as written and as lowercased (a key written like the previous record's
/// is not lowercased again, and shares its storage), and, while records keep that shape, their
/// layout and where each key's value sits among the members. Records of another shape, or whose
/// names collide after lowercasing, or with an `AdditionalProperties` member, take the general path.
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
        let first = members.startIndex
        let values = positions.map { GraphDocument.normalized(members[first + $0].value) }
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
}
