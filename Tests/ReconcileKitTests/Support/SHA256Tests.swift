import Testing
@testable import ReconcileKit

/// Both compression functions: the CPU's SHA instructions (where present) and portable C.
let sha256Implementations: [SHA256.Implementation] = [.fastest, .portable]

/// The digest of `message` as lowercase hex, hashed in one piece with `implementation`.
func sha256Hex(_ message: [UInt8], _ implementation: SHA256.Implementation) -> String {
    var hasher = SHA256(implementation: implementation)
    hasher.update(message)
    return SHA256.hex(hasher.finalize())
}

/// Vectors from NIST's "Cryptographic Standards and Guidelines: Examples with Intermediate Values"
/// for FIPS 180-4 SHA-256, and the long-message vector of the original FIPS 180-2 appendix, for
/// each implementation of the compression function.
struct SHA256Tests {
    @Test(arguments: sha256Implementations)
    func hashesEmptyMessage(implementation: SHA256.Implementation) {
        #expect(sha256Hex([], implementation) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(arguments: sha256Implementations)
    func hashesOneBlockMessage(implementation: SHA256.Implementation) {
        var hasher = SHA256(implementation: implementation)
        hasher.update("abc")
        #expect(
            SHA256.hex(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: sha256Implementations)
    func hashesTwoBlockMessage(implementation: SHA256.Implementation) {
        // 448 bits: the padding no longer fits in the first block.
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(message.count == 56)
        #expect(sha256Hex(message, implementation) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test(arguments: sha256Implementations)
    func hashes896BitMessage(implementation: SHA256.Implementation) {
        let message = Array(
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)
        #expect(message.count == 112)
        #expect(sha256Hex(message, implementation) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test(arguments: sha256Implementations)
    func hashesOneMillionLetters(implementation: SHA256.Implementation) {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(sha256Hex(message, implementation) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func defaultHasherIsTheFastestImplementation() {
        var hasher = SHA256()
        hasher.update("abc")
        #expect(
            SHA256.hex(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(of: Array("abc".utf8)) == sha256Hex(Array("abc".utf8), .fastest))
    }

    @Test func incrementalUpdatesAtEveryBoundaryMatchOneShot() {
        // Long enough to cross two block boundaries from any split point.
        let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let expected = SHA256.hexDigest(of: message)
        for split in 0...message.count {
            var hasher = SHA256()
            hasher.update(Array(message[..<split]))
            hasher.update(Array(message[split...]))
            #expect(SHA256.hex(hasher.finalize()) == expected, "split at \(split)")
        }
    }

    @Test func incrementalUpdatesInOddChunksMatchOneShot() {
        let message = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 3) }
        var hasher = SHA256()
        let sizes = [1, 3, 7, 63, 64, 65, 127, 0, 129, 1_000]
        var offset = 0
        var turn = 0
        while offset < message.count {
            let end = min(offset + sizes[turn % sizes.count], message.count)
            message[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            turn += 1
        }
        #expect(SHA256.hex(hasher.finalize()) == SHA256.hexDigest(of: message))
    }

    @Test func stringUpdateHashesUTF8Bytes() {
        let text = "Zoë \u{1F600} \u{0}end"
        var hasher = SHA256()
        hasher.update(text)
        #expect(SHA256.hex(hasher.finalize()) == SHA256.hexDigest(of: Array(text.utf8)))
    }

    @Test(arguments: sha256Implementations)
    func finalizeResetsForNextMessage(implementation: SHA256.Implementation) {
        var hasher = SHA256(implementation: implementation)
        hasher.update("first message")
        _ = hasher.finalize()
        hasher.update("abc")
        #expect(
            SHA256.hex(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hexUsesTwoLowercaseDigitsPerByte() {
        #expect(SHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SHA256.hex([]) == "")
    }
}
