import Dispatch
import Synchronization

/// The Matching stage: finds each directory user's SCIM User, as Entra does (entra-provisioning.md §1).
///
/// A user already managed follows its link (the target id cached when it was created or matched),
/// so renames keep their account. Otherwise the mapping's matching attributes are tried in
/// precedence order and the first that finds anything decides. A match on anything but `externalId`
/// is accepted only when the target's `externalId` is empty or equal: a reused userPrincipalName must
/// not inherit a departed person's account (the identity takeover guard).
struct Matcher: Sendable {
    /// How one desired user relates to the target.
    enum Outcome: Equatable {
        /// Managed before: the link points at this target user.
        case linked(Int)
        /// Not managed yet; this target user matched on the named attribute.
        case matched(Int, on: SCIMPath)
        /// Nothing matched: the user is to be created.
        case unmatched
        /// Matching failed for the given reason.
        case refused(PlanAction.Reason, String)
    }

    let targets: [TargetUser]
    /// The links, when made already; else `linkTable` makes them if a user needs them.
    private let links: [String: String]?
    private let linkTable: Links
    let matchingPaths: [SCIMPath]
    /// The target users by id (`UserIDIndex`), or by a dictionary in which the last of users
    /// sharing an id wins (a server that gives two users one id).
    private var indexByID: UserIDIndex?
    private var dictionaryByID: [String: Int] = [:]
    /// Per matching path, the target users by the digest of their key (`KeyIndex`): a million
    /// 8-byte entries instead of a million normalized key strings.
    private var indexes: [SCIMPath: KeyIndex] = [:]
    /// The source id managing each linked target id; built when a match first needs it (a nightly
    /// run's users follow their links, and its new hires rarely match an account).
    private let managedBy: ManagedBy

    /// - Parameter prebuilt: indexes of `targets` made beforehand (`TargetIndexes`); the paths they
    ///   lack are indexed now.
    init(targets: [TargetUser], links: [String: String], matchingPaths: [SCIMPath], prebuilt: TargetIndexes? = nil) {
        self.init(targets: targets, links: Links(links), matchingPaths: matchingPaths, prebuilt: prebuilt)
    }

    init(targets: [TargetUser], links: Links, matchingPaths: [SCIMPath], prebuilt: TargetIndexes? = nil) {
        self.targets = targets
        self.links = links.madeDictionary
        linkTable = links
        self.matchingPaths = matchingPaths
        let built = TargetIndexes(targets, paths: matchingPaths.filter { prebuilt?.byPath[$0] == nil }, byID: prebuilt == nil)
        indexByID = prebuilt?.byID ?? built.byID
        indexes = built.byPath.merging(prebuilt?.byPath ?? [:]) { made, _ in made }
        if indexByID == nil {
            for (index, target) in targets.enumerated() { dictionaryByID[target.id] = index }
        }
        managedBy = ManagedBy(links: links)
    }

    /// The comparison key of a matching value: `externalId` and `id` are caseExact (RFC 7643 §3.1);
    /// every other string attribute compares case-insensitively, Unicode-normalized.
    static func key(_ value: SCIMValue, for path: SCIMPath) -> String? {
        guard case .string(let text) = value else { return nil }
        return path == .externalId ? text : IdentityKey.normalize(text)
    }

    /// `KeyIndex.digest(key(value, for: path))`, made from the key's bytes: a userName's key is
    /// not made into a string of its own (`IdentityKey.withKeyBytes`).
    static func keyDigest(_ value: SCIMValue, for path: SCIMPath) -> UInt64? {
        guard case .string(let text) = value else { return nil }
        return keyDigest(text, for: path)
    }

    /// The digest of `text`'s key at `path`, as `keyDigest(.string(text), for: path)`.
    static func keyDigest(_ text: String, for path: SCIMPath) -> UInt64 {
        path == .externalId ? KeyIndex.digest(text) : IdentityKey.withKeyBytes(of: text, KeyIndex.digest(bytes:))
    }

    /// The index of the target user with `id`, if it exists.
    func target(id: String) -> Int? {
        guard let indexByID else { return dictionaryByID[id] }
        return id.withUTF8Bytes { indexByID.position(ofUTF8: $0, in: targets) }
    }

    /// The index of the target user the link of source user `sourceID` points at, if it exists.
    func linkedTarget(of sourceID: String) -> Int? {
        (links ?? linkTable.dictionary)[sourceID].flatMap { target(id: $0) }
    }

