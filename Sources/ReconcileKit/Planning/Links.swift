import Synchronization

/// Source id -> target id for every user this job manages (`Planner.TargetState.links`), made
/// into a dictionary when first asked for. The embedded store reads its links for a snapshot
/// (`SnapshotLinks`), where a night's plan finds them by snapshot position: hashing a million
/// source ids into a dictionary, and retaining both strings of each link, took the thread reading
/// the links about a third of a second, and the plan seldom needs them.
final class Links: Sendable {
    private let made: Mutex<[String: String]?>
    private let make: @Sendable () -> [String: String]

    /// Links given as a dictionary.
    init(_ dictionary: [String: String]) {
        made = Mutex(dictionary)
        make = { [:] }
    }

    /// Links that `make` gives when first asked for.
    init(making make: @escaping @Sendable () -> [String: String]) {
        made = Mutex(nil)
        self.make = make
    }

    /// The links, made now if they were not yet.
    var dictionary: [String: String] {
        made.withLock { made in
            if made == nil { made = make() }
            return made!
        }
    }

    /// The links if they are made already; `nil` while they wait for `dictionary`.
    var madeDictionary: [String: String]? {
        made.withLock { $0 }
    }
}
