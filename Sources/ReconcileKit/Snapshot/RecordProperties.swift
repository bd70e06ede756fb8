/// Turns records' members into `PropertyValues`, one record after the other, with the result of
/// `ExportDocument.properties(of:)` but without its dictionary per record.
///
/// A Graph page's records all have the same keys in the same order, or alternate between a few
/// such shapes. So the reader remembers recent shapes by their keys as written (compared at once
/// when the JSON reader reused the previous record's key strings), each with its layout and where
/// each slot's value sits among the members: keys are lowercased once per shape, not per record.
/// Shapes whose names collide after lowercasing, or with an `AdditionalProperties` member, take
/// the general path.
///
/// On the fast path, long string values (those that take an allocation) repeated within a record
/// or across users (a `jobTitle`, an `officeLocation`) share one `String`: about a fifth of the
/// memory a Graph user holds. One reader serves all the files one thread of the loader reads.
struct RecordProperties {
    /// The shapes of recent records, the current record's first: a page may alternate between a
    /// few (users with and without some property).
    private var shapes: [Shape] = []
    private static let shapesKept = 8

    /// What records with the same keys, written the same way and in the same order, have in common.
    private struct Shape {
        /// The keys as written.
        let keys: [String]
        /// For distinct lowercased keys with no `AdditionalProperties`: the layout, for each of
        /// its slots the position of the member that fills it, and the slot's `SharedStrings`.
        /// `nil` for keys that take `ExportDocument.properties(of:)`.
        let plain: (layout: PropertyLayout, members: [Int], tables: [Int])?
    }

    /// The properties to keep (`PropertySelection`); `nil` keeps every one.
    let selection: PropertySelection?

    init(selection: PropertySelection? = nil) {
        self.selection = selection
    }

    /// The properties of the record whose members are `members` of `document`.
    mutating func properties(of members: ArraySlice<ExportDocument.Member>, in document: ExportDocument) -> PropertyValues {
        guard let (layout, positions, tables) = shape(of: members).plain else {
            return PropertyValues(document.properties(of: members)).keeping(selection)
        }
        recordStrings.removeAll(keepingCapacity: true)
        return PropertyValues(layout: layout) { slot in
            let value = GraphDocument.normalized(members[members.startIndex + positions[slot]].value)
            guard case .string(let text) = value, text.utf8.count > Self.inlineLength else { return value }
            return .string(share(text, table: tables[slot]))
        }
    }

    /// The shape of a record with `members`, moved to the front of `shapes`.
    private mutating func shape(of members: ArraySlice<ExportDocument.Member>) -> Shape {
        // Equal strings sharing storage (the JSON reader reuses a repeated key's) compare at once;
        // a plain loop keeps from copying whole members.
        func matches(_ shape: Shape) -> Bool {
            guard shape.keys.count == members.count else { return false }
            var position = members.startIndex
            for key in shape.keys {
                guard key == members[position].key else { return false }
                position += 1
            }
            return true
        }
        if let current = shapes.first, matches(current) { return current }
        if let index = shapes.firstIndex(where: matches) {
            shapes.insert(shapes.remove(at: index), at: 0)
        } else {
            shapes.insert(makeShape(keys: members.map(\.key)), at: 0)
            if shapes.count > Self.shapesKept { shapes.removeLast() }
        }
        return shapes[0]
    }

    private mutating func makeShape(keys: [String]) -> Shape {
        var positions: [String: Int] = [:]
        for (position, key) in keys.enumerated() {
            let lowercased = ExportDocument.lowercased(key)
            guard lowercased != "additionalproperties", positions.updateValue(position, forKey: lowercased) == nil else {
                return Shape(keys: keys, plain: nil)
            }
        }
        // Every key counted above (a collision takes the general path either way); only kept ones laid out.
        let layout = PropertyLayout.shared(positions.keys.filter { selection?.keeps($0) ?? true })
        let tables = layout.keys.map { key in
            if let table = tableOfKey[key] { return table }
            guard shared.count < SharedStrings.tablesKept else { return -1 }
            shared.append(SharedStrings())
            tableOfKey[key] = shared.count - 1
            return shared.count - 1
        }
        return Shape(keys: keys, plain: (layout, layout.keys.map { positions[$0]! }, tables))
    }

    // MARK: - Sharing strings

    /// Strings of up to 15 UTF-8 bytes live inside the `String` value; longer ones take an allocation.
    private static let inlineLength = 15

    /// One table per lowercased key, whatever the shape.
    private var shared: [SharedStrings] = []
    private var tableOfKey: [String: Int] = [:]
    /// The current record's long strings, so a value repeated in the record (`mail` is often the
    /// `userPrincipalName`) is stored once.
    private var recordStrings: [String] = []
    private static let recordStringsKept = 16

    /// Recent long values of one property, so users with the same `jobTitle` or `officeLocation`
    /// share one string: a direct-mapped cache (a value takes the entry its hash picks, replacing
    /// what was there), given up for a property whose values rarely repeat.
    private struct SharedStrings {
        static let entries = 1_024
        /// Tables are kept for this many keys (an export whose records all differ in shape could
        /// otherwise hold a table per key); values of later keys are only shared within a record.
        static let tablesKept = 256
        /// Lookups after which a property with fewer hits than misses stops sharing.
        static let trial = 1_024
        var strings: [String] = []
        var lookups = 0
        var hits = 0
        var enabled = true
    }

    /// `text`, or an earlier string with the same bytes: from this record, else from `table` (-1 for none).
    private mutating func share(_ text: String, table: Int) -> String {
        let count = text.utf8.count
        for earlier in recordStrings where earlier.utf8.count == count && ByteHash.sameBytes(earlier, text) {
            return earlier
        }
        // Bounded: a record with thousands of long values would otherwise compare each with all.
        if recordStrings.count < Self.recordStringsKept { recordStrings.append(text) }
        guard table >= 0, shared[table].enabled else { return text }
        if shared[table].strings.isEmpty { shared[table].strings = Array(repeating: "", count: SharedStrings.entries) }
        let entry = Int(truncatingIfNeeded: ByteHash.hash(text)) & (SharedStrings.entries - 1)
        shared[table].lookups += 1
        let earlier = shared[table].strings[entry]
        if earlier.utf8.count == count, ByteHash.sameBytes(earlier, text) {
            shared[table].hits += 1
            return earlier
        }
        shared[table].strings[entry] = text
        if shared[table].lookups == SharedStrings.trial, shared[table].hits * 2 < SharedStrings.trial {
            shared[table] = SharedStrings(enabled: false)
        }
        return text
    }
}
