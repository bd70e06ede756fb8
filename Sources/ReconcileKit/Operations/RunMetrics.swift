import Foundation

/// A run's figures in Prometheus text format (exposition format 0.0.4), for node_exporter's
/// textfile collector: `--metrics-file /var/lib/node_exporter/textfile/reconcile.prom`.
public struct RunMetrics: Sendable, Equatable {
    /// Actions by kind (`create`, `update`, ...) and status (`success`, `failure`, `skipped`, `staged`, `planned`).
    public var actions: [ActionKey: Int] = [:]
    public var durationSeconds: Double = 0
    public var usersInSnapshot = 0
    public var usersInScope = 0
    public var managedUsers = 0
    public var quarantined = false
    /// The outcome of this run (`success`, `partial`, `failed`, `planned`, ...).
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
        family("users_in_snapshot", "gauge", "Users in the exported snapshot.", [("", String(usersInSnapshot))])
        family("users_in_scope", "gauge", "Snapshot users in scope.", [("", String(usersInScope))])
        family("managed_users", "gauge", "Target users this job manages (created or matched).", [("", String(managedUsers))])
        family("quarantined", "gauge", "1 while the job is quarantined.", [("", quarantined ? "1" : "0")])
        family("last_run_timestamp_seconds", "gauge", "Unix time the last run ended.", [("", Self.number(finishedAt))])
        if let lastSuccess {
            family("last_success_timestamp_seconds", "gauge", "Unix time of the last successful run.", [("", Self.number(lastSuccess))])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the metrics to `path` atomically (a temporary file renamed over it), so the collector
    /// never reads half a file.
    public func write(to path: String) throws {
        try Data(prometheusText.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
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
