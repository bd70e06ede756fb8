import Foundation
import Testing
@testable import ReconcileKit

/// SplitMix64: a seeded generator, so a failing input can be produced again.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

private func randomBytes(_ count: Int, using generator: inout SeededGenerator) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

/// `message` hashed with `implementation`, fed through `update` in pieces of random sizes (empty
/// ones included) that start at arbitrary, mostly unaligned, offsets.
private func sha256HexInPieces(
    _ message: [UInt8], _ implementation: SHA256.Implementation, maxPiece: Int, using generator: inout SeededGenerator
) -> String {
    var hasher = SHA256(implementation: implementation)
    var offset = 0
    while offset < message.count {
        let end = min(offset + Int.random(in: 0...maxPiece, using: &generator), message.count)
        message[offset..<end].withUnsafeBytes { hasher.update($0) }
        offset = end
    }
    return SHA256.hex(hasher.finalize())
}

/// The CPU-instruction and portable compression functions agree with each other, with one-shot
/// hashing, and with the system's `sha256sum` on every padding case and on long inputs.
struct SHA256CrossCheckTests {
    @Test func everyLengthUpTo300HashesTheSameOnBothImplementationsInAnyPieces() {
        var generator = SeededGenerator(state: 300)
        var message: [UInt8] = []
        for length in 0...300 {
            let expected = sha256Hex(message, .portable)
            #expect(sha256Hex(message, .fastest) == expected, "length \(length)")
            for implementation in sha256Implementations {
                let pieces = sha256HexInPieces(message, implementation, maxPiece: 70, using: &generator)
                #expect(pieces == expected, "length \(length), \(implementation)")
            }
            message.append(UInt8.random(in: 0...255, using: &generator))
        }
    }

    @Test func longRandomInputsHashTheSameOnBothImplementationsInAnyPieces() {
        var generator = SeededGenerator(state: 1_804)
        for length in [4_096, 65_537, 1_000_003] {
            let message = randomBytes(length, using: &generator)
            let expected = sha256Hex(message, .portable)
            #expect(sha256Hex(message, .fastest) == expected, "length \(length)")
            for implementation in sha256Implementations {
                let pieces = sha256HexInPieces(message, implementation, maxPiece: 5_000, using: &generator)
                #expect(pieces == expected, "length \(length), \(implementation)")
            }
        }
    }

    @Test func digestsMatchSystemSHA256Sum() throws {
        var generator = SeededGenerator(state: 256)
        let folder = TestSupport.temporaryFolder()
        let lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 300, 1_000_003]
        var messages: [String: [UInt8]] = [:]
        for length in lengths {
            let path = folder + "/message-\(length)"
            let message = randomBytes(length, using: &generator)
            try Data(message).write(to: URL(fileURLWithPath: path))
            messages[path] = message
        }

        let run = try TestSupport.run(lengths.map { folder + "/message-\($0)" }, executable: "/usr/bin/sha256sum")
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == lengths.count)
        for line in lines {
            // "<64 hex digits>  <path>"
            let digest = String(line.prefix(64))
            let path = String(line.dropFirst(66))
            let message = try #require(messages[path], "unexpected line \(line)")
            #expect(sha256Hex(message, .fastest) == digest, "\(path)")
            #expect(sha256Hex(message, .portable) == digest, "\(path)")
        }
    }

    @Test func fastestUsesSHAInstructionsExactlyWhenTheCPUHasThem() throws {
        #if arch(x86_64) && os(Linux)
        // The kernel lists the CPUID features it found; the dispatch needs all three.
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let hasExtensions = flags.isSuperset(of: ["sha_ni", "sse4_1", "ssse3"])
        #expect(SHA256.isAccelerated == hasExtensions)
        #else
        #expect(!SHA256.isAccelerated)
        #endif
    }
}
