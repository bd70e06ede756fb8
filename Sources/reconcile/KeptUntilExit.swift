import Synchronization

/// Values a run holds to its end and then drops, kept instead until the process exits: `exit`
/// frees a million users' strings and arrays all at once, where releasing them one by one took
/// a second or two of a nightly run for nothing.
enum KeptUntilExit {
    private static let values = Mutex<[any Sendable]>([])

    static func keep(_ value: any Sendable) {
        values.withLock { $0.append(value) }
    }
}
