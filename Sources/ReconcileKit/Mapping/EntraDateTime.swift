/// A date and time in UTC with .NET's resolution (100-nanosecond ticks since 0001-01-01), for the
/// date functions of the expression language (CDate, DateAdd, DateDiff, FormatDateTime,
/// DateFromNum, NumFromDate).
///
/// Entra runs in UTC and writes dates as `M/d/yyyy h:mm:ss tt` (`3/16/2020 7:00:00 AM`). Dates
/// here never depend on the machine's time zone: a time without an offset is taken as UTC, so a plan
/// is the same wherever it is made.
struct EntraDateTime: Comparable, Sendable {
    /// 100-nanosecond ticks since 0001-01-01T00:00:00.
    let ticks: Int64

    static let ticksPerSecond: Int64 = 10_000_000
    static let ticksPerDay: Int64 = 86_400 * ticksPerSecond
    /// Ticks from 0001-01-01 to 1601-01-01, the epoch of Active Directory's file times.
    static let fileTimeEpoch: Int64 = daysFromCivil(1601, 1, 1) * ticksPerDay

    init(ticks: Int64) {
        self.ticks = ticks
    }

    /// The moment given by calendar fields and an offset from UTC in minutes; `nil` for an impossible date.
    init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, fraction: Int64 = 0,
          offsetMinutes: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(month, of: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
              (0..<Self.ticksPerSecond).contains(fraction) else { return nil }
        let seconds = Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        ticks = Self.daysFromCivil(year, month, day) * Self.ticksPerDay + seconds * Self.ticksPerSecond + fraction
        guard ticks >= 0 else { return nil }
    }

    static func < (lhs: EntraDateTime, rhs: EntraDateTime) -> Bool { lhs.ticks < rhs.ticks }

    // MARK: - Calendar

    /// Calendar fields of the moment in UTC.
    var fields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fraction: Int64, weekday: Int) {
        let days = ticks / Self.ticksPerDay
        let rest = ticks % Self.ticksPerDay
        let (year, month, day) = Self.civil(fromDays: days)
        let seconds = Int(rest / Self.ticksPerSecond)
        // 0001-01-01 was a Monday; weekday counts from Sunday = 0, as .NET's DayOfWeek does.
        return (year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, rest % Self.ticksPerSecond, Int((days + 1) % 7))
    }

    /// Days from 0001-01-01 to the given date (proleptic Gregorian; H. Hinnant's days_from_civil).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        // 719_162 days separate 0001-01-01 from 1970-01-01, and 719_468 separate 0000-03-01 from 1970-01-01.
        return era * 146_097 + dayOfEra - 719_468 + 719_162
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days - 719_162 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Arithmetic

    /// The moment `months` calendar months later, the day clamped to the month's end (.NET AddMonths).
    func adding(months: Int) -> EntraDateTime? {
        let f = fields
        let total = f.year * 12 + (f.month - 1) + months
        let year = total / 12, month = total % 12 + 1
        guard (1...9999).contains(year) else { return nil }
        return EntraDateTime(year: year, month: month, day: min(f.day, Self.daysIn(month, of: year)),
                             hour: f.hour, minute: f.minute, second: f.second, fraction: f.fraction)
    }

    /// The moment `ticks` later; `nil` outside years 1-9999.
    func adding(ticks delta: Int64) -> EntraDateTime? {
        let (result, overflow) = ticks.addingReportingOverflow(delta)
        guard !overflow, result >= 0, result < Self.daysFromCivil(10_000, 1, 1) * Self.ticksPerDay else { return nil }
        return EntraDateTime(ticks: result)
    }

    // MARK: - Text

    /// The moment as Entra writes dates: `M/d/yyyy h:mm:ss tt` (`3/16/2020 7:00:00 AM`).
    var entraText: String {
        let f = fields
        let hour12 = f.hour % 12 == 0 ? 12 : f.hour % 12
        let twoDigits = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return "\(f.month)/\(f.day)/\(f.year) \(hour12):\(twoDigits(f.minute)):\(twoDigits(f.second)) \(f.hour < 12 ? "AM" : "PM")"
    }

    /// Reads a date the way CDate does: ISO 8601 (`2009-06-15T01:45:30-07:00`, `2020-03-16-07:00`,
    /// `2021-08-24`), Entra's own `M/d/yyyy h:mm:ss tt`, or PowerShell's `/Date(1629379531000)/`.
    /// A trailing offset (`Z`, `+08:00`, `-0700`) is honoured; without one the time is UTC.
    static func parse(_ text: String) -> EntraDateTime? {
        var scanner = DateScanner(text.trimmingSpaces)
        if let date = scanner.powerShellDate() { return date }
        let year: Int, month: Int, day: Int
        if let first = scanner.digits(4...4), scanner.take("-") {
            guard let m = scanner.digits(1...2), scanner.take("-"), let d = scanner.digits(1...2) else { return nil }
            (year, month, day) = (first, m, d)
            _ = scanner.take("T") || scanner.take(" ")
        } else {
            scanner = DateScanner(text.trimmingSpaces)
            guard let m = scanner.digits(1...2), scanner.take("/"), let d = scanner.digits(1...2), scanner.take("/"),
                  let y = scanner.digits(4...4) else { return nil }
            (year, month, day) = (y, m, d)
            _ = scanner.take(" ")
        }
        var hour = 0, minute = 0, second = 0
        var fraction: Int64 = 0
        let timeStart = scanner.position
        if let h = scanner.digits(1...2), scanner.take(":") {
            guard let mi = scanner.digits(2...2) else { return nil }
            (hour, minute) = (h, mi)
            if scanner.take(":") {
                guard let s = scanner.digits(2...2) else { return nil }
                second = s
                if scanner.take(".") { fraction = scanner.fraction() }
            }
            scanner.skipSpaces()
            if let pm = scanner.meridiem() {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (pm ? 12 : 0)
            }
        } else {
            scanner.position = timeStart
            if scanner.remainingIsTimeWithoutColon { return nil }
        }
        guard let offset = scanner.offset(), scanner.atEnd else { return nil }
        return EntraDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                             fraction: fraction, offsetMinutes: offset)
    }
}

