import Foundation

extension Timestamp {
    /// Reads an RFC 3339 timestamp as `format` writes it, or a shorter form an admin types:
    /// `2026-03-04T02:30:00.123Z`, `2026-03-04T02:30:00Z`, `2026-03-04T02:30Z`, `2026-03-04T04:30+02:00`,
    /// or a date alone (`2026-03-04`, midnight UTC). `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0, offset = 0
        if index < bytes.count {
            guard expect("T") || expect("t") || expect(" "), let h = number(2), expect(":"), let m = number(2),
                  h < 24, m < 60 else { return nil }
            (hour, minute) = (h, m)
            if expect(":") {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if expect(".") {
                    var digits = 0
                    while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                        if digits < 3 { millis = millis * 10 + Int(bytes[index] - 0x30) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 3) { millis *= 10 }
                }
            }
            if expect("Z") || expect("z") {
                offset = 0
            } else if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D {
                let sign = bytes[index] == 0x2D ? -1 : 1
                index += 1
                guard let oh = number(2), expect(":"), let om = number(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
            guard index == bytes.count else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: TimeInterval(seconds - offset) + TimeInterval(millis) / 1000)
    }

    /// `timestamp` moved by `seconds` (negative moves it back), formatted; `nil` if it cannot be read.
    static func adding(_ seconds: TimeInterval, to timestamp: String) -> String? {
        parse(timestamp).map { format($0.addingTimeInterval(seconds)) }
    }
}
