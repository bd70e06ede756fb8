/// A command line that cannot be run as given (exit 64).
struct UsageError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { "\(message)\nRun 'reconcile --help' for usage." }
}
