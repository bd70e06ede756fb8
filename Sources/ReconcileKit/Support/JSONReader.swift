import Foundation

/// A strict RFC 8259 reader that turns UTF-8 bytes into a `JSONValue`.
///
/// The reader works on raw bytes with an index; it builds a `String` only from byte ranges it has
/// already validated, and finds line and column only when it throws (see `JSONError`). What it
/// accepts:
/// - any JSON value at the top, surrounded by whitespace (RFC 8259 §2), after an optional UTF-8
///   byte order mark, which is skipped (RFC 8259 §8.1 allows ignoring it);
/// - strings with every escape of RFC 8259 §7, surrogate pairs included; a lone surrogate, a raw
///   control character or ill-formed UTF-8 inside a string is an error;
/// - numbers in the grammar of RFC 8259 §6, kept as their literal text in `JSONValue.number`;
/// - duplicate keys in one object, where the last one wins (RFC 8259 §4 leaves this open);
/// - at most `maximumDepth` nested arrays and objects.
public struct JSONReader {
    /// How deeply arrays and objects may nest before the reader gives up.
    public static let maximumDepth = 512

    // Internal, with the reading methods below, for the export reader in `JSONReader+Records.swift`.
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    var depth = 0
    /// Elements of the arrays being read, innermost last; each array takes its tail when it closes,
    /// so arrays are built once at their final size.
    private var elements: [JSONValue] = []
    /// Members of the objects being read, innermost last; each object sizes its dictionary from it.
    private var members: [(key: String, value: JSONValue)] = []
    /// Bytes of the string being unescaped; only strings with escapes use it.
    private var unescaped: [UInt8] = []
    /// The key last read at each member position of objects at each depth (see `keySlot`), reused
    /// when the next object repeats it, so objects of one shape share key storage instead of
    /// allocating every long key again (about 18 MB less per 56,000 Graph users).
    private var recentKeys: [String] = []

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    // MARK: - Entry points

    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// - Parameter bytes: The document; a leading byte order mark is skipped.
    /// - Returns: The document's top-level value.
    /// - Throws: `JSONError` with the position and what was expected there.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        guard let start = bytes.baseAddress, bytes.count > 0 else {
            throw JSONError.at(0, in: bytes, "unexpected end of input")
        }
        var reader = JSONReader(base: start.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try reader.readDocument()
    }

    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// - Throws: `JSONError` with the position and what was expected there.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in catching { () throws(JSONError) in try parse(raw) } }
        return try result.get()
    }

    /// Parses one JSON document from UTF-8 data.
    ///
    /// - Throws: `JSONError` with the position and what was expected there.
    public static func parse(_ data: Data) throws(JSONError) -> JSONValue {
        let result = data.withUnsafeBytes { raw in catching { () throws(JSONError) in try parse(raw) } }
        return try result.get()
    }

    /// Parses one JSON document from the UTF-8 of `text`.
    ///
    /// - Throws: `JSONError` with the position and what was expected there.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Reads the file at `path` and parses it as one JSON document.
    ///
    /// - Parameter path: A file path, relative to the current directory or absolute.
    /// - Throws: `JSONError` whose `file` is `path`: a parse error, or `cannot read file: <reason>`
    ///   (line and column 0) when the file cannot be opened or read.
    public static func parse(contentsOf path: String) throws(JSONError) -> JSONValue {
        do {
            return try parse(try readFile(atPath: path))
        } catch {
            var located = error
            located.file = path
            throw located
        }
    }

    private static func catching(_ body: () throws(JSONError) -> JSONValue) -> Result<JSONValue, JSONError> {
        do { return .success(try body()) } catch { return .failure(error) }
    }

    /// The bytes of the file at `path`, read straight into the array (no intermediate `Data`).
    /// - Throws: `cannot open file: <reason>` or `cannot read file: <reason>`, at line and column 0.
    static func readFile(atPath path: String) throws(JSONError) -> [UInt8] {
        func failure(_ action: String) -> JSONError {
            JSONError(message: "cannot \(action) file: \(String(cString: strerror(errno)))", line: 0, column: 0, offset: 0)
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure("open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("read") }
        // The size is a hint: pipes report 0 and files may grow, so read until end of file.
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 65_536))) }
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got == 0 { break }
            guard got > 0 else {
                if errno == EINTR { continue }
                throw failure("read")
            }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    // MARK: - Values

    private mutating func readDocument() throws(JSONError) -> JSONValue {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
        let value = try readValue()
        skipWhitespace()
        if index < count {
            throw fail("unexpected \(describe(at: index)) after top-level value", at: index)
        }
        return value
    }

    mutating func readValue() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard index < count else { throw fail("unexpected end of input", at: index) }
        switch base[index] {
        case .quote: return .string(try readString())
        case .openBrace: return try readObject()
        case .openBracket: return try readArray()
        case .minus, .zero ... .nine: return .number(try readNumber())
        case .t: try readLiteral("true"); return .bool(true)
        case .f: try readLiteral("false"); return .bool(false)
        case .n: try readLiteral("null"); return .null
        default: throw fail("unexpected \(describe(at: index))", at: index)
        }
    }

    /// After a container's element (`after` names it): consumes a comma and says whether another
    /// element follows, or consumes `closing` and says none does; refuses anything else and a
    /// trailing comma.
    mutating func moreElements(closing: UInt8, after element: String) throws(JSONError) -> Bool {
        skipWhitespace()
        guard index < count else { throw fail("unexpected end of input", at: index) }
        let next = base[index]
        index += 1
        if next == closing { return false }
        let close = { Character(Unicode.Scalar(closing)) }
        guard next == .comma else { throw fail("expected ',' or '\(close())' after \(element)", at: index - 1) }
        skipWhitespace()
        if index < count, base[index] == closing { throw fail("trailing comma before '\(close())'", at: index) }
        return true
    }

    private mutating func readObject() throws(JSONError) -> JSONValue {
        guard try enterContainer(closedBy: .closeBrace) else { return .object([:]) }
        defer { depth -= 1 }
        let first = members.count
        while true {
            guard index < count else { throw fail("unexpected end of input", at: index) }
            guard base[index] == .quote else { throw fail("expected string for object key", at: index) }
            let key = try readKey(slot: Self.keySlot(depth: depth, position: members.count - first))
            skipWhitespace()
            guard index < count else { throw fail("unexpected end of input", at: index) }
            guard base[index] == .colon else { throw fail("expected ':' after object key", at: index) }
            index += 1
            let value = try readValue()
            members.append((key, value))
            if try !moreElements(closing: .closeBrace, after: "object member") { break }
        }
        var object = [String: JSONValue](minimumCapacity: members.count - first)
        for member in members[first...] {
            object[member.key] = member.value
        }
        members.removeSubrange(first...)
        return .object(object)
    }

    private mutating func readArray() throws(JSONError) -> JSONValue {
        guard try enterContainer(closedBy: .closeBracket) else { return .array([]) }
        defer { depth -= 1 }
        let first = elements.count
        while true {
            elements.append(try readValue())
            if try !moreElements(closing: .closeBracket, after: "array element") { break }
        }
        let array = Array(elements[first...])
        elements.removeSubrange(first...)
        return .array(array)
    }

    /// Steps over the opening bracket or brace, counting it against `maximumDepth`, and the
    /// whitespace after it; an empty container (`closing` comes next) is stepped out of at once.
    /// - Returns: whether the container has contents; the caller then steps out (`depth -= 1`) when done.
    @inline(__always)
    mutating func enterContainer(closedBy closing: UInt8) throws(JSONError) -> Bool {
        guard depth < Self.maximumDepth else {
            throw fail("nesting deeper than \(Self.maximumDepth) levels", at: index)
        }
        index += 1
        skipWhitespace()
        if index < count, base[index] == closing {
            index += 1
            return false
        }
        depth += 1
        return true
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JSONError) {
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        var matched = 0
        while matched < length, index + matched < count, base[index + matched] == expected[matched] {
            matched += 1
        }
        if matched == length, index + matched == count || !base[index + matched].isWordByte {
            index += length
            return
        }
        if index + matched == count { throw fail("unexpected end of input", at: count) }
        var end = index + 1
        while end < count, base[end].isWordByte { end += 1 }
        throw fail("invalid literal '\(text(index..<end))'", at: index)
    }

    /// Reads a number per RFC 8259 §6 and returns its text; on failure, reports the whole run of
    /// number-like characters (`01`, `1.`, `-Infinity`) so the message shows what was written.
    private mutating func readNumber() throws(JSONError) -> String {
        let start = index
        var i = index
        if base[i] == .minus { i += 1 }
        if i < count, base[i] == .zero {
            i += 1
        } else if i < count, base[i].isNonZeroDigit {
            i += 1
            while i < count, base[i].isDigit { i += 1 }
        } else {
            throw invalidNumber(from: start, stoppedAt: i)
        }
        if i < count, base[i] == .dot {
            i += 1
            guard i < count, base[i].isDigit else { throw invalidNumber(from: start, stoppedAt: i) }
            while i < count, base[i].isDigit { i += 1 }
        }
        if i < count, base[i] | 0x20 == .e {
            i += 1
            if i < count, base[i] == .plus || base[i] == .minus { i += 1 }
            guard i < count, base[i].isDigit else { throw invalidNumber(from: start, stoppedAt: i) }
            while i < count, base[i].isDigit { i += 1 }
        }
        if i < count, base[i].isWordByte || base[i] == .dot || base[i] == .plus || base[i] == .minus {
            throw invalidNumber(from: start, stoppedAt: i)
        }
        index = i
        return text(start..<i)
    }

    private func invalidNumber(from start: Int, stoppedAt stop: Int) -> JSONError {
        if stop == count { return fail("unexpected end of input", at: count) }
        var end = start + 1
        while end < count, base[end].isWordByte || base[end] == .dot || base[end] == .plus || base[end] == .minus {
            end += 1
        }
        return fail("invalid number '\(text(start..<end))'", at: start)
    }

    // MARK: - Strings

    /// Reads an object key, reusing the `String` read at the same member position of an earlier
    /// object when the raw bytes match it (records of one shape repeat their keys in order).
    ///
    /// Only keys written without escapes are remembered: an escape always makes the decoded key
    /// shorter than its raw bytes, and a remembered key holds no quote or backslash, so equal bytes
    /// followed by a quote are exactly that key.
    @inline(__always)
    mutating func readKey(slot: Int) throws(JSONError) -> String {
        let start = index + 1
        if slot >= 0, slot < recentKeys.count {
            let cached = recentKeys[slot]
            let length = cached.withUTF8Bytes { utf8 in
                let length = utf8.count
                let matches = start + length < count && base[start + length] == .quote
                    && (length == 0 || memcmp(utf8.baseAddress!, base + start, length) == 0)
                return matches ? length : -1
            }
            if length >= 0 {
                index = start + length + 1
                return cached
            }
        }
        let key = try readString()
        if index - 1 - start == key.utf8.count, slot >= 0 {
            if recentKeys.isEmpty {
                recentKeys = Array(repeating: "", count: Self.keySlots)
            }
            recentKeys[slot] = key
        }
        return key
    }

    private static let keySlots = 8 * 64

    /// The `recentKeys` slot for a member position in an object at `depth`, or -1 for none:
    /// separate slots per depth keep nested objects from evicting their parent's keys.
    @inline(__always)
    static func keySlot(depth: Int, position: Int) -> Int {
        position < 64 && depth <= 8 ? (depth - 1) * 64 + position : -1
    }

    /// Reads the value at `index` with every check `readValue` makes, keeping none of it: strings
    /// (object keys too) are checked, not made, and containers are stepped through in place.
    mutating func skipValue() throws(JSONError) {
        skipWhitespace()
        guard index < count else { throw fail("unexpected end of input", at: index) }
        switch base[index] {
        case .quote:
            _ = try readString(building: false)
        case .openBracket:
            guard try enterContainer(closedBy: .closeBracket) else { return }
            defer { depth -= 1 }
            repeat {
                try skipValue()
            } while try moreElements(closing: .closeBracket, after: "array element")
        case .openBrace:
            guard try enterContainer(closedBy: .closeBrace) else { return }
            defer { depth -= 1 }
            repeat {
                guard index < count else { throw fail("unexpected end of input", at: index) }
                guard base[index] == .quote else { throw fail("expected string for object key", at: index) }
                _ = try readString(building: false)
                skipWhitespace()
                guard index < count else { throw fail("unexpected end of input", at: index) }
                guard base[index] == .colon else { throw fail("expected ':' after object key", at: index) }
                index += 1
                try skipValue()
            } while try moreElements(closing: .closeBrace, after: "object member")
        default:
            _ = try readValue()
        }
    }

    /// Reads the string starting at the quote at `index`, leaving `index` after the closing quote.
    /// - Parameter building: `false` checks the string and gives an empty one.
    private mutating func readString(building: Bool = true) throws(JSONError) -> String {
        let open = index
        var i = open + 1
        var runStart = i
        var hasEscapes = false
        while true {
            // Skip eight plain ASCII bytes at a time; stop at the first quote, backslash, control
            // character or non-ASCII byte (the lowest flagged byte of each test is exact).
            while i &+ 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let special = (word & 0x8080_8080_8080_8080)
                    | Self.zeroBytes(word ^ 0x2222_2222_2222_2222)
                    | Self.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
                if special == 0 {
                    i &+= 8
                } else {
                    i &+= special.trailingZeroBitCount >> 3
                    break
                }
            }
            guard i < count else { throw fail("unterminated string", at: open) }
            let byte = base[i]
            if byte == .quote {
                break
            } else if byte == .backslash {
                if !hasEscapes {
                    hasEscapes = true
                    unescaped.removeAll(keepingCapacity: true)
                }
                unescaped.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                i = try readEscape(at: i, stringStart: open)
                runStart = i
            } else if byte < 0x20 {
                throw fail("control character U+\(hex(byte, digits: 4)) in string", at: i)
            } else if byte >= 0x80 {
                let length = utf8SequenceLength(at: i)
                guard length > 0 else { throw fail("invalid UTF-8 byte 0x\(hex(byte, digits: 2)) in string", at: i) }
                i += length
            } else {
                i += 1
            }
        }
        index = i + 1
        guard building else { return "" }
        if !hasEscapes {
            return String(decoding: UnsafeBufferPointer(start: base + runStart, count: i - runStart), as: UTF8.self)
        }
        unescaped.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// Flags (with 0x80) each zero byte of `word`; only the lowest flag is guaranteed exact.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// Decodes the escape at the backslash at `slash` into `unescaped` (RFC 8259 §7) and returns
    /// the index after it.
    private mutating func readEscape(at slash: Int, stringStart: Int) throws(JSONError) -> Int {
        guard slash + 1 < count else { throw fail("unterminated string", at: stringStart) }
        let letter = base[slash + 1]
        switch letter {
        case .quote, .backslash, .slash: unescaped.append(letter)
        case .b: unescaped.append(0x08)
        case .f: unescaped.append(0x0C)
        case .n: unescaped.append(0x0A)
        case .r: unescaped.append(0x0D)
        case .t: unescaped.append(0x09)
        case .u:
            let unit = try readHex4(at: slash, stringStart: stringStart)
            var scalar = unit
            var next = slash + 6
            if (0xD800...0xDBFF).contains(unit) {
                guard next + 1 < count, base[next] == .backslash, base[next + 1] == .u else {
                    throw fail("lone surrogate '\(text(slash..<slash + 6))'", at: slash)
                }
                let low = try readHex4(at: next, stringStart: stringStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("lone surrogate '\(text(slash..<slash + 6))'", at: slash)
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                next += 6
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail("lone surrogate '\(text(slash..<slash + 6))'", at: slash)
            }
            appendUTF8(scalar)
            return next
        default:
            if letter >= 0x20, letter < 0x7F {
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(letter)))'", at: slash)
            }
            throw fail("invalid escape: '\\' followed by \(describe(at: slash + 1))", at: slash)
        }
        return slash + 2
    }

    /// Reads the four hex digits of the `\u` escape whose backslash is at `slash`.
    private func readHex4(at slash: Int, stringStart: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for i in slash + 2..<slash + 6 {
            guard i < count else { throw fail("unterminated string", at: stringStart) }
            let byte = base[i]
            let digit: UInt8
            switch byte {
            case .zero ... .nine: digit = byte - .zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                var end = slash + 2
                while end < min(slash + 6, count), base[end] > 0x20, base[end] < 0x7F,
                      base[end] != .quote, base[end] != .backslash {
                    end += 1
                }
                throw fail("invalid unicode escape '\(text(slash..<end))'", at: slash)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            unescaped.append(UInt8(scalar))
        case ..<0x800:
            unescaped.append(UInt8(0xC0 | scalar >> 6))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            unescaped.append(UInt8(0xE0 | scalar >> 12))
            unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        default:
            unescaped.append(UInt8(0xF0 | scalar >> 18))
            unescaped.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The length of the well-formed UTF-8 sequence at `i` (RFC 3629 §4), or 0 if it is ill-formed.
    private func utf8SequenceLength(at i: Int) -> Int {
        @inline(__always) func byte(_ k: Int, in range: ClosedRange<UInt8>) -> Bool {
            i + k < count && range.contains(base[i + k])
        }
        let tail: ClosedRange<UInt8> = 0x80...0xBF
        switch base[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return byte(1, in: tail) ? 2 : 0
        case 0xE0: return byte(1, in: 0xA0...0xBF) && byte(2, in: tail) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return byte(1, in: tail) && byte(2, in: tail) ? 3 : 0
        case 0xED: return byte(1, in: 0x80...0x9F) && byte(2, in: tail) ? 3 : 0
        case 0xF0: return byte(1, in: 0x90...0xBF) && byte(2, in: tail) && byte(3, in: tail) ? 4 : 0
        case 0xF1...0xF3: return byte(1, in: tail) && byte(2, in: tail) && byte(3, in: tail) ? 4 : 0
        case 0xF4: return byte(1, in: 0x80...0x8F) && byte(2, in: tail) && byte(3, in: tail) ? 4 : 0
        default: return 0
        }
    }

    // MARK: - Helpers

    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let byte = base[index]
            guard byte <= .space, byte == .space || byte == .newline || byte == .tab || byte == .carriageReturn else {
                return
            }
            index += 1
        }
    }

    /// The bytes in `range` as text, for messages; ill-formed UTF-8 becomes U+FFFD.
    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }

    /// `character 'x'`, `character U+0007` (controls and invisible characters) or `byte 0xFF`.
    func describe(at i: Int) -> String {
        let length = utf8SequenceLength(at: i)
        guard length > 0, let scalar = text(i..<i + length).unicodeScalars.first else {
            return "byte 0x\(hex(base[i], digits: 2))"
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned:
            return "character U+\(hex(scalar.value, digits: 4))"
        default:
            return "character '\(scalar)'"
        }
    }

    private func hex(_ value: some BinaryInteger, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(digits - text.count, 0)) + text
    }

    @inline(never)
    func fail(_ message: String, at offset: Int) -> JSONError {
        JSONError.at(offset, in: UnsafeRawBufferPointer(start: base, count: count), message)
    }
}

/// JSON's structural bytes, for the readers of this module (`JSONReader`, its export reader).
extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let colon = UInt8(ascii: ":")
    static let openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let closeBracket = UInt8(ascii: "]")
    static let b = UInt8(ascii: "b")
    static let e = UInt8(ascii: "e")
    static let f = UInt8(ascii: "f")
    static let n = UInt8(ascii: "n")
    static let r = UInt8(ascii: "r")
    static let t = UInt8(ascii: "t")
    static let u = UInt8(ascii: "u")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")

    var isDigit: Bool { self &- .zero < 10 }
    var isNonZeroDigit: Bool { self &- .zero &- 1 < 9 }
    /// ASCII letters and digits: bytes that may not directly follow a number or literal.
    var isWordByte: Bool { isDigit || (self | 0x20) &- UInt8(ascii: "a") < 26 }
}
