/// Text functions: Append, Join, Left, Mid, InStr, StripSpaces, ToLower, ToUpper, PCase, Word and
/// NormalizeDiacritics, as Microsoft's reference describes them. Positions count characters from 1,
/// as VBA does. Casing follows .NET's invariant culture (one character to one character, so `ß` stays
/// `ß` in upper case), with the Turkish and Azeri dotted and dotless i when those cultures are asked for.
extension ExpressionFunctions {
    static let strings: [ExpressionFunction] = [
        // Append(source, suffix): source followed by suffix; a null source stays null.
        ExpressionFunction("Append", 2...2) { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            return .text(source + (try arguments.text(1) ?? ""))
        },

        // Join(separator, source1, source2, ...): the values joined with separator; multi-valued
        // sources contribute every value, and null or empty values are left out (Microsoft's example
        // `Join(", ", "", [surname], [givenName])` gives "Doe, John").
        ExpressionFunction("Join", 2...Int.max) { arguments, _ throws(MappingError) in
            let separator = try arguments.text(0) ?? ""
            let parts = arguments.values.dropFirst().flatMap(\.values).filter { !$0.isEmpty }
            return .text(parts.joined(separator: separator))
        },

        // Left(String, NumChars): the first NumChars characters; 0 gives "", a negative count the whole
        // string, and a null string "".
        ExpressionFunction("Left", 2...2, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 1, function: "Left", name: "NumChars")
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .text("") }
            guard let count = try arguments.integer(1, name: "NumChars") else { return .null }
            if count < 0 { return .text(source) }
            return .text(String(source.prefix(count)))
        }),

        // Mid(source, start, length): length characters from position start (1 is the first); past the
        // end gives what is there.
        ExpressionFunction("Mid", 3...3, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 1, function: "Mid", name: "start")
            try literalInteger(arguments, 2, function: "Mid", name: "length")
            if let start = literalText(arguments, 1).flatMap(ExpressionArguments.wholeNumber), start < 1 {
                throw .badArguments(function: "Mid", reason: "start must be 1 or more (the first character is 1), got \(start)")
            }
            if let length = literalText(arguments, 2).flatMap(ExpressionArguments.wholeNumber), length < 0 {
                throw .badArguments(function: "Mid", reason: "length must be 0 or more, got \(length)")
            }
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0),
                  let start = try arguments.integer(1, name: "start"),
                  let length = try arguments.integer(2, name: "length") else { return .null }
            guard start >= 1 else { throw arguments.failure("start must be 1 or more (the first character is 1), got \(start)") }
            guard length >= 0 else { throw arguments.failure("length must be 0 or more, got \(length)") }
            return .text(String(source.dropFirst(start - 1).prefix(length)))
        }),

        // InStr(value1, value2, start, compareType): the position of value2 in value1 from start, or 0.
        // compareType is vbBinaryCompare (exact, the default) or vbTextCompare (ignoring case).
        ExpressionFunction("InStr", 2...4, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 2, function: "InStr", name: "start")
            if let mode = literalText(arguments, 3), compareMode(mode) == nil {
                throw .badArguments(function: "InStr", reason: "compareType must be vbBinaryCompare or vbTextCompare, got \"\(mode)\"")
            }
        }, body: { arguments, _ throws(MappingError) in
            guard let text = try arguments.text(0), let sought = try arguments.text(1) else { return .null }
            let start = try arguments.integer(2, name: "start") ?? 1
            guard start >= 1 else { throw arguments.failure("start must be 1 or more, got \(start)") }
            let mode = try arguments.text(3) ?? "0"
            guard let ignoreCase = compareMode(mode) else {
                throw arguments.failure("compareType must be vbBinaryCompare or vbTextCompare, got \"\(mode)\"")
            }
            let haystack = Array(text), needle = Array(sought)
            guard start <= haystack.count else { return .text("0") }
            if needle.isEmpty { return .text(String(start)) }
            let fold: (Character) -> String = ignoreCase ? { simpleLowercase(String($0), turkish: false) } : { String($0) }
            let foldedNeedle = needle.map(fold)
            var index = start - 1
            while index + needle.count <= haystack.count {
                if (0..<needle.count).allSatisfy({ fold(haystack[index + $0]) == foldedNeedle[$0] }) { return .text(String(index + 1)) }
                index += 1
            }
            return .text("0")
        }),

        // StripSpaces(source): source without any space (" ") characters.
        ExpressionFunction("StripSpaces", 1...1) { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            return .text(source.filter { $0 != " " })
        },

        // ToLower(source, culture) and ToUpper(source, culture): invariant culture unless one is named.
        ExpressionFunction("ToLower", 1...2, check: { arguments throws(MappingError) in
            try checkCulture(arguments, function: "ToLower")
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            return .text(simpleLowercase(source, turkish: isTurkic(try arguments.text(1))))
        }),
        ExpressionFunction("ToUpper", 1...2, check: { arguments throws(MappingError) in
            try checkCulture(arguments, function: "ToUpper")
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            return .text(simpleUppercase(source, turkish: isTurkic(try arguments.text(1))))
        }),

        // PCase(source, wordSeparators): each word with its first letter upper case and the rest lower.
        ExpressionFunction("PCase", 1...2) { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            if let separators = try arguments.text(1), !separators.isEmpty {
                return .text(properCase(source, separators: Set(separators)))
            }
            return .text(titleCase(source))
        },

        // Word(String, WordNumber, Delimiters): the WordNumber-th word, words being separated by any of
        // the delimiter characters; "" when there is no such word or the string is null.
        ExpressionFunction("Word", 3...3, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 1, function: "Word", name: "WordNumber")
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0), let number = try arguments.integer(1, name: "WordNumber"), number >= 1 else {
                return .text("")
            }
            let delimiters = Set(try arguments.text(2) ?? "")
            let words = source.split(whereSeparator: { delimiters.contains($0) })
            return .text(number <= words.count ? String(words[number - 1]) : "")
        }),

        // NormalizeDiacritics(source): accented letters replaced by Microsoft's table ("Zoë" -> "Zoe").
        ExpressionFunction("NormalizeDiacritics", 1...1) { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            return .text(Diacritics.normalize(source))
        },
    ]

    /// InStr's compare mode: `false` for binary (exact), `true` for text (ignoring case).
    static func compareMode(_ text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "0", "vbbinarycompare": return false
        case "1", "vbtextcompare": return true
        default: return nil
        }
    }

    private static func checkCulture(_ arguments: [Expression], function: String) throws(MappingError) {
        guard let culture = literalText(arguments, 1), !culture.isEmpty else { return }
        let parts = culture.split(separator: "-", omittingEmptySubsequences: false)
        let valid = (2...3).contains(parts[0].count) && parts[0].allSatisfy(\.isLetter)
            && parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isLetter || $0.isNumber } }
        guard valid else {
            throw .badArguments(function: function, reason: "culture must be a name such as en-US or tr-TR, got \"\(culture)\"")
        }
    }

    private static func isTurkic(_ culture: String?) -> Bool {
        guard let language = culture?.split(separator: "-").first?.lowercased() else { return false }
        return language == "tr" || language == "az"
    }

    // MARK: - Casing

    /// Lower case one character at a time, as .NET's invariant culture does.
    static func simpleLowercase(_ text: String, turkish: Bool) -> String {
        if !turkish && text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if turkish && scalar == "I" { result.append("\u{131}"); continue }
            if scalar == "\u{130}" { result.append("i"); continue }
            let mapped = scalar.properties.lowercaseMapping.unicodeScalars
            if mapped.count == 1 { result.append(mapped.first!) } else { result.append(scalar) }
        }
        return String(result)
    }

    /// Upper case one character at a time, as .NET's invariant culture does.
    static func simpleUppercase(_ text: String, turkish: Bool) -> String {
        if !turkish && text.utf8.allSatisfy({ $0 < 0x80 }) { return text.uppercased() }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if turkish && scalar == "i" { result.append("\u{130}"); continue }
            let mapped = scalar.properties.uppercaseMapping.unicodeScalars
            if mapped.count == 1 { result.append(mapped.first!) } else { result.append(scalar) }
        }
        return String(result)
    }

    /// PCase without separators: .NET's `ToTitleCase` of the lower-cased text. A word starts at a
    /// letter and runs over letters, digits, marks and apostrophes (so "o'neil" is "O'neil"); spaces,
    /// punctuation and symbols separate words.
    static func titleCase(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var inWord = false
        for scalar in simpleLowercase(text, turkish: false).unicodeScalars {
            let category = scalar.properties.generalCategory
            if inWord {
                if scalar == "'" || !isWordSeparator(category) {
                    result.append(scalar)
                    continue
                }
                inWord = false
                result.append(scalar)
            } else if isLetter(category) {
                let title = scalar.properties.titlecaseMapping.unicodeScalars
                if title.count == 1 { result.append(title.first!) } else { result.append(scalar) }
                inWord = true
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// PCase with separators: only those characters separate words.
    static func properCase(_ text: String, separators: Set<Character>) -> String {
        var result = ""
        var atWordStart = true
        for character in text {
            if separators.contains(character) {
                result.append(character)
                atWordStart = true
            } else {
                let string = String(character)
                result += atWordStart ? simpleUppercase(string, turkish: false) : simpleLowercase(string, turkish: false)
                atWordStart = false
            }
        }
        return result
    }

    private static func isLetter(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// The categories .NET's ToTitleCase treats as word separators.
    private static func isWordSeparator(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
