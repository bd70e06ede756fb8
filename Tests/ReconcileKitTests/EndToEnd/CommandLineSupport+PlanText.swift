import Foundation
import Testing
@testable import ReconcileKit

/// Reading plan text that names stored users: their ids (random per store) are looked up, and a row
/// whose column padding depends on its neighbours is found by pattern.
extension CommandLineSupport {
    /// The id of the stored user `userName`, as the text plan's target id column shows it.
    static func targetID(of userName: String, in store: String) throws -> String {
        try #require(try users(of: store).first { $0.userName == userName }?.id, "no user \(userName) in \(store)")
    }

    /// Whether `text` holds `row` (a user's row and the lines under it), where each run of two or
    /// more spaces after a word in `row` stands for the padding of an aligned column (two or more).
    static func containsRow(_ text: String, _ row: String) -> Bool {
        let pattern = NSRegularExpression.escapedPattern(for: row)
            .replacingOccurrences(of: #"(?<=\S)  +"#, with: " {2,}", options: .regularExpression)
        return text.range(of: pattern, options: .regularExpression) != nil
    }
}
