import Synchronization

/// `Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template)`
/// in its five documented forms (Microsoft's reference, "Replace"):
///
/// 1. oldValue + replacementValue: every oldValue in source becomes replacementValue (case-sensitive).
/// 2. oldValue + template: every oldValue in template becomes source.
/// 3. regexPattern + replacementValue: regular-expression replace; `${name}`, `$1`, `$&` and `$$`
///    in replacementValue stand for the groups, as in .NET.
/// 4. regexPattern + regexGroupName + replacementValue: the text each match's group captured
///    becomes replacementValue.
/// 5. regexPattern + regexGroupName + replacementAttributeName: source when it has a value, else
///    the group's text in the first match in replacementAttributeName's value.
///
/// Patterns use the .NET syntax Microsoft's examples use (`(?<name>...)`, `\d`, `\s`), which Swift's
/// `Regex` reads the same way.
extension ExpressionFunctions {
    static let replace = ExpressionFunction("Replace", 2...7, check: { arguments throws(MappingError) in
        let given = (0..<7).map { $0 < arguments.count && arguments[$0] != .empty }
        if given[1] {
            guard given[4] || given[6] else {
                throw .badArguments(function: "Replace", reason: "oldValue needs a replacementValue (argument 5) or a template (argument 7)")
            }
            if literalText(arguments, 1) == "" { throw .badArguments(function: "Replace", reason: "oldValue is empty") }
        } else if given[2] {
            guard given[4] || (given[3] && given[5]) else {
                throw .badArguments(function: "Replace",
                                    reason: "regexPattern needs a replacementValue (argument 5), or a regexGroupName with a replacementAttributeName (arguments 4 and 6)")
            }
            if let pattern = literalText(arguments, 2) { _ = try regex(pattern) }
        } else {
            throw .badArguments(function: "Replace", reason: "give oldValue (argument 2) or regexPattern (argument 3)")
        }
    }, body: { arguments, _ throws(MappingError) in
        let source = try arguments.text(0)
        if let old = try arguments.text(1) {
            guard !old.isEmpty else { throw arguments.failure("oldValue is empty") }
            if let template = try arguments.text(6) {
                guard let source else { return .null }
                return .text(template.replacing(old, with: source))
            }
            guard let source else { return .null }
            return .text(source.replacing(old, with: try arguments.text(4) ?? ""))
        }
        guard let pattern = try arguments.text(2) else { throw arguments.failure("give oldValue (argument 2) or regexPattern (argument 3)") }
        let expression = try regex(pattern)
        let replacement = try arguments.text(4)
        if let group = try arguments.text(3) {
            if let replacement {
                guard let source else { return .null }
                return .text(try replaceGroup(group, in: source, with: replacement, regex: expression, function: arguments))
            }
            if let source, !source.isEmpty { return .text(source) }
            guard let other = try arguments.text(5), let match = try? expression.firstMatch(in: other) else { return .null }
            guard let captured = match.output[group] else { throw arguments.failure("regexPattern has no group named \(group)") }
            return captured.substring.map { .text(String($0)) } ?? .null
        }
        guard let source else { return .null }
        return .text(substitute(replacement ?? "", in: source, regex: expression))
    })

    /// A compiled pattern. `Regex` is not declared `Sendable`, but a compiled program is immutable.
    private struct CompiledPattern: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    private static let compiled = Mutex<[String: CompiledPattern]>([:])

    /// The compiled pattern, from a cache: patterns are nearly always literals, evaluated per user.
    static func regex(_ pattern: String) throws(MappingError) -> Regex<AnyRegexOutput> {
        if let cached = compiled.withLock({ $0[pattern] }) { return cached.regex }
        let expression: Regex<AnyRegexOutput>
        do {
            expression = try Regex(pattern)
        } catch {
            throw .badArguments(function: "Replace", reason: "regexPattern \"\(pattern)\" is not a valid regular expression (\(error))")
        }
        // One match first, so the pattern's program is built here, not lazily by two planner slices at once.
        _ = "".firstMatch(of: expression)
        compiled.withLock { $0[pattern] = CompiledPattern(regex: expression) }
        return expression
    }

    /// Form 4: each match's `group` capture replaced by `replacement`.
    private static func replaceGroup(
        _ group: String, in source: String, with replacement: String, regex: Regex<AnyRegexOutput>, function: ExpressionArguments
    ) throws(MappingError) -> String {
        var result = ""
        var last = source.startIndex
        for match in source.matches(of: regex) {
            guard let captured = match.output[group] else { throw function.failure("regexPattern has no group named \(group)") }
            guard let range = captured.range, range.lowerBound >= last else { continue }
            result += source[last..<range.lowerBound]
            result += replacement
            last = range.upperBound
        }
        result += source[last...]
        return result
    }

    /// Form 3: .NET's `Regex.Replace` with substitutions in `template`.
    private static func substitute(_ template: String, in source: String, regex: Regex<AnyRegexOutput>) -> String {
        var result = ""
        var last = source.startIndex
        for match in source.matches(of: regex) {
            result += source[last..<match.range.lowerBound]
            result += expand(template, match: match, in: source)
            last = match.range.upperBound
        }
        result += source[last...]
        return result
    }

    /// Expands `$$`, `$&`, `` $` ``, `$'`, `$_`, `$1` and `${name}` (.NET substitutions).
    private static func expand(_ template: String, match: Regex<AnyRegexOutput>.Match, in source: String) -> String {
        guard template.contains("$") else { return template }
        var result = ""
        let characters = Array(template)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                result.append(character)
                index += 1
                continue
            }
            let next = characters[index + 1]
            switch next {
            case "$": result.append("$"); index += 2
            case "&": result += source[match.range]; index += 2
            case "`": result += source[..<match.range.lowerBound]; index += 2
            case "'": result += source[match.range.upperBound...]; index += 2
            case "_": result += source; index += 2
            case "{":
                if let close = characters[(index + 2)...].firstIndex(of: "}") {
                    let name = String(characters[(index + 2)..<close])
                    let element = Int(name).flatMap { $0 < match.output.count ? match.output[$0] : nil } ?? match.output[name]
                    if let element {
                        result += element.substring ?? ""
                        index = close + 1
                        continue
                    }
                }
                result.append("$")
                index += 1
            case "0"..."9":
                var end = index + 1
                while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
                if let number = Int(String(characters[(index + 1)..<end])), number < match.output.count {
                    result += match.output[number].substring ?? ""
                    index = end
                } else {
                    result.append("$")
                    index += 1
                }
            default:
                result.append("$")
                index += 1
            }
        }
        return result
    }
}
