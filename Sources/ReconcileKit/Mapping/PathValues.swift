/// Values keyed by target path, stored as one array slot per path of a layout the mapping shares
/// with every user: a million users' mapped values are a million small arrays, not a million
/// dictionaries (each path a 70-byte key) — several kilobytes less per user.
///
/// Reads and writes like a dictionary (`values[path]`, `values[path] = nil`); a path outside the
/// layout gets a new layout for this value only.
public struct PathValues<Value: Sendable & Equatable>: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private(set) var layout: PathLayout
    private var slots: [Value?]

    /// Empty values over `layout`'s paths.
    init(layout: PathLayout) {
        self.layout = layout
        slots = Array(repeating: nil, count: layout.paths.count)
    }

    public init(_ dictionary: [SCIMPath: Value]) {
        self.init(layout: PathLayout(dictionary.keys.sorted()))
        for (path, value) in dictionary { self[path] = value }
    }

    public init(dictionaryLiteral elements: (SCIMPath, Value)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    public subscript(path: SCIMPath) -> Value? {
        get {
            guard let slot = layout.slot(of: path) else { return nil }
            return slots[slot]
        }
        set {
            if let slot = layout.slot(of: path) {
                slots[slot] = newValue
            } else if let newValue {
                layout = PathLayout(layout.paths + [path])
                slots.append(newValue)
            }
        }
    }

    /// The value in `slot` of the layout (`layout.paths[slot]`).
    func value(inSlot slot: Int) -> Value? { slots[slot] }

    /// Sets the value in `slot` of the layout.
    mutating func set(_ value: Value?, inSlot slot: Int) { slots[slot] = value }

    public var isEmpty: Bool { !slots.contains { $0 != nil } }
    public var count: Int { slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// The paths that have a value, in layout order.
    public var keys: [SCIMPath] { layout.paths.indices.filter { slots[$0] != nil }.map { layout.paths[$0] } }

    /// The values as a dictionary.
    public var dictionary: [SCIMPath: Value] {
        var result: [SCIMPath: Value] = [:]
        for (path, value) in self { result[path] = value }
        return result
    }

    public func mapValues<T>(_ transform: (Value) -> T) -> PathValues<T> {
        var result = PathValues<T>(layout: layout)
        for slot in slots.indices { result.slots[slot] = slots[slot].map(transform) }
        return result
    }

    public func makeIterator() -> AnyIterator<(key: SCIMPath, value: Value)> {
        var slot = 0
        return AnyIterator {
            while slot < slots.count {
                defer { slot += 1 }
                if let value = slots[slot] { return (layout.paths[slot], value) }
            }
            return nil
        }
    }

    /// Equal when they hold the same values at the same paths, whatever their layouts.
    public static func == (a: PathValues, b: PathValues) -> Bool {
        if a.layout === b.layout { return a.slots == b.slots }
        return a.dictionary == b.dictionary
    }
}

/// The paths of `PathValues`, each with its slot; one per mapping, shared by every user's values.
final class PathLayout: Sendable {
    /// The layout of no paths, shared by values that hold nothing.
    static let empty = PathLayout([])

    let paths: [SCIMPath]
    /// Each path's precomputed hash, by slot: a mapping has a few dozen paths, and a scan of these
    /// is cheaper than hashing a path for a dictionary (every mapped value of every user is read so).
    let codes: [UInt64]
    /// The slots in path order (`SCIMPath <`), the order resources are written in.
    let sortedSlots: [Int]

    init(_ paths: [SCIMPath]) {
        var unique: [SCIMPath] = []
        var slot: [SCIMPath: Int] = [:]
        for path in paths where slot[path] == nil {
            slot[path] = unique.count
            unique.append(path)
        }
        self.paths = unique
        codes = unique.map(\.hashCode)
        sortedSlots = unique.indices.sorted { unique[$0] < unique[$1] }
    }

    /// The slot of `path`, if the layout has it.
    func slot(of path: SCIMPath) -> Int? {
        let code = path.hashCode
        for slot in codes.indices where codes[slot] == code && paths[slot] == path { return slot }
        return nil
    }
}
