/// The records of one JSON export file, whichever shape its tool printed (formats.md §1-§2, §4):
/// a Graph page `{"@odata.context", "value": [...], "@odata.nextLink"}`, a bare array (`az`, or
/// `ConvertTo-Json` of several objects), or a single object (`ConvertTo-Json` of one object).
///
/// Records keep their members in document order (`ExportDocument`) until they are keyed by
/// lowercased name, normalized the way `Get-MgUser | ConvertTo-Json` needs: the members of an
/// `AdditionalProperties` object (where the PowerShell SDK puts properties outside its model) are
/// lifted into the record unless it already has them, and Windows PowerShell 5.1's
/// `"\/Date(1629379531000)\/"` strings become ISO 8601 text (`2021-08-19T13:25:31Z`).
struct GraphDocument {
    /// Where the records sit, to find a record's line and column again for an error.
    enum Layout: Equatable {
        case array
        case page
        case single
    }

    /// Why a document holds no records.
    enum Refusal: Error, Equatable {
        /// Not JSON at all; the error carries the file and line:column.
        case malformed(JSONError)
        /// A Graph error response saved instead of a page.
        case graphError(code: String, message: String)
        /// Any other document; `found` describes it.
        case unexpected(found: String)
    }

    /// The document as read; `records` are some of its records.
    var export: ExportDocument
    var records: ArraySlice<ExportDocument.Record>
    var layout: Layout
    var nextLink: String?
    var deltaLink: String?
    var context: String?

    /// Parses `bytes` (the contents of `file`) and splits the document into its records.
    /// - Parameter selection: the record properties to keep (`JSONReader.parseExport`); `nil`
    ///   keeps every one.
    init(parsing bytes: [UInt8], file: String, keeping selection: PropertySelection? = nil) throws(Refusal) {
        let document: ExportDocument
        do {
            document = try JSONReader.parseExport(bytes, keeping: selection)
        } catch {
            var located = error
            located.file = file
            throw .malformed(located)
        }
        try self.init(document)
    }

    /// Splits `document` into its records; a single object is one record when it has an `id`
    /// (in any case, for PowerShell's `Id`). Where the top-level object repeats a name, the last
    /// member counts, as in a dictionary.
    init(_ document: ExportDocument) throws(Refusal) {
        export = document
        records = []
        layout = .array
        switch document.top {
        case .array:
            records = document.records[...]
        case .object:
            let members = document.topMembers
            func last(_ name: String) -> JSONValue? { members.last(where: { $0.key == name })?.value }
            if let value = document.valueArray, value.member == members.lastIndex(where: { $0.key == "value" }) {
                records = document.records[value.records]
                layout = .page
                nextLink = last("@odata.nextLink")?.stringValue
                deltaLink = last("@odata.deltaLink")?.stringValue
                context = last("@odata.context")?.stringValue
            } else if members.contains(where: { $0.key.equalsIgnoringCase("id") }) {
                let start = export.members.count
                export.members += members
                export.records.append(.object(start..<export.members.count))
                records = export.records.suffix(1)
                layout = .single
            } else if case .object(let error)? = last("error") {
                throw .graphError(code: error["code"]?.stringValue ?? "no code", message: error["message"]?.stringValue ?? "no message")
            } else {
                throw .unexpected(found: "an object without a \"value\" array")
            }
        case .other(let value):
            throw .unexpected(found: value.kindDescription)
        }
    }

    /// A record's members keyed by lowercased name, normalized as the type comment says (see
    /// `ExportDocument.properties(of:)`); `nil` when the record is not an object.
    func members(of record: ExportDocument.Record) -> [String: JSONValue]? {
        guard case .object(let range) = record else { return nil }
        return export.properties(of: export.members[range])
    }

    /// `value` with `/Date(...)/` strings, at any depth, as ISO 8601 text.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            guard PowerShellDate.mayBe(text) else { return value }
            return PowerShellDate.iso8601(text).map(JSONValue.string) ?? value
        case .array(let elements) where elements.contains(where: \.mayHoldDate):
            return .array(elements.map(normalized))
        case .object(let members) where members.values.contains(where: \.mayHoldDate):
            return .object(members.mapValues(normalized))
        default:
            return value
        }
    }
}

extension JSONValue {
    /// Whether a `/Date(...)/` string may be in here (cheap: strings are checked by their first bytes).
    fileprivate var mayHoldDate: Bool {
        switch self {
        case .string(let text): return PowerShellDate.mayBe(text)
        case .array(let elements): return elements.contains(where: \.mayHoldDate)
        case .object(let members): return members.values.contains(where: \.mayHoldDate)
        default: return false
        }
    }
}

/// Windows PowerShell 5.1's JSON dates: `\/Date(<milliseconds since 1970 UTC>[+-hhmm])\/`
/// (the JSON reader has already turned `\/` into `/`). The offset, when present, only says where
/// the date was written; the milliseconds are UTC either way.
enum PowerShellDate {
    static let prefix = Array("/Date(".utf8)

    /// Whether `text` starts like a date; its first byte rules out nearly every other string at once.
    @inline(__always)
    static func mayBe(_ text: String) -> Bool {
        text.utf8.first == UInt8(ascii: "/") && text.utf8.starts(with: prefix)
    }

    /// The ISO 8601 UTC text of a `/Date(...)/` string (`2021-08-19T13:25:31Z`, with `.fff` when the
    /// milliseconds are not zero), or `nil` for any other string.
    static func iso8601(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.starts(with: prefix), bytes.count > prefix.count + 2,
              bytes[bytes.count - 2] == UInt8(ascii: ")"), bytes[bytes.count - 1] == UInt8(ascii: "/") else { return nil }
        var digits = bytes[prefix.count..<bytes.count - 2]
        // An offset suffix (+0200) follows the digits; a leading '-' is the number's sign.
        if let sign = digits.dropFirst().firstIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) {
            let offset = digits[(sign + 1)...]
            guard offset.count == 4, offset.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            digits = digits[..<sign]
        }
        guard let milliseconds = Int64(String(decoding: digits, as: UTF8.self)) else { return nil }
        return format(milliseconds: milliseconds)
    }

    /// ISO 8601 UTC text for milliseconds since 1970-01-01T00:00:00Z, proleptic Gregorian calendar.
    static func format(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.floorDivided(by: 1000)
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = civil(fromDays: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var yearText = String(year)
        while yearText.count < 4 { yearText = "0" + yearText }
        var text = "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if millis != 0 { text += "." + String(String(millis + 1000).dropFirst()) }
        return text + "Z"
    }

    /// Year, month, day of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Quotient rounded toward negative infinity, and the non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let remainder = self % divisor
        return remainder < 0 ? (self / divisor - 1, remainder + divisor) : (self / divisor, remainder)
    }
}
