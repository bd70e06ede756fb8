/// A function of Entra's expression language: its name as Microsoft writes it, how many arguments it
/// takes, what can be checked when the mapping is loaded, and its body.
struct ExpressionFunction: Sendable {
    typealias Body = @Sendable (_ arguments: ExpressionArguments, _ context: ExpressionEvaluator.Context) throws(MappingError) -> ExpressionValue
    typealias Check = @Sendable (_ arguments: [Expression]) throws(MappingError) -> Void

    let name: String
    let arity: ClosedRange<Int>
    /// Checks on the written arguments (literal numbers, key/value pairs), run once when the mapping
    /// is loaded rather than failing for every user.
    let check: Check?
    let body: Body

    init(_ name: String, _ arity: ClosedRange<Int>, check: Check? = nil, body: @escaping Body) {
        self.name = name
        self.arity = arity
        self.check = check
        self.body = body
    }

    /// `takes 2 arguments`, `takes 1 to 2 arguments`, `takes 2 or more arguments`.
    var arityDescription: String {
        if arity.upperBound == Int.max { return "takes \(arity.lowerBound) or more arguments" }
        if arity.lowerBound == arity.upperBound {
            return "takes \(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
        }
        return "takes \(arity.lowerBound) to \(arity.upperBound) arguments"
    }
}

/// The function table: every function of Microsoft's reference that gives the same result each
/// time for the same user (functions-for-customizing-application-data), by lowercased name.
enum ExpressionFunctions {
    static let all: [String: ExpressionFunction] = {
        var table: [String: ExpressionFunction] = [:]
        for function in strings + logic + lists + dates + encodings + [replace] {
            table[function.name.lowercased()] = function
        }
        return table
    }()

    /// Documented functions that reconcile does not offer, and why (README "Expressions").
    static let unavailable: [String: String] = [
        "now": "Now is not available: its value changes on every run, so plans would not be reproducible",
        "randomstring": "RandomString is not available: a random value would change on every run, and one derived from the user would be guessable",
        "redact": "Redact is not available: reconcile cannot keep a value out of its plan and provisioning log",
        "approleassignmentscomplex": "AppRoleAssignmentsComplex is not available: it provisions several roles, and reconcile maps single-valued attributes; use SingleAppRoleAssignment",
        "assertiveapproleassignmentscomplex": "AssertiveAppRoleAssignmentsComplex is not available: it provisions several roles; use SingleAppRoleAssignment",
        "selectuniquevalue": "SelectUniqueValue is not available: Entra supports it only for provisioning to Active Directory",
    ]

    /// The function named `name` (any case).
    /// - Throws: `MappingError.unknownFunction` (with a suggestion) or `.unavailableFunction`.
    static func lookup(_ name: String) throws(MappingError) -> ExpressionFunction {
        let key = name.lowercased()
        if let function = all[key] { return function }
        if let reason = unavailable[key] { throw .unavailableFunction(reason) }
        let suggestion = all.values.map(\.name).min { key.editDistance(to: $0.lowercased()) < key.editDistance(to: $1.lowercased()) }
        throw .unknownFunction(name, suggestion: suggestion.flatMap { key.editDistance(to: $0.lowercased()) <= 2 ? $0 : nil })
    }

    /// Looks up `name` and checks the arguments written for it.
    @discardableResult
    static func check(_ name: String, _ arguments: [Expression]) throws(MappingError) -> ExpressionFunction {
        let function = try lookup(name)
        guard function.arity.contains(arguments.count) else {
            throw .badArguments(function: function.name, reason: "\(function.arityDescription), got \(arguments.count)")
        }
        try function.check?(arguments)
        return function
    }

    // MARK: - Helpers for the function files

    /// Checks that the argument at `index`, when written as a literal, is a whole number.
    static func literalInteger(_ arguments: [Expression], _ index: Int, function: String, name: String) throws(MappingError) {
        guard index < arguments.count else { return }
        let text: String
        switch arguments[index] {
        case .number(let written): text = ExpressionEvaluator.number(written) ?? written
        case .literal(let written): text = written
        default: return
        }
        guard ExpressionArguments.wholeNumber(text) != nil else {
            throw .badArguments(function: function, reason: "\(name) must be a whole number, got \(arguments[index])")
        }
    }

    /// The literal text of argument `index`, if it is written as a string or number.
    static func literalText(_ arguments: [Expression], _ index: Int) -> String? {
        guard index < arguments.count else { return nil }
        switch arguments[index] {
        case .literal(let text): return text
        case .number(let text): return ExpressionEvaluator.number(text)
        default: return nil
        }
    }

    /// IIF's comparisons: numbers compare as numbers, anything else as case-sensitive text (as Switch
    /// compares); a null side makes the comparison null (Entra: "the condition check fails").
    static func compare(_ left: ExpressionValue, _ op: Expression.ComparisonOperator, _ right: ExpressionValue) -> ExpressionValue {
        guard left.values.count <= 1, right.values.count <= 1,
              let a = left.values.first, let b = right.values.first else { return .null }
        let order: Int
        if let x = Double(a.trimmingSpaces), let y = Double(b.trimmingSpaces) {
            order = x < y ? -1 : (x > y ? 1 : 0)
        } else {
            order = a == b ? 0 : (Array(a.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.unicodeScalars.map(\.value)) ? -1 : 1)
        }
        switch op {
        case .equal: return .bool(order == 0)
        case .notEqual: return .bool(order != 0)
        case .greater: return .bool(order > 0)
        case .greaterOrEqual: return .bool(order >= 0)
        case .less: return .bool(order < 0)
        case .lessOrEqual: return .bool(order <= 0)
        }
    }

    /// `Guid()` made stable: the same user and target always get the same GUID (an RFC 9562 version 8
    /// UUID from SHA-256), so plans are reproducible and a create is never planned twice differently.
    static func stableGuid(user: String, target: String, occurrence: Int) -> String {
        var hasher = SHA256()
        hasher.update(Array("reconcile-guid\u{0}\(user)\u{0}\(target)\u{0}\(occurrence)".utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
