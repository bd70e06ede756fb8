/// .NET's date and time format strings, which FormatDateTime takes for its input and output formats
/// (Microsoft's "Custom date and time format strings"): `yyyyMMddHHmmss.fZ`, `M/d/yyyy hh:mm:ss tt`,
/// `yyyy-MM-ddzzz`, and the one-letter standard formats (`o`, `s`, `u`, `d`, `G`, ...) with en-US
/// patterns, the culture Entra writes dates in (`M/d/yyyy h:mm:ss tt`).
///
/// The machine's time zone plays no part: a parsed offset converts the time to UTC, `zzz` writes
/// `+00:00`, and a format without a date reads as 0001-01-01 rather than "today".
struct DotNetDateFormat {
    /// How a parsed time relates to UTC, for the `K` specifier.
    enum Kind { case unspecified, utc, local }

    private enum Token: Equatable {
        /// A specifier letter and how many times it repeats (`yyyy` is `y` x 4).
        case field(Character, Int)
        case literal(Character)
    }

    private let tokens: [Token]

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    private static let standard: [Character: String] = [
        "d": "M/d/yyyy", "D": "dddd, MMMM d, yyyy", "f": "dddd, MMMM d, yyyy h:mm tt", "F": "dddd, MMMM d, yyyy h:mm:ss tt",
        "g": "M/d/yyyy h:mm tt", "G": "M/d/yyyy h:mm:ss tt", "m": "MMMM d", "M": "MMMM d",
        "o": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", "O": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        "r": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", "R": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        "s": "yyyy'-'MM'-'dd'T'HH':'mm':'ss", "t": "h:mm tt", "T": "h:mm:ss tt",
        "u": "yyyy'-'MM'-'dd HH':'mm':'ss'Z'", "y": "MMMM yyyy", "Y": "MMMM yyyy",
    ]

    private static let specifiers: Set<Character> = ["d", "f", "F", "g", "h", "H", "K", "m", "M", "s", "t", "y", "z", "Z", ":", "/"]

    /// Reads a format string.
    /// - Throws: a sentence saying what is wrong with it.
    init(_ format: String) throws(DotNetDateFormatError) {
        guard !format.isEmpty else { throw DotNetDateFormatError("the format is empty") }
        var text = Array(format)
        if text.count == 1 {
            guard let pattern = Self.standard[text[0]] else {
                throw DotNetDateFormatError("\"\(format)\" is not a standard format; write a single custom specifier as %\(format)")
            }
            text = Array(pattern)
        }
        var tokens: [Token] = []
        var index = 0
        while index < text.count {
            let character = text[index]
            switch character {
            case "'", "\"":
                guard let close = text[(index + 1)...].firstIndex(of: character) else {
                    throw DotNetDateFormatError("the quoted text starting at position \(index + 1) is never closed")
                }
                tokens += text[(index + 1)..<close].map(Token.literal)
                index = close + 1
            case "\\":
                guard index + 1 < text.count else { throw DotNetDateFormatError("the format ends with a lone \\") }
                tokens.append(.literal(text[index + 1]))
                index += 2
            case "%":
                guard index + 1 < text.count, Self.specifiers.contains(text[index + 1]) else {
                    throw DotNetDateFormatError("% must be followed by a format specifier")
                }
                tokens.append(.field(text[index + 1], 1))
                index += 2
            case _ where Self.specifiers.contains(character):
                var count = 1
                while index + count < text.count, text[index + count] == character { count += 1 }
                if character == "f" || character == "F", count > 7 {
                    throw DotNetDateFormatError("\(String(repeating: character, count: count)) asks for more than 7 fraction digits")
                }
                tokens.append(.field(character, count))
                index += count
            default:
                tokens.append(.literal(character))
                index += 1
            }
        }
        self.tokens = tokens
    }

    // MARK: - Parsing

