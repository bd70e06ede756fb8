import CSHA256

/// The SHA-256 hash function (FIPS 180-4 §6.2), fed incrementally.
///
/// Foundation on Linux has no CryptoKit, and the package takes no dependencies, so this is its own
/// implementation: whole 64-byte blocks are compressed straight from the caller's memory and only a
/// trailing partial block is copied. The compression function is C (the `CSHA256` target), which
/// runs on the CPU's SHA instructions where it has them: every run hashes the whole export.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update("abc")
/// SHA256.hex(hasher.finalize())  // "ba7816bf..."
/// ```
public struct SHA256: Sendable {
    private typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the
    /// first 8 primes.
    private static let initialState: State = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )

    /// Which compression function runs: the tests hash with both and compare.
    enum Implementation: Sendable {
        /// The CPU's SHA instructions if it has them, else portable C.
        case fastest
        /// Portable C whatever the CPU.
        case portable
    }

    /// Whether `.fastest` runs on CPU SHA instructions on this machine.
    static var isAccelerated: Bool { csha256_accelerated() != 0 }

    private let implementation: Implementation
    private var state: State = SHA256.initialState
    /// The bytes of an incomplete block, waiting for more input; a tuple so it lives inline.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var messageLength: UInt64 = 0

    /// A hasher with no input yet.
    public init() {
        implementation = .fastest
    }

    /// A hasher with no input yet that compresses with `implementation`.
    init(implementation: Implementation) {
        self.implementation = implementation
    }

    // MARK: - Input

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        messageLength &+= UInt64(remaining)

        if pendingCount > 0 {
            let taken = min(64 - pendingCount, remaining)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { buffer in
                (buffer.baseAddress! + offset).copyMemory(from: input, byteCount: taken)
            }
            pendingCount += taken
            input += taken
            remaining -= taken
            guard pendingCount == 64 else { return }
            // Copied out so the block and the state are not both accessed through `self` at once.
            var block = pending
            withUnsafeBytes(of: &block) { compress(blocks: $0.baseAddress!, count: 1) }
            pendingCount = 0
        }

        let wholeBlocks = remaining / 64
        if wholeBlocks > 0 {
            compress(blocks: input, count: wholeBlocks)
            input += wholeBlocks * 64
            remaining -= wholeBlocks * 64
        }

        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Appends the UTF-8 encoding of `string` to the message.
    public mutating func update(_ string: String) {
        string.withUTF8Bytes { update(UnsafeRawBufferPointer($0)) }
    }

    // MARK: - Output

    /// Pads the message (FIPS 180-4 §5.1.1) and returns its 32-byte digest.
    ///
    /// The hasher is then reset, ready for a new message.
    public mutating func finalize() -> [UInt8] {
        let bitLength = messageLength &* 8
        // 0x80, zeros, then the 64-bit big-endian bit length, ending on a block boundary.
        var padding = [UInt8](repeating: 0, count: pendingCount < 56 ? 64 - pendingCount : 128 - pendingCount)
        padding[0] = 0x80
        for byte in 0..<8 {
            padding[padding.count - 1 - byte] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(byte)))
        }
        update(padding)
        assert(pendingCount == 0)

        var digest = [UInt8]()
        digest.reserveCapacity(32)
        let (h0, h1, h2, h3, h4, h5, h6, h7) = state
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            withUnsafeBytes(of: word.bigEndian) { digest.append(contentsOf: $0) }
        }
        self = SHA256(implementation: implementation)
        return digest
    }

    /// `bytes` as lowercase hexadecimal, two digits per byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The SHA-256 digest of `bytes` as lowercase hexadecimal.
    public static func hexDigest(of bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    // MARK: - Compression

    /// Runs the compression function (FIPS 180-4 §6.2.2) over `count` consecutive 64-byte blocks.
    private mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        let implementation = implementation
        withUnsafeMutablePointer(to: &state) { tuple in
            tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { words in
                switch implementation {
                case .fastest: csha256_compress(words, blocks, count)
                case .portable: csha256_compress_portable(words, blocks, count)
                }
            }
        }
    }
}
