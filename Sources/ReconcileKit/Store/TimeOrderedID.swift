import Foundation

/// Ids for new users and log records: RFC 9562 version 7 UUIDs (48-bit Unix milliseconds, a 12-bit
/// counter within the millisecond, 62 random bits), lowercase.
///
/// Time-ordered ids go into the store's indexes at their end: a first load of a million users
/// appends to the `users` and `links` id indexes instead of touching a random page of each for every
/// insert, as random (version 4) ids did. They stay unguessable enough for what they are (opaque
/// SCIM ids, never secrets) and unique: the counter keeps ids of one process strictly increasing.
struct TimeOrderedID {
    private var lastMillis: UInt64 = 0
    private var counter: UInt64 = 0
    private var random = RandomPool()

    mutating func next(now: Date = Date()) -> String {
        var millis = UInt64(max(0, now.timeIntervalSince1970 * 1_000))
        if millis <= lastMillis {
            // Same millisecond (or the clock stepped back): count on; past the counter's 12 bits,
            // borrow the next millisecond so the order holds.
            millis = lastMillis
            counter += 1
            if counter > 0xFFF {
                millis += 1
                counter = 0
            }
        } else {
            counter = 0
        }
        lastMillis = millis
        let high = (millis << 16) | 0x7000 | counter
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return Self.format(high, low)
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` of the 128 bits `high` `low`.
    static func format(_ high: UInt64, _ low: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[position] = digits[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                }
            }
            func dash() {
                buffer[position] = UInt8(ascii: "-")
                position += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put((high >> 16) & 0xFFFF, nibbles: 4)
            dash()
            put(high & 0xFFFF, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low & 0xFFFF_FFFF_FFFF, nibbles: 12)
            return position
        }
    }
}
