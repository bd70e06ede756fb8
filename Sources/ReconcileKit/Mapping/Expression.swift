/// An expression of Entra's mapping language, as a tree: `Switch([IsSoftDeleted], , "False", "True", "True", "False")`.
///
/// See entra-provisioning.md §4 and Microsoft's "Reference for writing expressions for attribute
/// mappings"; `ExpressionParser` reads the text form, `description` writes it back.
public indirect enum Expression: Sendable, Equatable, CustomStringConvertible {
    /// `[attributeName]`: a property of the directory user (or a computed one such as `IsSoftDeleted`).
    case attribute(String)
    /// `"text"`: a string literal.
    case literal(String)
    /// An unquoted number, kept as written: `7`, `-10`, or VBA's hexadecimal `&HF7`.
    case number(String)
    /// A bare name that is not a call, such as InStr's `vbTextCompare`.
    case name(String)
    /// An argument left empty, as in `Switch([x], , ...)`: evaluates to null.
    case empty
    /// `Name(arguments...)`.
    case call(String, [Expression])
    /// `left = right` and the other comparisons IIF's condition may use.
    case comparison(Expression, ComparisonOperator, Expression)

    /// The comparison operators of IIF conditions.
    public enum ComparisonOperator: String, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "<>"
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
    }

    /// The expression written back in Entra's syntax.
    public var description: String {
        switch self {
        case .attribute(let name): return "[\(name)]"
        case .literal(let text):
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .number(let text), .name(let text): return text
        case .empty: return ""
        case .call(let name, let arguments):
            return name + "(" + arguments.map(\.description).joined(separator: ", ") + ")"
        case let .comparison(left, op, right):
            return "\(left) \(op.rawValue) \(right)"
        }
    }

    /// The source attributes the expression reads, for loading and `explain`.
    public var attributes: [String] {
        switch self {
        case .attribute(let name): return [name]
        case .literal, .number, .name, .empty: return []
        case .call(_, let arguments): return arguments.flatMap(\.attributes)
        case let .comparison(left, _, right): return left.attributes + right.attributes
        }
    }
}
