/// A mapping that cannot be used, or a value that cannot be mapped.
public indirect enum MappingError: Error, CustomStringConvertible, Equatable {
    case unknownFunction(String, suggestion: String? = nil)
    /// A documented function reconcile does not offer; the reason says why and what to use.
    case unavailableFunction(String)
    case badArguments(function: String, reason: String)
    /// A bare name in an expression that is neither a function call nor a known constant.
    case unknownName(String)
    /// An expression that does not parse or check, at a 1-based column of its text.
    case invalidExpression(column: Int, reason: String)
    case notABoolean(path: String, value: String)
    /// A multi-valued source gave several values for a single-valued target.
    case severalValues(path: String, count: Int)
    /// Evaluating the mapping of `path` failed for one user.
    case valueFailed(path: String, reason: String)
    case unknownTarget(String, suggestion: String? = nil)
    /// The entry's target is already set by the entry at `firstIndex` (0-based).
    case targetTaken(firstIndex: Int, target: String)
    /// The entry's matching precedence is already used by the entry at `firstIndex` (0-based).
    case precedenceTaken(firstIndex: Int, precedence: Int)
    /// A problem with the entry at `index` (0-based) of the mapping table, which targets `target`.
    case entry(index: Int, target: String, MappingError)
    /// An entry that cannot work as written.
    case invalidEntry(String)
    case noMatchingAttribute
    case noUserName

    public var description: String {
        switch self {
        case let .unknownFunction(name, suggestion):
            return "unknown function \(name)" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
        case .unavailableFunction(let reason): return reason
        case let .badArguments(function, reason): return "\(function): \(reason)"
        case .unknownName(let name):
            return "unknown name \(name): put attributes in brackets ([\(name)]) and text in quotes (\"\(name)\")"
        case let .invalidExpression(column, reason): return "expression column \(column): \(reason)"
        case let .notABoolean(path, value): return "\(path) needs True or False, the mapping gave \"\(value)\""
        case let .severalValues(path, count):
            return "\(path) holds one value, the mapping gave \(count) (pick one with Item or combine them with Join)"
        case let .valueFailed(path, reason): return "\(path): \(reason)"
        case let .unknownTarget(path, suggestion):
            return "unknown target attribute \(path)" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
                + "; the README lists the attributes a mapping can set"
        case let .targetTaken(first, target): return "entry \(first + 1) already targets \(target)"
        case let .precedenceTaken(first, precedence):
            return "matchingPrecedence \(precedence) is already used by entry \(first + 1); give each matching attribute its own"
        case let .entry(index, target, error): return "mapping entry \(index + 1) (target \(target)): \(error)"
        case .invalidEntry(let reason): return reason
        case .noMatchingAttribute: return "no mapping entry is a matching attribute (give one a matchingPrecedence)"
        case .noUserName: return "no mapping entry targets userName, which every SCIM User needs (RFC 7643 §4.1.1)"
        }
    }
}
