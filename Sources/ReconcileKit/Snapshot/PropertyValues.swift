import Synchronization

/// A directory user's properties keyed by lowercased name, stored as an array of values over a key
/// layout that every user of the same shape shares: a Graph export's users all carry the same
/// properties, so a million users cost a million small arrays, not a million dictionaries.
///
/// A record of strings, numbers, booleans and nulls (nearly every export's) keeps one optional
/// string per property and its kinds in a word beside it: 16 bytes a property instead of the 24 a
/// `JSONValue` takes, about 90 MB at a million users. A record with an array or an object, or more
/// properties than the word describes, keeps its values as they are.
///
/// Reads like the dictionary it replaces (`properties["mail"]`, `keys`, `values`, iteration).
public struct PropertyValues: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private let layout: PropertyLayout
    /// Per slot: a string's text or a number's literal; `nil` for a null or a boolean. Empty when
    /// `general` holds the values.
    private let texts: [String?]
    /// Per slot, `Kind.bits` bits: what the slot's value is.
    private let kinds: UInt64
    /// Every value, in the layout's order, when `texts` cannot hold them; empty otherwise.
    private let general: [JSONValue]

    private enum Kind: UInt64 {
        case null = 0, string, number, `false`, `true`
        static let bits: UInt64 = 3
        static let mask: UInt64 = 0b111
        /// Slots `kinds` describes.
        static let slots = 21
    }

    public init(_ dictionary: [String: JSONValue]) {
        let layout = PropertyLayout.shared(dictionary.keys)
        self.init(layout: layout, values: layout.keys.map { dictionary[$0]! })
    }

    /// `values` over `layout`: one value per key, in the layout's order.
    init(layout: PropertyLayout, values: [JSONValue]) {
        guard values.count <= Kind.slots, values.allSatisfy({ Self.scalar($0) != nil }) else {
            self.init(layout: layout, texts: [], kinds: 0, general: values)
            return
        }
        self.init(layout: layout) { values[$0] }
    }

    private init(layout: PropertyLayout, texts: [String?], kinds: UInt64, general: [JSONValue]) {
        (self.layout, self.texts, self.kinds, self.general) = (layout, texts, kinds, general)
    }

    /// The values `value` gives for each slot of `layout` in turn, kept as texts and kinds as they
    /// come (no array of `JSONValue`s first): the export reader's path for each record.
    init(layout: PropertyLayout, value: (Int) -> JSONValue) {
        self.layout = layout
        let count = layout.keys.count
        guard count <= Kind.slots else {
            (texts, kinds, general) = ([], 0, (0..<count).map(value))
            return
        }
        var texts: [String?] = []
        texts.reserveCapacity(count)
        var kinds: UInt64 = 0
        for slot in 0..<count {
            let next = value(slot)
            guard let (kind, text) = Self.scalar(next) else {
                // An array or an object: every value as it is, those kept so far made values again.
                var general = texts.indices.map { Self.value(Self.kind(inSlot: $0, of: kinds), text: texts[$0]) }
                general.reserveCapacity(count)
                general.append(next)
                for rest in (slot + 1)..<count { general.append(value(rest)) }
                (self.texts, self.kinds, self.general) = ([], 0, general)
                return
            }
            texts.append(text)
            kinds |= kind.rawValue << (UInt64(slot) * Kind.bits)
        }
        (self.texts, self.kinds, general) = (texts, kinds, [])
    }

    /// A string's or number's text and the value's kind; `nil` for an array or an object.
    private static func scalar(_ value: JSONValue) -> (Kind, String?)? {
        switch value {
        case .null: return (.null, nil)
        case .string(let string): return (.string, string)
        case .number(let literal): return (.number, literal)
        case .bool(let flag): return (flag ? .true : .false, nil)
        case .array, .object: return nil
        }
    }

    private static func kind(inSlot slot: Int, of kinds: UInt64) -> Kind? {
        Kind(rawValue: (kinds >> (UInt64(slot) * Kind.bits)) & Kind.mask)
    }

    /// The value of `kind` with `text`, as `scalar(_:)` took it apart.
    private static func value(_ kind: Kind?, text: String?) -> JSONValue {
        switch kind {
        case .string: return .string(text!)
        case .number: return .number(text!)
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .null, nil: return .null
        }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The value in `slot` of the layout.
    private func value(inSlot slot: Int) -> JSONValue {
        general.isEmpty ? Self.value(Self.kind(inSlot: slot, of: kinds), text: texts[slot]) : general[slot]
    }

    public subscript(key: String) -> JSONValue? {
        layout.slot(of: key).map { value(inSlot: $0) }
    }

    /// One value per key, in the order of `keys`.
    public var values: [JSONValue] {
        general.isEmpty ? texts.indices.map { value(inSlot: $0) } : general
    }

    public var keys: [String] { layout.keys }
    public var isEmpty: Bool { count == 0 }
    public var count: Int { layout.keys.count }

    public func makeIterator() -> Zip2Sequence<[String], [JSONValue]>.Iterator {
        zip(layout.keys, values).makeIterator()
    }

    /// The properties as a dictionary.
    public var dictionary: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: zip(layout.keys, values))
    }

    /// Combines the keys and values into `digest` (`SourceDigest`): the layout's keys by their
    /// digest, made once per layout.
    func combine(into digest: inout Digest64) {
        digest.combine(layout.keysDigest)
        guard general.isEmpty else {
            for value in general { digest.combine(value) }
            return
        }
        // From the texts and kinds as they are: making each value first would copy its text.
        for slot in 0..<count {
            switch Self.kind(inSlot: slot, of: kinds) {
            case .string: digest.combine(string: texts[slot]!)
            case .number: digest.combine(number: texts[slot]!)
            case let kind: digest.combine(Self.value(kind, text: nil))
            }
        }
    }

    /// Equal when they hold the same values under the same keys, whatever their layouts.
    public static func == (a: PropertyValues, b: PropertyValues) -> Bool {
        if a.layout === b.layout { return a.values == b.values }
        return a.dictionary == b.dictionary
    }
}

