/// An expression of Entra's mapping language, as a tree: `Switch([IsSoftDeleted], , "False", "True", "True", "False")`.
///
/// See entra-provisioning.md §4 and Microsoft's "Reference for writing expressions for attribute mappings".
public indirect enum Expression: Sendable, Equatable, CustomStringConvertible {
    /// `[attributeName]`: a property of the directory user (or a computed one such as `IsSoftDeleted`).
    case attribute(String)
    /// `"text"`: a string literal.
    case literal(String)
    /// An argument left empty, as in `Switch([x], , ...)`: evaluates to null.
    case empty
    /// `Name(arguments...)`.
    case call(String, [Expression])

    /// The expression written back in Entra's syntax.
    public var description: String {
        switch self {
        case .attribute(let name): return "[\(name)]"
        case .literal(let text):
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .empty: return ""
        case .call(let name, let arguments):
            return name + "(" + arguments.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// The source attributes the expression reads, for loading and `explain`.
    public var attributes: [String] {
        switch self {
        case .attribute(let name): return [name]
        case .literal, .empty: return []
        case .call(_, let arguments): return arguments.flatMap(\.attributes)
        }
    }
}
