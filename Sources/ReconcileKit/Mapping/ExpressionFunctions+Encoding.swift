/// Encodings and identifiers: ConvertToBase64, ConvertToUTF8Hex and Guid.
extension ExpressionFunctions {
    static let encodings: [ExpressionFunction] = [
        // ConvertToBase64(source): base64 of the string's UTF-16 (little-endian) code units, as .NET's
        // "Unicode" encoding writes them ("Hello world!" -> "SABlAGwAbABvACAAdwBvAHIAbABkACEA").
        ExpressionFunction("ConvertToBase64", 1...1) { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(source.utf16.count * 2)
            for unit in source.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            return .text(base64(bytes))
        },

        // ConvertToUTF8Hex(source): the string's UTF-8 bytes in upper-case hexadecimal.
        ExpressionFunction("ConvertToUTF8Hex", 1...1) { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            let digits = Array("0123456789ABCDEF")
            var text = ""
            text.reserveCapacity(source.utf8.count * 2)
            for byte in source.utf8 { text.append(digits[Int(byte >> 4)]); text.append(digits[Int(byte & 0x0F)]) }
            return .text(text)
        },

        // Guid(): stable per user and target attribute rather than random (see `stableGuid`); the
        // evaluator numbers each call, this body stands for a lone call.
        ExpressionFunction("Guid", 0...0) { _, context throws(MappingError) in
            .text(stableGuid(user: context.user.id, target: context.target, occurrence: 1))
        },
    ]

    /// Standard base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                text.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 0x3F] : "=")
            }
            index += 3
        }
        return text
    }
}
