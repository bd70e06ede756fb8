/// Reads Entra's expression syntax (Microsoft's "Reference for writing expressions for attribute
/// mappings", entra-provisioning.md §4) into an `Expression`.
///
/// The grammar: an expression is an operand, optionally compared with another (`[country] = "USA"`,
/// for IIF conditions). An operand is an attribute `[name]`, a string `"text"` (`\"` and `\\` are the
/// only escapes), a number (`7`, `-10`, `&HF7`), a bare constant (`vbTextCompare`) or a call
/// `Name(argument, ...)` whose arguments may be left empty (`Switch([x], , "a", "b")`). Function
/// names, argument counts and literal arguments are checked here, so every mistake is reported with
/// its 1-based column.
public struct ExpressionParser {
    private let characters: [Character]
    private var position = 0
    /// How deep in call arguments the parser is, and where each IgnoreFlowIfNullOrEmpty call starts.
    private var depth = 0
    private var ignoreFlowCalls: [(column: Int, depth: Int)] = []

    /// Entra's documented limit on an expression's length (entra-provisioning.md §4).
    public static let maximumLength = 10_000

    /// Parses and checks `text`.
    /// - Throws: `MappingError.invalidExpression` with the column at fault.
    public static func parse(_ text: String) throws(MappingError) -> Expression {
        var parser = ExpressionParser(characters: Array(text))
        guard parser.characters.count <= maximumLength else {
            throw .invalidExpression(column: maximumLength + 1,
                                     reason: "the expression is longer than Entra's limit of \(maximumLength) characters")
        }
        parser.skipSpaces()
        guard !parser.atEnd else { throw .invalidExpression(column: 1, reason: "the expression is empty") }
        let expression = try parser.expression()
        parser.skipSpaces()
        guard parser.atEnd else {
            throw parser.error("unexpected \(parser.describeNext()) after the end of the expression")
        }
        // IgnoreFlowIfNullOrEmpty decides whether the attribute flows at all, so only the outermost call may be it.
        for (column, depth) in parser.ignoreFlowCalls {
            guard depth == 0, case .call = expression else {
                throw .invalidExpression(column: column, reason: "IgnoreFlowIfNullOrEmpty must be the outermost function of the expression")
            }
        }
        return expression
    }

    private init(characters: [Character]) {
        self.characters = characters
    }

    // MARK: - Grammar

    private mutating func expression() throws(MappingError) -> Expression {
        let left = try operand()
        skipSpaces()
        let start = position
        guard let op = comparisonOperator() else { return left }
        skipSpaces()
        guard !atEnd, peek != ",", peek != ")" else {
            throw error("\(op.rawValue) needs a value on its right", at: start)
        }
        let right = try operand()
        skipSpaces()
        if comparisonOperator() != nil {
            throw error("only one comparison is allowed here; nest IIF calls to combine conditions", at: start)
        }
        return .comparison(left, op, right)
    }

    private mutating func operand() throws(MappingError) -> Expression {
        guard let next = peek else { throw error("the expression ends where a value was expected") }
        switch next {
        case "[": return try attribute()
        case "\"": return try string()
        case "&", "-", "+", "0"..."9": return try number()
        default:
            guard next.isLetter || next == "_" else {
                throw error("expected an attribute [name], a \"string\", a number or a function call, found \(describeNext())")
            }
            return try nameOrCall()
        }
    }

    private mutating func attribute() throws(MappingError) -> Expression {
        let start = position
        position += 1
        var name = ""
        while let next = peek, next != "]" {
            if next == "[" { throw error("\"[\" inside an attribute name; close the name with ] first") }
            name.append(next)
            position += 1
        }
        guard !atEnd else { throw error("the attribute name is never closed: add ]", at: start) }
        position += 1
        let trimmed = name.trimmingSpaces
        guard !trimmed.isEmpty else { throw error("the attribute name is empty", at: start) }
        return .attribute(trimmed)
    }

    private mutating func string() throws(MappingError) -> Expression {
        let start = position
        position += 1
        var text = ""
        while let next = peek {
            position += 1
            switch next {
            case "\"": return .literal(text)
            case "\\":
                guard let escaped = peek else { break }
                guard escaped == "\"" || escaped == "\\" else {
                    throw error("unknown escape \\\(escaped): inside a string, write \\\\ for a backslash and \\\" for a quote",
                                at: position - 1)
                }
                text.append(escaped)
                position += 1
            default:
                text.append(next)
            }
        }
        throw error("the string is never closed: add \"", at: start)
    }

