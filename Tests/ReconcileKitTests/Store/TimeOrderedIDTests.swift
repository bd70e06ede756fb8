import Foundation
import Testing
@testable import ReconcileKit

/// Ids of created users: version 7 UUIDs that sort in creation order.
@Test func idsAreVersionSevenUUIDsInCreationOrder() {
    var ids = TimeOrderedID()
    let now = Date(timeIntervalSince1970: 1_764_400_000.1235)
    // Many in the same millisecond, past the 12-bit counter, then a clock that steps back.
    var made = (0..<5_000).map { _ in ids.next(now: now) }
    made.append(ids.next(now: now.addingTimeInterval(-10)))
    made.append(ids.next(now: now.addingTimeInterval(1)))
    #expect(made == made.sorted())
    #expect(Set(made).count == made.count)
    for id in made {
        #expect(id.count == 36)
        #expect(UUID(uuidString: id) != nil)
        let characters = Array(id)
        #expect(characters[14] == "7")  // version
        #expect("89ab".contains(characters[19]))  // RFC 9562 variant
    }
    // The first 48 bits are the Unix time in milliseconds.
    let millis = UInt64(made[0].replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
    #expect(millis == 1_764_400_000_123)
}

@Test func formatsTheBitsAsLowercaseHexGroups() {
    #expect(TimeOrderedID.format(0x0123_4567_89AB_7CDE, 0x8F01_2345_6789_ABCD) == "01234567-89ab-7cde-8f01-23456789abcd")
}
