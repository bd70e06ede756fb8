/// Conditions, conversions and null tests: Switch, IIF, CBool, CStr, Coalesce, IsNull,
/// IsNullOrEmpty, IsPresent, IsString, Not, BitAnd and IgnoreFlowIfNullOrEmpty, as Microsoft's
/// reference describes them.
extension ExpressionFunctions {
    static let logic: [ExpressionFunction] = [
        // Switch(source, defaultValue, key1, value1, key2, value2, ...): the value of the first key
        // equal to source, compared case-sensitively. A null source matches an empty key, which is
        // Microsoft's advice for testing null ("use a literal empty string as one of the key values").
        ExpressionFunction("Switch", 2...Int.max, check: { arguments throws(MappingError) in
            guard arguments.count % 2 == 0 else {
                throw .badArguments(function: "Switch", reason: "keys and values must come in pairs")
            }
        }, body: { arguments, _ throws(MappingError) in
            let source = try arguments.text(0) ?? ""
            var index = 2
            while index + 1 < arguments.count {
                if (try arguments.text(index) ?? "") == source { return arguments[index + 1] }
                index += 2
            }
            return arguments[1]
        }),

        // IIF(condition, valueIfTrue, valueIfFalse). A condition on a null value "fails" in Entra;
        // here it gives null, so the attribute gets no value.
        ExpressionFunction("IIF", 3...3) { arguments, _ throws(MappingError) in
            guard let condition = try arguments.boolean(0, name: "the condition") else { return .null }
            return condition ? arguments[1] : arguments[2]
        },

        // CBool(expression): True for True or a non-zero number, False for False or zero.
        ExpressionFunction("CBool", 1...1) { arguments, _ throws(MappingError) in
            guard let flag = try arguments.boolean(0, name: "the value") else { return .null }
            return .bool(flag)
        },

        // CStr(value): the value as a string.
        ExpressionFunction("CStr", 1...1) { arguments, _ throws(MappingError) in
            try arguments.text(0).map(ExpressionValue.text) ?? .null
        },

        // Coalesce(source1, source2, ..., defaultValue): the first value that is not null.
        ExpressionFunction("Coalesce", 1...Int.max) { arguments, _ throws(MappingError) in
            arguments.values.first { !$0.isNull } ?? .null
        },

        // IsNull(expression): True when the value is absent.
        ExpressionFunction("IsNull", 1...1) { arguments, _ throws(MappingError) in
            .bool(arguments[0].isNull)
        },

        // IsNullOrEmpty(expression): True when the value is absent or an empty string.
        ExpressionFunction("IsNullOrEmpty", 1...1) { arguments, _ throws(MappingError) in
            .bool(arguments[0].isNullOrEmpty)
        },

        // IsPresent(expression): the inverse of IsNullOrEmpty.
        ExpressionFunction("IsPresent", 1...1) { arguments, _ throws(MappingError) in
            .bool(!arguments[0].isNullOrEmpty)
        },

        // IsString(expression): True when the value is a (single) string.
        ExpressionFunction("IsString", 1...1) { arguments, _ throws(MappingError) in
            if case .text = arguments[0] { return .true }
            return .false
        },

        // Not(source): False for True (any case), True for anything else; null stays null.
        ExpressionFunction("Not", 1...1) { arguments, _ throws(MappingError) in
            guard let text = try arguments.text(0) else { return .null }
            return .bool(!text.trimmingSpaces.equalsIgnoringCase("true"))
        },

        // BitAnd(value1, value2): the bitwise AND of two whole numbers (`BitAnd(&HF, &HF7)` is 7).
        ExpressionFunction("BitAnd", 2...2, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 0, function: "BitAnd", name: "value1")
            try literalInteger(arguments, 1, function: "BitAnd", name: "value2")
        }, body: { arguments, _ throws(MappingError) in
            guard let a = try arguments.integer(0, name: "value1"), let b = try arguments.integer(1, name: "value2") else { return .null }
            return .text(String(a & b))
        }),

        // IgnoreFlowIfNullOrEmpty(expression): the value; when it is null or empty the Mapper leaves
        // the attribute out of the flow altogether (neither set on create nor cleared on update).
        ExpressionFunction("IgnoreFlowIfNullOrEmpty", 1...1) { arguments, _ throws(MappingError) in
            arguments[0]
        },
    ]
}
