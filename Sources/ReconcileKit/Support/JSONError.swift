/// A JSON document that could not be read: what was expected, and where (RFC 8259).
///
/// `line` and `column` are 1-based and computed from `offset` only when the error is made, so the
/// reader never tracks them per byte. `column` counts Unicode scalars (not bytes) from the start of
/// the line, so it matches what an editor shows on lines with non-ASCII text; a leading byte order
/// mark is not counted. `offset` is the byte offset into the input as given, BOM included.
///
/// Failures to read a file at all (see `JSONReader.parse(contentsOf:)`) have `line`, `column` and
/// `offset` 0 and print as `<file>: <message>`.
public struct JSONError: Error, CustomStringConvertible, Equatable {
    /// The file the document came from, when the caller knows it; printed before the location.
    public var file: String?
    /// The 1-based line of the failure (lines end at U+000A), or 0 when the file could not be read.
    public let line: Int
    /// The 1-based column of the failure, in Unicode scalars, or 0 when the file could not be read.
    public let column: Int
    /// The byte offset of the failure in the input.
    public let offset: Int
    /// What was found and what was expected, e.g. `expected ',' or '}' after object member`.
    public let message: String

    /// Creates an error at an already computed location.
    ///
    /// - Parameters:
    ///   - message: What went wrong, without location.
    ///   - line: 1-based line, or 0 when there is no position in a document.
    ///   - column: 1-based column in Unicode scalars, or 0 when there is no position.
    ///   - offset: Byte offset into the input.
    ///   - file: The file the input came from, if known.
    public init(message: String, line: Int, column: Int, offset: Int, file: String? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
        self.file = file
    }

    /// `<file>:<line>:<column>: <message>`, without the `<file>:` prefix when `file` is `nil`.
    public var description: String {
        let location = line > 0 ? "\(line):\(column)" : nil
        switch (file, location) {
        case let (file?, location?): return "\(file):\(location): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        case let (nil, location?): return "\(location): \(message)"
        case (nil, nil): return message
        }
    }
}

extension JSONError {
    /// Makes an error at `offset` in `bytes`, counting lines and columns up to it.
    ///
    /// Lines are counted by U+000A; columns by UTF-8 lead bytes (anything that is not a
    /// continuation byte), which is the count of Unicode scalars for well-formed text.
    static func at(_ offset: Int, in bytes: UnsafeRawBufferPointer, _ message: String) -> JSONError {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        if lineStart == 0, end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            lineStart = 3
        }
        var column = 1
        if lineStart < end {
            for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONError(message: message, line: line, column: column, offset: offset)
    }
}
