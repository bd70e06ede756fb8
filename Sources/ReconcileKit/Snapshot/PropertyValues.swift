import Synchronization

/// A directory user's properties keyed by lowercased name, stored as an array of values over a key
/// layout that every user of the same shape shares: a Graph export's users all carry the same
/// properties, so a million users cost a million small arrays, not a million dictionaries.
///
/// Reads like the dictionary it replaces (`properties["mail"]`, `keys`, `values`, iteration).
public struct PropertyValues: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private let layout: PropertyLayout
    /// One value per key of the layout, in the layout's order.
    public let values: [JSONValue]

    public init(_ dictionary: [String: JSONValue]) {
        layout = PropertyLayout.shared(dictionary.keys)
        values = layout.keys.map { dictionary[$0]! }
    }

    /// `values` over `layout`: one value per key, in the layout's order.
    init(layout: PropertyLayout, values: [JSONValue]) {
        self.layout = layout
        self.values = values
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    public subscript(key: String) -> JSONValue? {
        layout.slot[key].map { values[$0] }
    }

    public var keys: [String] { layout.keys }
    public var isEmpty: Bool { values.isEmpty }
    public var count: Int { values.count }

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
        values.withUnsafeBufferPointer { values in
            for index in values.indices { digest.combine(values[index]) }
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

    private init(_ keys: [String]) {
        self.keys = keys
        var digest = Digest64()
        digest.combine(UInt64(keys.count))
        for key in keys { digest.combine(key) }
        keysDigest = digest.value
        var slot: [String: Int] = [:]
        for (index, key) in keys.enumerated() { slot[key] = index }
        self.slot = slot
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
