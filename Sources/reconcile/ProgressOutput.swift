import Foundation
import ReconcileKit

/// The run's progress on stderr, as `--progress` and the terminal choose (`ProgressReporter`).
enum ProgressOutput {
    // One run per process: set when the run starts, so a diagnostic printed mid-stage erases the bar first.
    nonisolated(unsafe) static var reporter: ProgressReporter?

    /// Makes this run's reporter (nil for `--progress none`) and routes `printError` through it.
    /// - Throws: `ProgressError` when RECONCILE_PROGRESS_INTERVAL is not a number of seconds.
    static func start(_ mode: ProgressMode) throws -> ProgressReporter? {
        reporter = try ProgressReporter.standardError(mode: mode, environment: ProcessInfo.processInfo.environment)
        return reporter
    }
}
