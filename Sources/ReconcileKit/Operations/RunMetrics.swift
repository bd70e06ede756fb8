import Foundation

/// A run's figures in Prometheus text format (exposition format 0.0.4), for node_exporter's
/// textfile collector: `--metrics-file /var/lib/node_exporter/textfile/reconcile.prom`.
///
/// A figure the run never learnt (the users in scope of a run refused before planning, the run state
/// of a store that cannot be opened) is `nil` and left out of the text rather than written as 0.
public struct RunMetrics: Sendable, Equatable {
    /// Actions by kind (`create`, `update`, ...) and status (`success`, `failure`, `skipped`, `staged`, `planned`).
    public var actions: [ActionKey: Int] = [:]
    public var durationSeconds: Double = 0
    public var usersInSnapshot: Int?
    public var usersInScope: Int?
    public var managedUsers: Int?
    public var quarantined: Bool?
    /// The outcome of this run: `planned`, `success`, `partial`, `held`, `quarantined`, `locked`,
    /// `refused`, `stale` or `failed` (`RunMetrics+Run.swift`).
    public var outcome = "success"
    /// Unix time of the last successful run (this one when it succeeded), if any.
    public var lastSuccess: Double?
    /// Unix time this run ended.
    public var finishedAt: Double = Date().timeIntervalSince1970

    public struct ActionKey: Hashable, Sendable, Comparable {
        public let action: String
        public let status: String

        public init(action: String, status: String) {
            self.action = action
            self.status = status
        }

        public static func < (a: ActionKey, b: ActionKey) -> Bool {
            (a.action, a.status) < (b.action, b.status)
        }
    }

    public init() {}

    /// The metrics in Prometheus text format, families and samples in a stable order.
    public var prometheusText: String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP reconcile_\(name) \(help)")
            lines.append("# TYPE reconcile_\(name) \(type)")
            for (labels, value) in samples { lines.append("reconcile_\(name)\(labels) \(value)") }
        }
        let actionSamples = actions.keys.sorted().map { key in
            ("{action=\"\(Self.escape(key.action))\",status=\"\(Self.escape(key.status))\"}", String(actions[key]!))
        }
        family("actions", "gauge", "Actions of the last run by kind and status.", actionSamples)
        family("run_duration_seconds", "gauge", "Wall time of the last run.", [("", Self.number(durationSeconds))])
        family("run_success", "gauge", "1 when the last run succeeded (nothing failed), else 0.",
               [("", outcome == "success" || outcome == "planned" ? "1" : "0")])
        family("run_outcome", "gauge", "The last run's outcome as a label.", [("{outcome=\"\(Self.escape(outcome))\"}", "1")])
        if let usersInSnapshot {
            family("users_in_snapshot", "gauge", "Users in the exported snapshot.", [("", String(usersInSnapshot))])
        }
        if let usersInScope {
            family("users_in_scope", "gauge", "Snapshot users in scope.", [("", String(usersInScope))])
        }
        if let managedUsers {
            family("managed_users", "gauge", "Target users this job manages (created or matched).", [("", String(managedUsers))])
        }
        if let quarantined {
            family("quarantined", "gauge", "1 while the job is quarantined.", [("", quarantined ? "1" : "0")])
        }
        family("last_run_timestamp_seconds", "gauge", "Unix time the last run ended.", [("", Self.number(finishedAt))])
        if let lastSuccess {
            family("last_success_timestamp_seconds", "gauge", "Unix time of the last successful run.", [("", Self.number(lastSuccess))])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the metrics to `path` atomically, so the collector never reads half a file: a temporary
    /// file in the same folder (hidden, and not ending in `.prom`, so the collector skips it), mode
    /// 0644 whatever the umask (the collector runs as another user), renamed over `path`. On any
    /// failure the temporary file is removed again.
    /// - Throws: `MetricsFileError` naming the file and the step that failed.
    public func write(to path: String) throws(MetricsFileError) {
        try writeReplacing(path, with: Array(prometheusText.utf8))
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
    }

    /// Label values escape backslash, double quote and newline (exposition format).
    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// The metrics file could not be written. The run's own outcome and exit code stay as they were.
public struct MetricsFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// What failed: `create the temporary file .reconcile.prom.tmp-42`, `rename ...`.
    public let step: String
    public let reason: String

    public var description: String {
        "cannot write the metrics file \(path): \(step) failed: \(reason); check that its folder exists and this user may "
            + "write there (the run itself is not affected)"
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path` (see `RunMetrics.write`).
private func writeReplacing(_ path: String, with bytes: [UInt8]) throws(MetricsFileError) {
    let url = URL(fileURLWithPath: path)
    let name = ".\(url.lastPathComponent).tmp-\(getpid())"
    let temporary = url.deletingLastPathComponent().appendingPathComponent(name).path
    func failure(_ step: String) -> MetricsFileError {
        MetricsFileError(path: path, step: step, reason: String(cString: strerror(errno)))
    }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure("create the temporary file \(name)") }
    var renamed = false
    defer { if !renamed { unlink(temporary) } }
    var closed = false
    defer { if !closed { close(descriptor) } }
    // open's mode is filtered by the umask; the collector, another user, must be able to read the file.
    guard fchmod(descriptor, 0o644) == 0 else { throw failure("set mode 0644 on \(name)") }
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress! + offset, bytes.count - offset) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw failure("write \(name)") }
        offset += count
    }
    closed = true
    guard close(descriptor) == 0 else { throw failure("close \(name)") }
    guard rename(temporary, path) == 0 else { throw failure("rename \(name) to \(url.lastPathComponent)") }
    renamed = true
}
