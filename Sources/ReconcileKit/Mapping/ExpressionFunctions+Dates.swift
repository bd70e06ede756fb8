/// Date functions: CDate, DateAdd, DateDiff, FormatDateTime, DateFromNum and NumFromDate. Dates are
/// passed between functions as Entra writes them (`M/d/yyyy h:mm:ss tt`, in UTC); see `EntraDateTime`.
/// `Now` is left out (`ExpressionFunctions.unavailable`): plans must not change with the clock.
extension ExpressionFunctions {
    /// The intervals DateAdd and DateDiff take (Microsoft's reference lists these seven).
    static let intervals = ["yyyy", "m", "d", "ww", "h", "n", "s"]

    static let dates: [ExpressionFunction] = [
        // CDate(expression): the date in UTC, as `M/d/yyyy h:mm:ss tt`.
        ExpressionFunction("CDate", 1...1) { arguments, _ throws(MappingError) in
            guard let text = try arguments.text(0) else { return .null }
            return .text(try date(text, arguments).entraText)
        },

        // DateAdd(interval, value, dateTime): dateTime moved by value intervals (negative goes back).
        ExpressionFunction("DateAdd", 3...3, check: { arguments throws(MappingError) in
            try checkInterval(arguments, function: "DateAdd")
            try literalInteger(arguments, 1, function: "DateAdd", name: "value")
        }, body: { arguments, _ throws(MappingError) in
            guard let interval = try arguments.text(0)?.lowercased(), let value = try arguments.integer(1, name: "value"),
                  let text = try arguments.text(2) else { return .null }
            let start = try date(text, arguments)
            var moved: EntraDateTime?
            let unit: Int64
            switch interval {
            case "yyyy", "m":
                let (months, overflow) = value.multipliedReportingOverflow(by: interval == "m" ? 1 : 12)
                moved = overflow || abs(months) > 120_000 ? nil : start.adding(months: months)
                unit = 0
            case "d": unit = EntraDateTime.ticksPerDay
            case "ww": unit = 7 * EntraDateTime.ticksPerDay
            case "h": unit = 3600 * EntraDateTime.ticksPerSecond
            case "n": unit = 60 * EntraDateTime.ticksPerSecond
            case "s": unit = EntraDateTime.ticksPerSecond
            default: throw arguments.failure(intervalReason(interval))
            }
            if unit != 0 {
                let (delta, overflow) = Int64(value).multipliedReportingOverflow(by: unit)
                moved = overflow ? nil : start.adding(ticks: delta)
            }
            guard let moved else { throw arguments.failure("the result is outside the years 1 to 9999") }
            return .text(moved.entraText)
        }),

        // DateDiff(interval, date1, date2): how many intervals from date1 to date2, as VBA counts them:
        // years and months by calendar number, weeks by Sunday boundaries, days and smaller by whole units.
        ExpressionFunction("DateDiff", 3...3, check: { arguments throws(MappingError) in
            try checkInterval(arguments, function: "DateDiff")
        }, body: { arguments, _ throws(MappingError) in
            guard let interval = try arguments.text(0)?.lowercased(), let first = try arguments.text(1),
                  let second = try arguments.text(2) else {
                return .null
            }
            let a = try date(first, arguments), b = try date(second, arguments)
            let fa = a.fields, fb = b.fields
            let span = b.ticks - a.ticks
            let result: Int64
            switch interval {
            case "yyyy": result = Int64(fb.year - fa.year)
            case "m": result = Int64((fb.year - fa.year) * 12 + fb.month - fa.month)
            case "ww":
                let sundayA = a.ticks / EntraDateTime.ticksPerDay - Int64(fa.weekday)
                let sundayB = b.ticks / EntraDateTime.ticksPerDay - Int64(fb.weekday)
                result = (sundayB - sundayA) / 7
            case "d": result = span / EntraDateTime.ticksPerDay
            case "h": result = span / (3600 * EntraDateTime.ticksPerSecond)
            case "n": result = span / (60 * EntraDateTime.ticksPerSecond)
            case "s": result = span / EntraDateTime.ticksPerSecond
            default: throw arguments.failure(intervalReason(interval))
            }
            return .text(String(result))
        }),

        // FormatDateTime(source, dateTimeStyles, inputFormat, outputFormat): source read with the .NET
        // inputFormat and written with outputFormat.
        ExpressionFunction("FormatDateTime", 4...4, check: { arguments throws(MappingError) in
            if let styles = literalText(arguments, 1) { _ = try dateTimeStyles(styles) }
            for (index, name) in [(2, "inputFormat"), (3, "outputFormat")] {
                guard let format = literalText(arguments, index) else { continue }
                do throws(DotNetDateFormatError) {
                    _ = try DotNetDateFormat(format)
                } catch {
                    throw .badArguments(function: "FormatDateTime", reason: "\(name) \"\(format)\": \(error.reason)")
                }
            }
        }, body: { arguments, _ throws(MappingError) in
            guard let source = try arguments.text(0) else { return .null }
            let styles = try dateTimeStyles(try arguments.text(1) ?? "")
            guard let inputFormat = try arguments.text(2), let outputFormat = try arguments.text(3) else {
                throw arguments.failure("inputFormat and outputFormat are required")
            }
            let input: DotNetDateFormat, output: DotNetDateFormat
            do throws(DotNetDateFormatError) {
                input = try DotNetDateFormat(inputFormat)
                output = try DotNetDateFormat(outputFormat)
            } catch {
                throw arguments.failure("format: \(error.reason)")
            }
            guard let parsed = input.parse(source, allowLeadingWhite: styles.leading, allowTrailingWhite: styles.trailing) else {
                throw arguments.failure("\"\(source)\" does not match the inputFormat \"\(inputFormat)\"")
            }
            return .text(output.format(parsed.date, kind: styles.universal ? .utc : parsed.kind))
        }),

        // DateFromNum(value): an Active Directory date (100-ns intervals since 1601) as a date.
        ExpressionFunction("DateFromNum", 1...1, check: { arguments throws(MappingError) in
            try literalInteger(arguments, 0, function: "DateFromNum", name: "value")
        }, body: { arguments, _ throws(MappingError) in
            guard let text = try arguments.text(0) else { return .null }
            guard let value = Int64(text.trimmingSpaces), let date = EntraDateTime(ticks: EntraDateTime.fileTimeEpoch).adding(ticks: value) else {
                throw arguments.failure("\"\(text)\" is not an Active Directory date (a whole number of 100-ns intervals since 1601)")
            }
            return .text(date.entraText)
        }),

        // NumFromDate(value): a date as an Active Directory date number (for accountExpires and the like).
        ExpressionFunction("NumFromDate", 1...1) { arguments, _ throws(MappingError) in
            guard let text = try arguments.text(0) else { return .null }
            let date = try date(text, arguments)
            return .text(String(date.ticks - EntraDateTime.fileTimeEpoch))
        },
    ]