/// The keys of `PropertyValues` with each one's slot; shared by every user with the same keys.
final class PropertyLayout: Sendable {
    let keys: [String]
    let slot: [String: Int]
    /// The digest of the keys in order, with their count.
    let keysDigest: UInt64
    /// The slots by their keys' bytes (`ByteHash`, open addressing): slot + 1, 0 for none. A run
    /// looks up a few properties of every user by name (its id, its userPrincipalName, what the
    /// mapping reads), and hashing the name with `Hasher` for `slot` cost five times the lookup.
    private let table: [Int32]
    private let mask: Int
    private let keysAreASCII: Bool

    private init(_ keys: [String]) {
        self.keys = keys
        var digest = Digest64()
        digest.combine(UInt64(keys.count))
        for key in keys { digest.combine(key) }
        keysDigest = digest.value
        var slot: [String: Int] = [:]
        for (index, key) in keys.enumerated() { slot[key] = index }
        self.slot = slot
        var size = 8
        while size < keys.count * 2 { size *= 2 }
        var table = [Int32](repeating: 0, count: size)
        for (index, key) in keys.enumerated() {
            var position = Int(truncatingIfNeeded: ByteHash.hash(key)) & (size - 1)
            while table[position] != 0 { position = (position + 1) & (size - 1) }
            table[position] = Int32(index + 1)
        }
        self.table = table
        mask = size - 1
        keysAreASCII = keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
    }

    /// The slot of `key`, as `slot[key]` finds it.
    func slot(of key: String) -> Int? {
        let found = key.withUTF8Bytes { bytes -> (slot: Int?, ascii: Bool) in
            var position = Int(truncatingIfNeeded: ByteHash.hash(bytes)) & mask
            while table[position] != 0 {
                let index = Int(table[position]) - 1
                if ByteHash.sameBytes(keys[index], UnsafeRawBufferPointer(bytes)) { return (index, true) }
                position = (position + 1) & mask
            }
            return (nil, !bytes.contains { $0 >= 0x80 })
        }
        // Not by its bytes. Strings compare as Unicode says (`==`): only another spelling of a
        // non-ASCII name, or an ASCII one for a name with a character such as the Kelvin sign, is
        // then found in the dictionary.
        if found.slot != nil || keysAreASCII && found.ascii { return found.slot }
        return slot[key]
    }

    /// Layouts by an order-independent hash of their keys (a dictionary's key order differs from
    /// one dictionary to the next). Bounded: an export whose users all differ in shape (possible with
    /// PowerShell's AdditionalProperties) gets unshared layouts past the limit.
    private static let cache = Mutex<[Int: [PropertyLayout]]>([:])
    private static let cacheLimit = 4_096

    /// The layout for `keys`, shared with every earlier user of the same keys.
    static func shared(_ keys: some Collection<String>) -> PropertyLayout {
        var combined = keys.count
        for key in keys { combined ^= key.hashValue }
        return cache.withLock { cache in
            for layout in cache[combined] ?? [] where layout.keys.count == keys.count && keys.allSatisfy({ layout.slot[$0] != nil }) {
                return layout
            }
            let layout = PropertyLayout(keys.sorted())
            if cache.count < cacheLimit { cache[combined, default: []].append(layout) }
            return layout
        }
    }
}