    /// Reads `text` in this format (ParseExact); `nil` when it does not match.
    func parse(_ text: String, allowLeadingWhite: Bool = true, allowTrailingWhite: Bool = true) -> (date: EntraDateTime, kind: Kind)? {
        var input = text
        if allowLeadingWhite { input = String(input.drop { $0 == " " || $0 == "\t" }) }
        if allowTrailingWhite { while input.last == " " || input.last == "\t" { input.removeLast() } }
        var scanner = DateScanner(input)
        var year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var fraction: Int64 = 0
        var pm: Bool?
        var offset: Int?
        var kind = Kind.unspecified
        for token in tokens {
            switch token {
            case .literal(let character):
                guard scanner.take(character) else { return nil }
            case let .field(letter, count):
                switch letter {
                case "d" where count >= 3:
                    guard scanner.name(from: Self.dayNames, abbreviated: count == 3) != nil else { return nil }
                case "d": guard let value = scanner.digits(count == 1 ? 1...2 : 2...2) else { return nil }; day = value
                case "M" where count >= 3:
                    guard let value = scanner.name(from: Self.monthNames, abbreviated: count == 3) else { return nil }
                    month = value + 1
                case "M": guard let value = scanner.digits(count == 1 ? 1...2 : 2...2) else { return nil }; month = value
                case "y":
                    guard let value = scanner.digits(count <= 2 ? count...2 : count...max(count, 4)) else { return nil }
                    // .NET's two-digit year window: 00-49 are 2000-2049, 50-99 are 1950-1999.
                    year = count <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
                case "h", "H", "m", "s":
                    guard let value = scanner.digits(count == 1 ? 1...2 : 2...2) else { return nil }
                    switch letter {
                    case "h", "H": hour = value
                    case "m": minute = value
                    default: second = value
                    }
                    if letter == "h" && !(1...12).contains(value) { return nil }
                case "f":
                    guard let value = scanner.digits(count...count) else { return nil }
                    fraction = Int64(value) * Self.power(7 - count)
                case "F":
                    var digits = 0, value = 0
                    while digits < count, let next = scanner.digits(1...1) { value = value * 10 + next; digits += 1 }
                    fraction = Int64(value) * Self.power(7 - digits)
                case "t":
                    guard let next = scanner.peek, "AaPp".contains(next) else { return nil }
                    pm = next == "P" || next == "p"
                    scanner.position += 1
                    if count >= 2 { guard scanner.take("M") || scanner.take("m") else { return nil } }
                case "z":
                    guard let sign = scanner.peek, sign == "+" || sign == "-" else { return nil }
                    guard let value = scanner.offset() else { return nil }
                    offset = value
                    kind = .local
                case "K":
                    if scanner.take("Z") { offset = 0; kind = .utc } else if let sign = scanner.peek, sign == "+" || sign == "-" {
                        guard let value = scanner.offset() else { return nil }
                        offset = value
                        kind = .local
                    }
                case "Z":
                    guard scanner.take("Z") else { return nil }
                    offset = 0
                    kind = .utc
                case "g":
                    guard scanner.take("A"), scanner.take("."), scanner.take("D"), scanner.take(".") else { return nil }
                case ":", "/":
                    guard scanner.take(letter) else { return nil }
                default:
                    return nil
                }
            }
        }
        guard scanner.atEnd else { return nil }
        if let pm { hour = hour % 12 + (pm ? 12 : 0) }
        guard let date = EntraDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                       fraction: fraction, offsetMinutes: offset ?? 0) else { return nil }
        return (date, kind)
    }

    // MARK: - Writing

    /// Writes `date` (in UTC) in this format.
    func format(_ date: EntraDateTime, kind: Kind = .unspecified) -> String {
        let f = date.fields
        var result = ""
        var previous: Token?
        for token in tokens {
            defer { previous = token }
            switch token {
            case .literal(let character):
                result.append(character)
            case let .field(letter, count):
                switch letter {
                case "d" where count >= 3: result += count == 3 ? String(Self.dayNames[f.weekday].prefix(3)) : Self.dayNames[f.weekday]
                case "d": result += Self.padded(f.day, count)
                case "M" where count >= 3: result += count == 3 ? String(Self.monthNames[f.month - 1].prefix(3)) : Self.monthNames[f.month - 1]
                case "M": result += Self.padded(f.month, count)
                case "y": result += count <= 2 ? Self.padded(f.year % 100, count) : Self.padded(f.year, count)
                case "h": result += Self.padded(f.hour % 12 == 0 ? 12 : f.hour % 12, min(count, 2))
                case "H": result += Self.padded(f.hour, min(count, 2))
                case "m": result += Self.padded(f.minute, min(count, 2))
                case "s": result += Self.padded(f.second, min(count, 2))
                case "f": result += String(Self.padded(Int(f.fraction), 7).prefix(count))
                case "F":
                    var digits = String(Self.padded(Int(f.fraction), 7).prefix(count))
                    while digits.last == "0" { digits.removeLast() }
                    // .NET drops the decimal point before an F that writes nothing.
                    if digits.isEmpty, previous == .literal("."), result.last == "." { result.removeLast() }
                    result += digits
                case "t": result += count == 1 ? (f.hour < 12 ? "A" : "P") : (f.hour < 12 ? "AM" : "PM")
                case "z": result += count == 1 ? "+0" : (count == 2 ? "+00" : "+00:00")
                case "K": result += kind == .utc ? "Z" : (kind == .local ? "+00:00" : "")
                case "g": result += "A.D."
                default: result.append(letter)
                }
            }
        }
        return result
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func power(_ exponent: Int) -> Int64 {
        (0..<max(0, exponent)).reduce(Int64(1)) { value, _ in value * 10 }
    }
}

/// Why a FormatDateTime format string cannot be used.
struct DotNetDateFormatError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension DateScanner {
    /// A month or day name (full or three-letter, any case); its index in `names`.
    mutating func name(from names: [String], abbreviated: Bool) -> Int? {
        for (index, name) in names.enumerated() {
            let word = abbreviated ? String(name.prefix(3)) : name
            let end = position + word.count
            guard end <= characters.count else { continue }
            if String(characters[position..<end]).lowercased() == word.lowercased() {
                position = end
                return index
            }
        }
        return nil
    }
}
