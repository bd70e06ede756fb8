/// One row of the attribute-mapping table: where a SCIM attribute's value comes from, and when it flows.
public struct AttributeMapping: Sendable, Equatable {
    /// Where the value comes from (Entra's mapping types: Direct, Constant, Expression).
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case attribute(String)
        case constant(String)
        case expression(Expression)

        public var description: String {
            switch self {
            case .attribute(let name): return name
            case .constant(let value): return "\"\(value)\""
            case .expression(let expression): return expression.description
            }
        }
    }

    /// When the value flows: on every run, or only when the user is created (Entra's "Apply this mapping").
    public enum Apply: String, Sendable, Equatable, CaseIterable {
        case always
        case onCreate
    }

    public var target: SCIMPath
    public var source: Source
    public var apply: Apply
    /// Used instead of a null source value, on create only (as Entra does).
    public var defaultIfNull: String?
    /// 1 is tried first; `nil` when the attribute is not used for matching.
    public var matchingPrecedence: Int?

    public init(
        target: SCIMPath, source: Source, apply: Apply = .always,
        defaultIfNull: String? = nil, matchingPrecedence: Int? = nil
    ) {
        self.target = target
        self.source = source
        self.apply = apply
        self.defaultIfNull = defaultIfNull
        self.matchingPrecedence = matchingPrecedence
    }
}
