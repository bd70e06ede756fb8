/// A mapping that cannot be used, or a value that cannot be mapped.
public enum MappingError: Error, CustomStringConvertible, Equatable {
    case unknownFunction(String)
    case badArguments(function: String, reason: String)
    case notABoolean(path: String, value: String)
    case unknownTarget(String)
    case duplicateTarget(String)
    case noMatchingAttribute

    public var description: String {
        switch self {
        case .unknownFunction(let name): return "unknown function \(name)"
        case let .badArguments(function, reason): return "\(function): \(reason)"
        case let .notABoolean(path, value): return "\(path) needs True or False, the mapping gave \"\(value)\""
        case .unknownTarget(let path): return "unknown target attribute \(path)"
        case .duplicateTarget(let path): return "two mapping entries target \(path)"
        case .noMatchingAttribute: return "no mapping entry is a matching attribute (give one a matchingPrecedence)"
        }
    }
}