    private mutating func number() throws(MappingError) -> Expression {
        let start = position
        var text = ""
        if peek == "&" {
            text.append("&")
            position += 1
            guard let marker = peek, marker == "H" || marker == "h" else { throw error("expected a hexadecimal number such as &HF7", at: start) }
            text.append(marker)
            position += 1
            while let next = peek, next.isHexDigit { text.append(next); position += 1 }
            guard text.count > 2 else { throw error("expected hexadecimal digits after &H", at: start) }
            return .number(text)
        }
        if let sign = peek, sign == "-" || sign == "+" { text.append(sign); position += 1 }
        var digits = 0
        while let next = peek, next.isASCII && (next.isNumber || next == ".") { text.append(next); position += 1; digits += 1 }
        guard digits > 0, Double(text) != nil else { throw error("expected a number", at: start) }
        if let next = peek, next.isLetter || next == "_" { throw error("a number runs into \(describeNext())") }
        return .number(text)
    }

    private mutating func nameOrCall() throws(MappingError) -> Expression {
        let start = position
        var name = ""
        while let next = peek, next.isLetter || next.isNumber || next == "_" { name.append(next); position += 1 }
        skipSpaces()
        guard peek == "(" else {
            guard ExpressionEvaluator.constants[name.lowercased()] != nil else {
                throw error("unknown name \(name): put attributes in brackets ([\(name)]) and text in quotes (\"\(name)\")", at: start)
            }
            return .name(name)
        }
        if name.equalsIgnoringCase("IgnoreFlowIfNullOrEmpty") { ignoreFlowCalls.append((start + 1, depth)) }
        let open = position
        position += 1
        depth += 1
        defer { depth -= 1 }
        var arguments: [Expression] = []
        skipSpaces()
        if peek == ")" {
            position += 1
        } else {
            while true {
                skipSpaces()
                if let next = peek, next == "," || next == ")" {
                    arguments.append(.empty)
                } else if atEnd {
                    throw error("\(name)( is never closed: add )", at: open)
                } else {
                    arguments.append(try expression())
                }
                skipSpaces()
                guard let next = peek else { throw error("\(name)( is never closed: add )", at: open) }
                guard next == "," || next == ")" else {
                    throw error("expected \",\" or \")\" after argument \(arguments.count) of \(name), found \(describe(next))")
                }
                position += 1
                if next == ")" { break }
            }
        }
        do {
            try ExpressionFunctions.check(name, arguments)
        } catch {
            throw .invalidExpression(column: start + 1, reason: error.description)
        }
        return .call(name, arguments)
    }

    private mutating func comparisonOperator() -> Expression.ComparisonOperator? {
        guard let first = peek else { return nil }
        let second = position + 1 < characters.count ? characters[position + 1] : nil
        let op: Expression.ComparisonOperator?
        switch (first, second) {
        case ("<", ">"): op = .notEqual
        case ("<", "="): op = .lessOrEqual
        case (">", "="): op = .greaterOrEqual
        case ("<", _): op = .less
        case (">", _): op = .greater
        case ("=", _): op = .equal
        default: op = nil
        }
        if let op { position += op.rawValue.count }
        return op
    }

    // MARK: - Characters

    private var atEnd: Bool { position >= characters.count }

    private var peek: Character? { atEnd ? nil : characters[position] }

    private mutating func skipSpaces() {
        while let next = peek, next.isWhitespace { position += 1 }
    }

    private func describeNext() -> String {
        peek.map(describe) ?? "the end of the expression"
    }

    private func describe(_ character: Character) -> String {
        // Show a little of what follows, so the column is easy to find in a long expression.
        let rest = String(characters[position..<min(characters.count, position + 12)])
        return character == "\"" ? "'\(rest)'" : "\"\(rest)\""
    }

    private func error(_ reason: String, at index: Int? = nil) -> MappingError {
        .invalidExpression(column: (index ?? position) + 1, reason: reason)
    }
}
