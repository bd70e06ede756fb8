/// Evaluates `Expression`s against one directory user, with Entra's semantics: values are strings
/// or null, booleans read as `True`/`False`, and a null input generally yields null.
struct ExpressionEvaluator {
    /// The user being evaluated, and whether it is in scope (both feed `IsSoftDeleted`).
    struct Context {
        let user: DirectoryUser
        var inScope: Bool = true
    }

    typealias Function = @Sendable (_ arguments: [String?]) throws(MappingError) -> String?

    /// The functions known by name (case-insensitive, as Entra's editor accepts them).
    static let functions: [String: (arity: ClosedRange<Int>, body: Function)] = [
        // Switch(source, defaultValue, key1, value1, key2, value2, ...): case-sensitive key comparison.
        "switch": (2...Int.max, { arguments throws(MappingError) in
            guard arguments.count % 2 == 0 else {
                throw .badArguments(function: "Switch", reason: "keys and values must come in pairs")
            }
            let source = arguments[0]
            var index = 2
            while index + 1 < arguments.count {
                if let source, arguments[index] == source { return arguments[index + 1] }
                index += 2
            }
            return arguments[1]
        }),
    ]

    /// Checks that every function exists and is called with an acceptable number of arguments.
    static func validate(_ expression: Expression) throws(MappingError) {
        guard case .call(let name, let arguments) = expression else { return }
        guard let function = functions[name.lowercased()] else { throw .unknownFunction(name) }
        guard function.arity.contains(arguments.count) else {
            throw .badArguments(function: name, reason: "takes \(function.arity.lowerBound)"
                + (function.arity.upperBound == Int.max ? " or more" : "...\(function.arity.upperBound)")
                + " arguments, got \(arguments.count)")
        }
        // Checked here too, so a bad table fails when it is loaded rather than once per user.
        if name.equalsIgnoringCase("Switch"), arguments.count % 2 != 0 {
            throw .badArguments(function: name, reason: "keys and values must come in pairs")
        }
        for argument in arguments { try validate(argument) }
    }

    /// The expression's value for the context's user; `nil` is null.
    static func evaluate(_ expression: Expression, in context: Context) throws(MappingError) -> String? {
        switch expression {
        case .literal(let text): return text
        case .empty: return nil
        case .attribute(let name): return attribute(name, in: context)
        case .call(let name, let arguments):
            guard let function = functions[name.lowercased()] else { throw .unknownFunction(name) }
            var values: [String?] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try evaluate(argument, in: context)) }
            return try function.body(values)
        }
    }

    /// A source attribute's value; `IsSoftDeleted` is computed (entra-provisioning.md §2): true when the
    /// account is disabled, soft-deleted (`deletedDateTime` set) or out of scope.
    static func attribute(_ name: String, in context: Context) -> String? {
        if name.equalsIgnoringCase("IsSoftDeleted") {
            let softDeleted = !context.user.accountEnabled || context.user.value("deletedDateTime") != nil || !context.inScope
            return softDeleted ? "True" : "False"
        }
        if name.equalsIgnoringCase("objectId") { return context.user.id }
        return context.user.text(name)
    }
}

extension String {
    /// ASCII-case-insensitive equality, for attribute and function names.
    func equalsIgnoringCase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
