/// A JSON document held in memory: what snapshot pages, SCIM resources and plan files are made of.
///
/// Objects keep their members in a dictionary; every writer sorts keys, so output never depends on
/// dictionary order. Numbers keep the text they were written with, so ids and counts survive a
/// round trip unchanged (RFC 8259 §6 leaves precision to the implementation).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared in the input (or as written by `JSONValue.number(_:)`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// An integer number value.
    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The string, or `nil` for anything else.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The boolean, or `nil` for anything else.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The integer value of a number, or `nil`.
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) ?? Double(text).flatMap { Int(exactly: $0) } }
        return nil
    }

    /// The members of an object, or `nil`.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array, or `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// True for `null`, an empty string and an empty array: the values RFC 7643 §2.5 treats as unassigned.
    public var isAbsent: Bool {
        switch self {
        case .null: return true
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }

    /// The member named `key` of an object (exact spelling), or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}
