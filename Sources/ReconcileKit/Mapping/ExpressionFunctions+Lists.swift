/// Functions over multi-valued attributes (`proxyAddresses`, `otherMails`, a `Split`): Item, Split,
/// Count, RemoveDuplicates and SingleAppRoleAssignment.
extension ExpressionFunctions {
    static let lists: [ExpressionFunction] = [
        // Item(attribute, index): the index-th value, counting from 1; null past the end.
        ExpressionFunction("Item", 2...2, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 1, function: "Item", name: "index")
            if let index = literalText(arguments, 1).flatMap(ExpressionArguments.wholeNumber), index < 1 {
                throw .badArguments(function: "Item", reason: "index must be 1 or more (the first value is 1), got \(index)")
            }
        }, body: { arguments, _ throws(MappingError) in
            guard let index = try arguments.integer(1, name: "index") else { return .null }
            guard index >= 1 else { throw arguments.failure("index must be 1 or more (the first value is 1), got \(index)") }
            let values = arguments[0].values
            return index <= values.count ? .text(values[index - 1]) : .null
        }),

        // Split(source, delimiter): the values between delimiters. Each value is trimmed of spaces, as
        // Microsoft's example shows ("PermissionSetOne, PermissionSetTwo" gives two names without a
        // leading space), and empty values are left out.
        ExpressionFunction("Split", 2...2, check: { arguments throws(MappingError) in
            if let delimiter = literalText(arguments, 1), delimiter.isEmpty {
                throw .badArguments(function: "Split", reason: "the delimiter is empty")
            }
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            guard let delimiter = try arguments.text(1), !delimiter.isEmpty else { throw arguments.failure("the delimiter is empty") }
            let parts = source.splitting(on: delimiter).map(\.trimmingSpaces).filter { !$0.isEmpty }
            return .list(parts)
        }),

        // Count(attribute): how many values the attribute has.
        ExpressionFunction("Count", 1...1) { arguments, _ throws(MappingError) in
            .text(String(arguments[0].values.count))
        },

        // RemoveDuplicates(attribute): the values, each once, in their first order.
        ExpressionFunction("RemoveDuplicates", 1...1) { arguments, _ throws(MappingError) in
            guard !arguments[0].isNull else { return .null }
            var seen = Set<String>()
            return .list(arguments[0].values.filter { seen.insert($0).inserted })
        },

        // SingleAppRoleAssignment([appRoleAssignments]): one role. Entra does not support several; so
        // that plans are reproducible, several give the first in sorted order.
        ExpressionFunction("SingleAppRoleAssignment", 1...1) { arguments, _ throws(MappingError) in
            arguments[0].values.min().map(ExpressionValue.text) ?? .null
        },
    ]
}

extension String {
    /// The string split at every occurrence of `separator` (which is not empty).
    func splitting(on separator: String) -> [String] {
        var parts: [String] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