    /// Matches one desired user.
    /// - Parameter linked: `linkedTarget(of:)` for the user, when known already (`SnapshotLinks`):
    ///   `.some(nil)` for a user not linked to any target user.
    func match(_ desired: DesiredUser, linked: Int?? = nil) -> Outcome {
        if let index = linked ?? linkedTarget(of: desired.source.id) {
            return .linked(index)
        }
        var hadValue = false
        for path in matchingPaths {
            guard let value = desired.createValues[path], let key = Self.key(value, for: path) else { continue }
            hadValue = true
            // Positions with the key's digest, then only those whose key is the key itself.
            let candidates = (indexes[path]?.positions(digest: KeyIndex.digest(key)) ?? []).filter { position in
                targets[position].value(at: path).flatMap { Self.key($0, for: path) } == key
            }
            if candidates.isEmpty { continue }
            if candidates.count > 1 {
                let ids = candidates.map { targets[$0].id }.sorted().joined(separator: ", ")
                return .refused(.duplicateTargetEntries, "\(path) \(value) matches \(candidates.count) target users: \(ids)")
            }
            let target = targets[candidates[0]]
            if let owner = managedBy.source(of: target.id), owner != desired.source.id {
                return .refused(.identityConflict, "\(path) \(value) matches target user \(target.id), which is managed for source user \(owner)")
            }
            if path != .externalId, let theirs = target.externalId, theirs != desired.externalId {
                return .refused(.identityConflict, "\(path) \(value) matches target user \(target.id), whose externalId \(theirs) belongs to someone else")
            }
            return .matched(candidates[0], on: path)
        }
        if !hadValue {
            let names = matchingPaths.map(\.description).joined(separator: ", ")
            return .refused(.missingMatchingAttribute, "no value for any matching attribute (\(names))")
        }
        return .unmatched
    }
}

/// Target id -> the source id linked to it, inverted from the links when first asked (from any thread).
private final class ManagedBy: Sendable {
    private let links: Links
    private let sources = Mutex<[String: String]?>(nil)

    init(links: Links) {
        self.links = links
    }

    func source(of targetID: String) -> String? {
        sources.withLock { sources in
            if sources == nil {
                let links = links.dictionary
                var inverted: [String: String] = [:]
                inverted.reserveCapacity(links.count)
                for (source, target) in links { inverted[target] = source }
                sources = inverted
            }
            return sources![targetID]
        }
    }
}

/// The indexes a `Matcher` finds target users by: by id, and by the key of each of some paths.
struct TargetIndexes: Sendable {
    /// `nil` when two users share an id, or when not asked for.
    let byID: UserIDIndex?
    let byPath: [SCIMPath: KeyIndex]

    /// Indexes `targets` by the keys of `paths`, and by id when `byID`. The indexes are
    /// independent: built side by side on every core. The users are read in place (through a
    /// buffer: a copy of each would retain and release all its strings).
    init(_ targets: [TargetUser], paths: [SCIMPath], byID: Bool) {
        let built = Mutex<(byID: UserIDIndex?, byPath: [SCIMPath: KeyIndex])>((nil, [:]))
        DispatchQueue.concurrentPerform(iterations: paths.count + (byID ? 1 : 0)) { task in
            targets.withUnsafeBufferPointer { users in
                guard task < paths.count else {
                    var byID = UserIDIndex()
                    for index in users.indices where byID.insert(users[index].id, at: index, of: targets) != nil {
                        return
                    }
                    built.withLock { $0.byID = byID }
                    return
                }
                let path = paths[task]
                let keyDigest = Self.keyDigest(at: path)
                var index = KeyIndex(capacity: users.count)
                for position in users.indices {
                    guard let digest = keyDigest(users.baseAddress! + position) else { continue }
                    index.insert(position, digest: digest)
                }
                index.seal()
                built.withLock { $0.byPath[path] = index }
            }
        }
        (self.byID, byPath) = built.withLock { ($0.byID, $0.byPath) }
    }

    /// The digest of the matching key at `path` of a user in place. userName and externalId, kept
    /// beside the resource, are read where they are (an empty one is none, as
    /// `TargetUser.value(at:)` has it): going through `value(at:)` cost the indexes 40 % more
    /// instructions. The digest is `Matcher.keyDigest`'s.
    private static func keyDigest(at path: SCIMPath) -> (UnsafePointer<TargetUser>) -> UInt64? {
        if path == .userName {
            return { user in user.pointee.userName.isEmpty ? nil : Matcher.keyDigest(user.pointee.userName, for: path) }
        }
        if path == .externalId {
            return { user in
                guard let externalId = user.pointee.externalId, !externalId.isEmpty else { return nil }
                return Matcher.keyDigest(externalId, for: path)
            }
        }
        return { user in user.pointee.value(at: path).flatMap { Matcher.keyDigest($0, for: path) } }
    }
}

