import Foundation

/// Random 64-bit words from the operating system's generator, read a few kilobytes at a time.
///
/// `SystemRandomNumberGenerator` makes one system call per word, and Foundation's `UUID()` opens,
/// reads and closes `/dev/urandom` for each id: a first load of a million users, which makes a user
/// id and a log record id per create, spent four system calls on each. Read here in blocks of 512
/// words, the words are the same kind of random (the kernel's generator); only the calls are fewer.
struct RandomPool: RandomNumberGenerator {
    private var words: [UInt64] = []
    private var used = 0
    /// Words per read from the system.
    static let blockSize = 512

    mutating func next() -> UInt64 {
        if used == words.count { refill() }
        defer { used += 1 }
        return words[used]
    }

    /// A random (version 4, RFC 9562 §5.4) UUID, lowercase: what `UUID().uuidString.lowercased()` makes.
    mutating func uuid() -> String {
        let high = (next() & ~0xF000) | 0x4000
        let low = (next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return TimeOrderedID.format(high, low)
    }

    private mutating func refill() {
        words = [UInt64](repeating: 0, count: Self.blockSize)
        used = 0
        if let file = FileHandle(forReadingAtPath: "/dev/urandom") {
            defer { try? file.close() }
            if let data = try? file.read(upToCount: Self.blockSize * 8), data.count == Self.blockSize * 8 {
                words.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }
                return
            }
        }
        // No /dev/urandom (a chroot, say): a system call per word, as before.
        var system = SystemRandomNumberGenerator()
        for index in words.indices { words[index] = system.next() }
    }
}
