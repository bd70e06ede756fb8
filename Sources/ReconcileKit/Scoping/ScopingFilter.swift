import Foundation

/// An attribute scoping filter, as Entra's "Source object scope" has them
/// (entra-provisioning.md §5, SCOPE): a user passes when every clause is true (AND); a
/// configuration's filters combine with OR (see `Scope`).
public struct ScopingFilter: Sendable, Equatable {
    /// The filter's title, shown when explaining a decision; `nil` shows its position.
    public var name: String?
    /// The conditions, all of which must be true.
    public var clauses: [ScopingClause]

    /// A filter of `clauses`, titled `name`.
    public init(name: String? = nil, clauses: [ScopingClause]) {
        self.name = name
        self.clauses = clauses
    }

    /// Each clause's outcome for `user`, in order; the filter passes when all are true.
    public func evaluate(_ user: DirectoryUser) -> [ScopingClause.Outcome] {
        clauses.map { $0.evaluate(user) }
    }
}

/// One condition of a scoping filter: an attribute, an operator and (for binary operators) a value.
public struct ScopingClause: Sendable, Equatable, CustomStringConvertible {
    /// The source attribute, as a property name (case-insensitive, like mapping sources).
    public let attribute: String
    /// How the attribute is compared.
    public let `operator`: ScopingOperator
    /// The value to compare with; `nil` for the unary operators (IS TRUE, IS NULL, ...).
    public let value: String?
    /// The compiled pattern of REGEX MATCH / NOT REGEX MATCH; the integer of the Greater_Than operators.
    private let regex: NSRegularExpression?
    private let integer: Int64?

    /// Makes a clause after checking it: a value only where the operator takes one, a pattern that
    /// compiles, an integer for the Greater_Than operators.
    /// - Throws: `ScopingError.invalidClause` saying what is wrong with it.
    public init(attribute: String, operator op: ScopingOperator, value: String?) throws(ScopingError) {
        guard !attribute.isEmpty else { throw .invalidClause("the attribute is empty") }
        self.attribute = attribute
        self.operator = op
        self.value = value
        var regex: NSRegularExpression?
        var integer: Int64?
        if op.takesValue {
            guard let value else { throw .invalidClause("\(op) needs a value") }
            switch op {
            case .regexMatch, .notRegexMatch:
                do {
                    regex = try NSRegularExpression(pattern: value)
                } catch {
                    throw .invalidClause("invalid regular expression \"\(value)\" (the syntax is ICU's, which for common patterns is .NET's)")
                }
            case .greaterThan, .greaterThanOrEquals:
                guard let number = Int64(value) else {
                    throw .invalidClause("\(op) compares integers, and \"\(value)\" is not one")
                }
                integer = number
            default:
                break
            }
        } else if value != nil {
            throw .invalidClause("\(op) takes no value")
        }
        self.regex = regex
        self.integer = integer
    }

    public static func == (lhs: ScopingClause, rhs: ScopingClause) -> Bool {
        lhs.attribute == rhs.attribute && lhs.operator == rhs.operator && lhs.value == rhs.value
    }

    /// `department EQUALS "Sales"`, `accountEnabled IS TRUE`.
    public var description: String {
        value.map { "\(attribute) \(self.operator) \"\($0)\"" } ?? "\(attribute) \(self.operator)"
    }

    /// What one clause said about one user, with the value it looked at (for `explain`).
    public struct Outcome: Sendable, Equatable {
        /// The clause evaluated.
        public let clause: ScopingClause
        /// The attribute's value as text, `nil` when the user has none.
        public let found: String?
        /// The clause's result.
        public let passed: Bool
    }

    /// Evaluates the clause with Entra's rules: comparisons are case-sensitive and ordinal, and a
    /// null or empty attribute makes every operator false except IS NULL (SCOPE: "Scoping filters
    /// will return 'false' if the value is null / empty"; NOT REGEX MATCH "returns 'false' if the
    /// attribute is null / empty").
    public func evaluate(_ user: DirectoryUser) -> Outcome {
        let found = user.text(attribute)
        return Outcome(clause: self, found: found, passed: passes(found, raw: user.value(attribute)))
    }

    private func passes(_ found: String?, raw: JSONValue?) -> Bool {
        switch self.operator {
        case .isNull: return found == nil && raw == nil
        case .isNotNull: return found != nil || raw != nil
        default: break
        }
        guard let found, !found.isEmpty else { return false }
        let value = self.value ?? ""
        switch self.operator {
        case .equals: return found.utf8.elementsEqual(value.utf8)
        case .notEquals: return !found.utf8.elementsEqual(value.utf8)
        case .includes: return Self.contains(found, value)
        // "&": the attribute is found in the value (SCOPE: "the evaluated attribute exists in the input string value").
        case .existsIn: return Self.contains(value, found)
        case .notExistsIn: return !Self.contains(value, found)
        case .endsWith: return found.utf8.count >= value.utf8.count && found.utf8.suffix(value.utf8.count).elementsEqual(value.utf8)
        case .isTrue: return found.lowercased() == "true"
        case .isFalse: return found.lowercased() == "false"
        case .regexMatch: return matches(found)
        case .notRegexMatch: return !matches(found)
        case .greaterThan, .greaterThanOrEquals:
            guard let number = Int64(found), let integer else { return false }
            return self.operator == .greaterThan ? number > integer : number >= integer
        case .isNull, .isNotNull: return false
        }
    }

    /// Whether the pattern matches anywhere in `text` (.NET's `Regex.IsMatch`: unanchored).
    private func matches(_ text: String) -> Bool {
        guard let regex else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Ordinal substring search (.NET `String.Contains`), on UTF-8 bytes.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8), n = Array(needle.utf8)
        guard !n.isEmpty else { return true }
        guard h.count >= n.count else { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] {
            if h[start..<start + n.count].elementsEqual(n) { return true }
        }
        return false
    }
}

/// Entra's scoping operators (SCOPE lists 14), spelt as Entra's portal shows them.
public enum ScopingOperator: String, Sendable, CaseIterable, CustomStringConvertible {
    case existsIn = "&"
    case notExistsIn = "!&"
    case endsWith = "ENDS_WITH"
    case equals = "EQUALS"
    case greaterThan = "Greater_Than"
    case greaterThanOrEquals = "Greater_Than_OR_EQUALS"
    case includes = "Includes"
    case isFalse = "IS FALSE"
    case isNotNull = "IS NOT NULL"
    case isNull = "IS NULL"
    case isTrue = "IS TRUE"
    case notEquals = "NOT EQUALS"
    case notRegexMatch = "NOT REGEX MATCH"
    case regexMatch = "REGEX MATCH"

    public var description: String { rawValue }

    /// Whether the operator compares with a value (IS TRUE, IS FALSE, IS NULL, IS NOT NULL do not).
    public var takesValue: Bool {
        switch self {
        case .isTrue, .isFalse, .isNull, .isNotNull: return false
        default: return true
        }
    }

    /// The operator named `name`: Entra's spelling in any case, with `_` and spaces alike
    /// (`NOT EQUALS`, `not_equals`, `Greater_Than`, `GREATER THAN`); `nil` for anything else.
    public init?(name: String) {
        let key = Self.key(name)
        guard let found = Self.allCases.first(where: { Self.key($0.rawValue) == key }) else { return nil }
        self = found
    }

    private static func key(_ name: String) -> String {
        name.trimmingASCIISpaces.uppercased().replacingOccurrences(of: "_", with: " ")
    }
}
