import Foundation
import Testing
@testable import ReconcileKit

/// Random words read from the system in blocks (`RandomPool`), and the log records' change ids made from them.
@Test func changeIDsAreLowercaseRandomUUIDsEachItsOwnAcrossBlocks() {
    var pool = RandomPool()
    // Two words per id: four blocks and a half.
    let ids = (0..<(RandomPool.blockSize * 9 / 4)).map { _ in pool.uuid() }
    #expect(Set(ids).count == ids.count)
    for id in ids {
        #expect(id.count == 36)
        #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
        let characters = Array(id)
        #expect(characters[14] == "4")  // version
        #expect("89ab".contains(characters[19]))  // RFC 9562 variant
    }
}

@Test func randomWordsDifferFromBlockToBlock() {
    var pool = RandomPool()
    let words = (0..<(RandomPool.blockSize * 3)).map { _ in pool.next() }
    #expect(Set(words).count == words.count)
    let blocks = stride(from: 0, to: words.count, by: RandomPool.blockSize).map { Array(words[$0..<$0 + RandomPool.blockSize]) }
    #expect(Set(blocks.map { $0.reduce(0, ^) }).count == 3)
}