/// A cursor over the characters of a date, for `EntraDateTime.parse` and `DotNetDateFormat`.
struct DateScanner {
    let characters: [Character]
    var position = 0

    init(_ text: String) { characters = Array(text) }

    var atEnd: Bool { position >= characters.count }
    var peek: Character? { atEnd ? nil : characters[position] }

    /// After a date, digits that are not followed by `:` cannot be a time: refuse rather than guess.
    var remainingIsTimeWithoutColon: Bool {
        guard let next = peek else { return false }
        return next.isASCII && next.isNumber
    }

    mutating func take(_ character: Character) -> Bool {
        guard peek == character else { return false }
        position += 1
        return true
    }

    mutating func skipSpaces() {
        while peek == " " { position += 1 }
    }

    /// A run of ASCII digits whose length is within `count`.
    mutating func digits(_ count: ClosedRange<Int>) -> Int? {
        var value = 0, read = 0
        while read < count.upperBound, let next = peek, next.isASCII, let digit = next.wholeNumberValue {
            value = value * 10 + digit
            read += 1
            position += 1
        }
        guard count.contains(read) else {
            position -= read
            return nil
        }
        return value
    }

    /// Fraction digits after the decimal point, as ticks (7 digits of precision, more are dropped).
    mutating func fraction() -> Int64 {
        var ticks: Int64 = 0, read = 0
        while let next = peek, next.isASCII, let digit = next.wholeNumberValue {
            if read < 7 { ticks = ticks * 10 + Int64(digit); read += 1 }
            position += 1
        }
        while read < 7 { ticks *= 10; read += 1 }
        return ticks
    }

    /// `AM`/`PM` (any case): `true` for PM.
    mutating func meridiem() -> Bool? {
        guard position + 1 < characters.count else { return nil }
        let word = String(characters[position...(position + 1)]).uppercased()
        guard word == "AM" || word == "PM" else { return nil }
        position += 2
        return word == "PM"
    }

    /// A UTC offset in minutes: `Z`, `±HH:mm`, `±HHmm`, `±HH`, or none (0).
    mutating func offset() -> Int? {
        skipSpaces()
        if take("Z") || take("z") { return 0 }
        guard let sign = peek, sign == "+" || sign == "-" else { return 0 }
        position += 1
        guard let hours = digits(1...2), hours <= 14 else { return nil }
        var minutes = 0
        if take(":") {
            guard let m = digits(2...2) else { return nil }
            minutes = m
        } else if let m = digits(2...2) {
            minutes = m
        }
        guard minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    /// `/Date(1629379531000)/` or `\/Date(...)\/` (Windows PowerShell's JSON dates), milliseconds since 1970.
    mutating func powerShellDate() -> EntraDateTime? {
        let text = String(characters).replacing("\\/", with: "/")
        guard text.hasPrefix("/Date("), text.hasSuffix(")/") else { return nil }
        let inner = text.dropFirst(6).dropLast(2)
        let digitsEnd = inner.dropFirst().firstIndex { $0 == "+" || $0 == "-" } ?? inner.endIndex
        guard let milliseconds = Int64(inner[..<digitsEnd]) else { return nil }
        let unixEpoch = EntraDateTime.daysFromCivil(1970, 1, 1) * EntraDateTime.ticksPerDay
        return EntraDateTime(ticks: 0).adding(ticks: unixEpoch + milliseconds * 10_000)
    }
}