    private static func date(_ text: String, _ arguments: ExpressionArguments) throws(MappingError) -> EntraDateTime {
        guard let date = EntraDateTime.parse(text) else {
            throw arguments.failure("\"\(text)\" is not a date (write it as 2021-06-30T08:00:00Z, 2021-06-30+08:00 or 6/30/2021 8:00:00 AM)")
        }
        return date
    }

    private static func intervalReason(_ interval: String) -> String {
        "interval must be one of \(intervals.joined(separator: ", ")), got \"\(interval)\""
    }

    private static func checkInterval(_ arguments: [Expression], function: String) throws(MappingError) {
        if let interval = literalText(arguments, 0), !intervals.contains(interval.lowercased()) {
            throw .badArguments(function: function, reason: intervalReason(interval))
        }
    }

    /// The DateTimeStyles names FormatDateTime accepts (comma-separated); the white-space ones and
    /// AdjustToUniversal change the result, the rest only matter for local times, which reconcile has none of.
    private static func dateTimeStyles(_ text: String) throws(MappingError) -> (leading: Bool, trailing: Bool, universal: Bool) {
        let known = ["none", "allowleadingwhite", "allowtrailingwhite", "allowinnerwhite", "allowwhitespaces",
                     "nocurrentdatedefault", "adjusttouniversal", "assumelocal", "assumeuniversal", "roundtripkind"]
        let names = text.split(whereSeparator: { $0 == "," || $0 == "|" }).map { $0.trimmingSpaces.lowercased() }
        if names.isEmpty { return (true, true, false) }
        for name in names where !known.contains(name) {
            throw .badArguments(function: "FormatDateTime", reason: "unknown dateTimeStyles \"\(name)\" (leave it empty for the default)")
        }
        let whiteSpaces = names.contains("allowwhitespaces")
        return (whiteSpaces || names.contains("allowleadingwhite"), whiteSpaces || names.contains("allowtrailingwhite"),
                names.contains("adjusttouniversal"))
    }
}