/// Positions by the digest of a key: equal keys always share a digest, and the positions of a
/// digest several share (equal keys, or rarely a collision) are kept apart. Callers compare the
/// keys of the positions found, so a collision never joins different keys.
///
/// Each entry is one word, the digest's high bits above the position, appended and then sorted
/// once (`seal`) for binary search: a million keys take 8 MB, where a dictionary of them took
/// 25 MB and hashed every one again. The 36 bits kept of a digest make a collision among a
/// million keys rare, and it costs only a comparison of two keys.
struct KeyIndex {
    private static let positionBits: UInt64 = 28
    private static let positionMask: UInt64 = 1 << positionBits - 1
    /// Positions an index holds: 268 million.
    static let capacityLimit = Int(positionMask) + 1

    private var entries: [UInt64] = []
    private var sealed = true

    init(capacity: Int) {
        entries.reserveCapacity(capacity)
    }

    static func digest(_ key: String) -> UInt64 {
        key.withUTF8Bytes(digest(bytes:))
    }

    /// The digest of a key given as its UTF-8 bytes: `digest(_:)` of the string they spell.
    static func digest(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var digest = Digest64()
        digest.combine(bytes: UnsafeRawBufferPointer(bytes))
        return digest.value
    }

    mutating func insert(_ position: Int, digest: UInt64) {
        precondition(position >= 0 && position < Self.capacityLimit, "KeyIndex holds positions below \(Self.capacityLimit)")
        entries.append(digest & ~Self.positionMask | UInt64(position))
        sealed = false
    }

    /// Sorts what was inserted, for the lookups: done once, after the last insert.
    mutating func seal() {
        guard !sealed else { return }
        Self.radixSort(&entries)
        sealed = true
    }

    /// Sorts `words` in ascending order, 16 bits at a time from the lowest: four passes that each
    /// count and then move every word, where the standard library's merge sort compared a million
    /// words some twenty million times (0.10 s, against about 0.04 s). Short arrays take that sort.
    static func radixSort(_ words: inout [UInt64]) {
        guard words.count > 4_096 else {
            words.sort()
            return
        }
        var scratch = [UInt64](repeating: 0, count: words.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        words.withUnsafeMutableBufferPointer { words in
            scratch.withUnsafeMutableBufferPointer { scratch in
                counts.withUnsafeMutableBufferPointer { counts in
                    var (from, to) = (words, scratch)
                    for shift in stride(from: UInt64(0), to: 64, by: 16) {
                        counts.update(repeating: 0)
                        for word in from { counts[Int(truncatingIfNeeded: word >> shift) & 0xFFFF] += 1 }
                        var start = 0
                        for digit in counts.indices {
                            (counts[digit], start) = (start, start + counts[digit])
                        }
                        for word in from {
                            let digit = Int(truncatingIfNeeded: word >> shift) & 0xFFFF
                            to[counts[digit]] = word
                            counts[digit] += 1
                        }
                        swap(&from, &to)
                    }
                    // Four passes: the sorted words are back in `words`.
                }
            }
        }
    }

    /// The positions inserted with `digest`, in position order.
    func positions(digest: UInt64) -> [Int] {
        precondition(sealed, "KeyIndex looked up before it was sealed")
        let high = digest & ~Self.positionMask
        var low = 0, end = entries.count
        while low < end {
            let middle = (low + end) / 2
            if entries[middle] < high { low = middle + 1 } else { end = middle }
        }
        var found: [Int] = []
        while low < entries.count, entries[low] & ~Self.positionMask == high {
            found.append(Int(entries[low] & Self.positionMask))
            low += 1
        }
        return found
    }

    /// The positions of each digest several were inserted with, in position order, by the
    /// digest's kept bits.
    var sharedDigests: [UInt64: [Int32]] {
        precondition(sealed, "KeyIndex looked up before it was sealed")
        var shared: [UInt64: [Int32]] = [:]
        var start = 0
        while start < entries.count {
            let high = entries[start] & ~Self.positionMask
            var end = start + 1
            while end < entries.count, entries[end] & ~Self.positionMask == high { end += 1 }
            if end - start > 1 { shared[high] = entries[start..<end].map { Int32($0 & Self.positionMask) } }
            start = end
        }
        return shared
    }
}
