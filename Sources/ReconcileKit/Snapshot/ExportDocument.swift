/// A JSON export file as `JSONReader.parseExport` read it: the top-level value, and the members of
/// every object that may be a record in document order (see `JSONReader+Records.swift`).
/// `GraphDocument` judges its shape; `properties(of:)` and `RecordProperties` key a record's members
/// by lowercased name.
struct ExportDocument {
    /// What the document is at the top.
    enum Top {
        /// An array: its elements are in `records`.
        case array
        /// An object: its members are in `topMembers`.
        case object
        /// Any other value.
        case other(JSONValue)
    }

    /// A member of a record (or of the top-level object, or of an `AdditionalProperties` object).
    struct Member {
        /// The name as written.
        var key: String
        /// The value as read; an empty object when `lifted` holds the members.
        var value: JSONValue
        /// For an `AdditionalProperties` member (in any case) whose value is an object: its members'
        /// positions in `lifted`.
        var lifted: Range<Int>?

        init(key: String, value: JSONValue, lifted: Range<Int>? = nil) {
            self.key = key
            self.value = value
            self.lifted = lifted
        }
    }

    /// An element of a records array: an object (its members' positions in `members`) or anything else.
    enum Record {
        case object(Range<Int>)
        case other(JSONValue)
    }

    var top: Top = .array
    /// The elements of the top-level array, or of each array under `value` in the top-level object.
    var records: [Record] = []
    /// The members of the object records, one record after the other.
    var members: [Member] = []
    /// The members of `AdditionalProperties` objects.
    var lifted: [Member] = []
    /// The members of the top-level object; a records array under `value` is left as an empty array.
    var topMembers: [Member] = []
    /// The last records array read under `value` in the top-level object: its position in
    /// `topMembers` and its records' positions in `records`.
    var valueArray: (member: Int, records: Range<Int>)?

    /// Whether `key` is `AdditionalProperties` in any case, as `lowercased(key)` would tell: only
    /// ASCII text lowercases to it (the one other character lowercasing to an ASCII letter, the
    /// Kelvin sign, becomes a `k`), so its 20 bytes are compared ignoring ASCII case.
    static func isAdditionalProperties(_ key: String) -> Bool {
        let utf8 = key.utf8
        guard utf8.count == 20 else { return false }
        return zip(utf8, "additionalproperties".utf8).allSatisfy { own, lower in
            own == lower || (own &- UInt8(ascii: "A") < 26 && own | 0x20 == lower)
        }
    }

    /// `key.lowercased()`, without the Unicode machinery for ASCII text, and `key` itself (no new
    /// storage) when it has no capital letter.
    static func lowercased(_ key: String) -> String {
        var needsChange = false
        for byte in key.utf8 {
            if byte >= 0x80 { return key.lowercased() }
            if byte &- UInt8(ascii: "A") < 26 { needsChange = true }
        }
        guard needsChange else { return key }
        return String(unsafeUninitializedCapacity: key.utf8.count) { buffer in
            var count = 0
            for byte in key.utf8 {
                buffer[count] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                count += 1
            }
            return count
        }
    }

    /// A record's members keyed by lowercased name and normalized (see `GraphDocument`): when two
    /// names are equal after lowercasing, the later member wins; an `AdditionalProperties` object's
    /// members are lifted into the record unless it has them already (among themselves, the later
    /// wins too), and `/Date(...)/` strings become ISO 8601 text.
    ///
    /// This is the definition; `RecordProperties` gives the same result faster for records of one shape.
    func properties(of members: ArraySlice<Member>) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [:]
        properties.reserveCapacity(members.count)
        var additional: Range<Int>?
        for member in members {
            let key = Self.lowercased(member.key)
            properties[key] = GraphDocument.normalized(member.value)
            if key == "additionalproperties" { additional = member.lifted }
        }
        if case .object? = properties["additionalproperties"] {
            properties["additionalproperties"] = nil
            var liftedProperties: [String: JSONValue] = [:]
            for member in lifted[additional ?? 0..<0] {
                liftedProperties[Self.lowercased(member.key)] = GraphDocument.normalized(member.value)
            }
            properties.merge(liftedProperties) { own, _ in own }
        }
        return properties
    }
}
