import Foundation

/// Users by id, as positions in an array of them: what a `[String: Int]` of positions would answer,
/// with less work per id for a million users. The export's users (to find an id given twice) and
/// the target's (to follow links) are indexed so.
///
/// Ids are compared as Swift strings are (by canonical equivalence). For ASCII text that is byte
/// equality, so while every id is ASCII (Graph's are GUIDs) the index is an open-addressing table
/// of positions under a cheap seeded hash of the bytes, and only ids whose hashes agree are
/// compared. The first id with another character moves every id into a `[String: Int]`.
struct UserIDIndex: Sendable {
    /// Per slot: 32 bits of the id's hash (which also choose the slot, so growing needs no id),
    /// then its position + 1; 0 for an empty slot.
    private var slots: [UInt64] = []
    private var used = 0
    private var dictionary: [String: Int]?

    /// Records that the user at `position` of `users` has `id`, unless an earlier user has it too:
    /// then returns that user's position and records nothing.
    mutating func insert<User: IdentifiedUser>(_ id: String, at position: Int, of users: [User]) -> Int? {
        if dictionary != nil { return insertInDictionary(id, at: position) }
        let hash = id.withUTF8Bytes { bytes in bytes.allSatisfy { $0 < 0x80 } ? ByteHash.hash(bytes) : nil }
        guard let hash else {
            dictionary = Dictionary(users[..<position].enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
            slots = []
            return insertInDictionary(id, at: position)
        }
        if (used + 1) * 2 > slots.count { grow() }
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: tag >> 32) & mask
        while slots[slot] != 0 {
            if slots[slot] & 0xFFFF_FFFF_0000_0000 == tag {
                let other = Int(slots[slot] & 0xFFFF_FFFF) - 1
                if ByteHash.sameBytes(users[other].id, id) { return other }
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = tag | UInt64(position + 1)
        used += 1
        return nil
    }

    /// The position of the user of `users` (the array the ids were inserted from) whose id has
    /// `bytes` as its UTF-8, if any.
    func position<User: IdentifiedUser>(ofUTF8 bytes: UnsafeBufferPointer<UInt8>, in users: [User]) -> Int? {
        if let dictionary { return dictionary[String(decoding: bytes, as: UTF8.self)] }
        guard !slots.isEmpty else { return nil }
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            // Every id here is ASCII; other text equals one (as Swift compares strings) only when its
            // canonical composition is that ASCII id (the Kelvin sign is K).
            var composed = String(decoding: bytes, as: UTF8.self).precomposedStringWithCanonicalMapping
            return composed.withUTF8 { $0.allSatisfy { $0 < 0x80 } ? position(ofUTF8: $0, in: users) : nil }
        }
        let tag = ByteHash.hash(bytes) & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: tag >> 32) & mask
        while slots[slot] != 0 {
            if slots[slot] & 0xFFFF_FFFF_0000_0000 == tag {
                let position = Int(slots[slot] & 0xFFFF_FFFF) - 1
                if ByteHash.sameBytes(users[position].id, UnsafeRawBufferPointer(bytes)) { return position }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func insertInDictionary(_ id: String, at position: Int) -> Int? {
        if let other = dictionary?[id] { return other }
        dictionary?[id] = position
        return nil
    }

    /// Doubles the table (at least 1,024 slots).
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: max(1_024, old.count * 2))
        let mask = slots.count - 1
        for entry in old where entry != 0 {
            var slot = Int(truncatingIfNeeded: entry >> 32) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}

/// A user with an id, as `UserIDIndex` indexes them.
protocol IdentifiedUser {
    var id: String { get }
}

extension DirectoryUser: IdentifiedUser {}
extension TargetUser: IdentifiedUser {}
