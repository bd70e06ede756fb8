/// A value while an expression is evaluated. Entra's language has strings and null; booleans are the
/// strings `True`/`False`, numbers and dates are strings too, and a multi-valued attribute
/// (`proxyAddresses`, a `Split`) is a list of strings.
enum ExpressionValue: Sendable, Equatable {
    case null
    case text(String)
    case list([String])

    static let `true` = ExpressionValue.text("True")
    static let `false` = ExpressionValue.text("False")

    static func bool(_ flag: Bool) -> ExpressionValue { flag ? .true : .false }

    /// Null, an empty string, or an empty list.
    var isNullOrEmpty: Bool {
        switch self {
        case .null: return true
        case .text(let s): return s.isEmpty
        case .list(let values): return values.isEmpty
        }
    }

    /// Null, or an empty list (a multi-valued attribute without values is absent).
    var isNull: Bool {
        switch self {
        case .null: return true
        case .text: return false
        case .list(let values): return values.isEmpty
        }
    }

    /// Every value: none for null, one for a string, all of a list.
    var values: [String] {
        switch self {
        case .null: return []
        case .text(let s): return [s]
        case .list(let values): return values
        }
    }
}

/// A function's evaluated arguments, read with messages naming the function and the argument.
struct ExpressionArguments {
    let function: String
    let values: [ExpressionValue]

    var count: Int { values.count }

    subscript(index: Int) -> ExpressionValue {
        index < values.count ? values[index] : .null
    }

    func failure(_ reason: String) -> MappingError {
        .badArguments(function: function, reason: reason)
    }

    /// Argument `index` as one string; `nil` for null. A list of one value is that value.
    func text(_ index: Int) throws(MappingError) -> String? {
        switch self[index] {
        case .null: return nil
        case .text(let s): return s
        case .list(let values):
            if values.isEmpty { return nil }
            if values.count == 1 { return values[0] }
            throw failure("argument \(index + 1) has \(values.count) values where one is expected (pick one with Item or combine them with Join)")
        }
    }

    /// Argument `index` as a whole number; `nil` for null or an empty string.
    func integer(_ index: Int, name: String) throws(MappingError) -> Int? {
        guard let text = try text(index), !text.isEmpty else { return nil }
        guard let number = ExpressionArguments.wholeNumber(text) else {
            throw failure("\(name) must be a whole number, got \"\(text)\"")
        }
        return number
    }

    /// Argument `index` as True or False (any case), or a number (non-zero is True), as VBA's CBool reads it.
    func boolean(_ index: Int, name: String) throws(MappingError) -> Bool? {
        guard let text = try text(index) else { return nil }
        if let flag = ExpressionArguments.booleanValue(text) { return flag }
        throw failure("\(name) must be True or False, got \"\(text)\"")
    }

    /// `True`/`False` in any case, or a number (non-zero is true); `nil` for anything else.
    static func booleanValue(_ text: String) -> Bool? {
        let trimmed = text.trimmingSpaces
        if trimmed.equalsIgnoringCase("true") { return true }
        if trimmed.equalsIgnoringCase("false") { return false }
        if let number = Double(trimmed) { return number != 0 }
        return nil
    }

    /// A whole number written in decimal (`-10`, `+7`, ` 3 `), or `nil`.
    static func wholeNumber(_ text: String) -> Int? {
        Int(text.trimmingSpaces)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (no Foundation character sets on the hot path).
    var trimmingSpaces: String {
        guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        if first == startIndex && last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}
