/// Writes a `JSONValue` as RFC 8259 text, byte for byte the same for the same value.
///
/// Determinism comes from two rules:
/// - object keys are sorted by their UTF-8 bytes (the same as Unicode scalar order), never by
///   dictionary order or Swift's canonical-equivalence `String <`;
/// - numbers are written as their stored text, unchanged.
///
/// Strings escape only what RFC 8259 §7 requires: `"` and `\`, and control characters U+0000 to
/// U+001F, as `\b \f \n \r \t` or else `\u00XX` with lowercase hex. `/` and non-ASCII text are
/// written as they are, in UTF-8.
///
/// The pretty form indents by two spaces, puts each element and member on its own line, writes
/// members as `"key": value`, and writes empty containers as `[]` and `{}`. The compact form has
/// no whitespace at all. Neither form ends with a newline.
public enum JSONWriter {
    /// Writes `value` as JSON text.
    ///
    /// - Parameters:
    ///   - value: The value to write. A `.number` whose text is not a valid JSON number is written
    ///     as it is, so the output is only as valid as the numbers it was given.
    ///   - pretty: Two-space indented, one element per line, when `true`; no whitespace otherwise.
    /// - Returns: The JSON text, without a trailing newline.
    public static func write(_ value: JSONValue, pretty: Bool = false) -> String {
        var buffer: [UInt8] = []
        write(value, pretty: pretty, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends `value` as UTF-8 JSON text to `buffer`, as `write(_:pretty:)` would write it.
    ///
    /// - Parameters:
    ///   - value: The value to write.
    ///   - pretty: Two-space indented, one element per line, when `true`; no whitespace otherwise.
    ///   - buffer: Receives the text; what it already holds is kept.
    public static func write(_ value: JSONValue, pretty: Bool = false, into buffer: inout [UInt8]) {
        var writer = Writer(pretty: pretty, buffer: buffer)
        buffer = []  // Hand the storage to the writer so appends do not copy it.
        writer.append(value, depth: 0)
        buffer = writer.buffer
    }

    /// Whether `a` sorts before `b` by UTF-8 bytes, the order object keys are written in.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in bytesPrecede(a, b) }
        }
        // Only bridged strings lack contiguous UTF-8; they take the generic comparison.
        return fast.flatMap { $0 } ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func bytesPrecede(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        // Keys mostly differ in their first bytes, where a loop beats calling memcmp.
        let shared = min(a.count, b.count)
        var i = 0
        while i < shared {
            if a[i] != b[i] { return a[i] < b[i] }
            i &+= 1
        }
        return a.count < b.count
    }
}

/// The state of one `JSONWriter.write` call.
private struct Writer {
    let pretty: Bool
    var buffer: [UInt8]

    mutating func append(_ value: JSONValue, depth: Int) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let text): appendRaw(text)
        case .string(let text): appendString(text)
        case .array(let elements):
            guard !elements.isEmpty else { return appendASCII("[]") }
            buffer.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                appendNewline(depth: depth + 1)
                append(element, depth: depth + 1)
            }
            appendNewline(depth: depth)
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return appendASCII("{}") }
            buffer.append(UInt8(ascii: "{"))
            // Sorting the keys alone moves less than sorting (key, value) pairs; each lookup is one hash.
            var keys = Array(members.keys)
            keys.sort(by: JSONWriter.keyPrecedes)
            for (position, key) in keys.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                appendNewline(depth: depth + 1)
                appendString(key)
                buffer.append(UInt8(ascii: ":"))
                if pretty { buffer.append(UInt8(ascii: " ")) }
                append(members[key]!, depth: depth + 1)
            }
            appendNewline(depth: depth)
            buffer.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    mutating func appendNewline(depth: Int) {
        guard pretty else { return }
        buffer.append(UInt8(ascii: "\n"))
        buffer.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    mutating func appendASCII(_ text: StaticString) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func appendRaw(_ text: String) {
        text.withUTF8Bytes { buffer.append(contentsOf: $0) }
    }

    mutating func appendString(_ text: String) {
        JSONWriter.appendString(text, to: &buffer)
    }
}

extension JSONWriter {
    /// Appends `text` quoted, escaping per RFC 8259 §7 and copying unescaped runs in one go.
    static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        text.withUTF8Bytes { utf8 in
            var runStart = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                runStart = i + 1
                buffer.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
                case 0x08: buffer.append(UInt8(ascii: "b"))
                case 0x0C: buffer.append(UInt8(ascii: "f"))
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                case 0x09: buffer.append(UInt8(ascii: "t"))
                default:
                    let digits: StaticString = "0123456789abcdef"
                    buffer.append(UInt8(ascii: "u"))
                    buffer.append(UInt8(ascii: "0"))
                    buffer.append(UInt8(ascii: "0"))
                    buffer.append(digits.utf8Start[Int(byte >> 4)])
                    buffer.append(digits.utf8Start[Int(byte & 0x0F)])
                }
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
