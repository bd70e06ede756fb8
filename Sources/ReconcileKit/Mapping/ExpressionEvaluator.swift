/// Evaluates `Expression`s against one directory user, with Entra's semantics: values are strings
/// or null, booleans read as `True`/`False`, and a null input generally yields null.
///
/// An expression is compiled once per run (function names looked up, numbers and constants
/// converted, attribute names lowercased) and then evaluated for every user.
struct ExpressionEvaluator {
    /// The user being evaluated, whether it is in scope (both feed `IsSoftDeleted`), and the target
    /// being mapped (it keeps `Guid()` stable per user and attribute).
    struct Context {
        let user: DirectoryUser
        var inScope: Bool = true
        var target: String = ""
    }

    /// The bare names an expression may use, and their values (VBA's compare modes for InStr).
    static let constants: [String: ExpressionValue] = [
        "vbbinarycompare": .text("0"),
        "vbtextcompare": .text("1"),
    ]

    /// Checks that every function exists, is supported, and is called with acceptable arguments.
    static func validate(_ expression: Expression) throws(MappingError) {
        switch expression {
        case .call(let name, let arguments):
            try ExpressionFunctions.check(name, arguments)
            for argument in arguments { try validate(argument) }
        case let .comparison(left, _, right):
            try validate(left)
            try validate(right)
        case .name(let name):
            guard constants[name.lowercased()] != nil else { throw .unknownName(name) }
        case .number(let text):
            guard number(text) != nil else { throw .invalidExpression(column: 1, reason: "\(text) is not a number") }
        case .attribute, .literal, .empty:
            break
        }
    }

    /// The value of a number as written: decimal stays as it is, `&HF7` becomes `247`.
    static func number(_ text: String) -> String? {
        if text.count > 2, text.first == "&", text.dropFirst().first.map({ $0 == "H" || $0 == "h" }) == true {
            return Int(text.dropFirst(2), radix: 16).map { String($0) }
        }
        if text.first == "+" { return Double(text.dropFirst()) != nil ? String(text.dropFirst()) : nil }
        return Double(text) != nil ? text : nil
    }

    /// An expression ready to evaluate.
    indirect enum Compiled: Sendable {
        case constant(ExpressionValue)
        case attribute(AttributeReader)
        case call(ExpressionFunction, [Compiled])
        case comparison(Expression.ComparisonOperator, Compiled, Compiled)
        /// `Guid()`, numbered within its expression so two calls give two values.
        case guid(Int)

        init(_ expression: Expression) throws(MappingError) {
            var guids = 0
            self = try Compiled.make(expression, guids: &guids)
        }

        private static func make(_ expression: Expression, guids: inout Int) throws(MappingError) -> Compiled {
            switch expression {
            case .literal(let text): return .constant(.text(text))
            case .empty: return .constant(.null)
            case .number(let text):
                guard let value = ExpressionEvaluator.number(text) else {
                    throw .invalidExpression(column: 1, reason: "\(text) is not a number")
                }
                return .constant(.text(value))
            case .name(let name):
                guard let value = ExpressionEvaluator.constants[name.lowercased()] else { throw .unknownName(name) }
                return .constant(value)
            case .attribute(let name): return .attribute(AttributeReader(name))
            case let .comparison(left, op, right):
                return .comparison(op, try make(left, guids: &guids), try make(right, guids: &guids))
            case .call(let name, let arguments):
                let function = try ExpressionFunctions.check(name, arguments)
                if function.name == "Guid" {
                    guids += 1
                    return .guid(guids)
                }
                var compiled: [Compiled] = []
                compiled.reserveCapacity(arguments.count)
                for argument in arguments { compiled.append(try make(argument, guids: &guids)) }
                return .call(function, compiled)
            }
        }

        func evaluate(in context: Context) throws(MappingError) -> ExpressionValue {
            switch self {
            case .constant(let value): return value
            case .attribute(let reader): return reader.read(context)
            case let .call(function, arguments):
                var values: [ExpressionValue] = []
                values.reserveCapacity(arguments.count)
                for argument in arguments { values.append(try argument.evaluate(in: context)) }
                return try function.body(ExpressionArguments(function: function.name, values: values), context)
            case let .comparison(op, left, right):
                return ExpressionFunctions.compare(try left.evaluate(in: context), op, try right.evaluate(in: context))
            case .guid(let occurrence):
                return .text(ExpressionFunctions.stableGuid(user: context.user.id, target: context.target, occurrence: occurrence))
            }
        }
    }
}

extension String {
    /// ASCII-case-insensitive equality, for attribute and function names.
    func equalsIgnoringCase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
