/// A value for one SCIM attribute path: SCIM's `string` or `boolean` (RFC 7643 §2.3).
public enum SCIMValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case bool(Bool)

    /// The value as JSON, the way it is written to a resource or a PATCH operation.
    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        }
    }

    /// Reads a JSON value found in a resource; `nil` for no value or a structured one.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s) where !s.isEmpty: self = .string(s)
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .string(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return b ? "true" : "false"
        }
    }
}
