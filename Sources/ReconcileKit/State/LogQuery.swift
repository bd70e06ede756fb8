import Foundation

/// One provisioning log record as `reconcile logs` shows it (Graph's provisioningObjectSummary in
/// spirit, entra-provisioning.md §8).
public struct LogRecord: Sendable, Equatable {
    public var runID: Int64
    /// Unique per record; joins the record to its modified properties in other tools.
    public var changeID: String
    public var time: String
    /// `create`, `update`, `link`, `disable`, `delete`, `staged`, `skip` or `noChange`.
    public var action: String
    /// `success`, `failure` or `skipped`.
    public var status: String
    public var sourceID: String?
    public var targetID: String?
    public var userName: String?
    /// The modified properties: `{"attribute", "old", "new"}` objects.
    public var changes: [JSONValue]
    public var errorCode: String?
    public var reason: String?
    public var durationMS: Double?
}

/// A filtered read of the provisioning log (`reconcile logs`), oldest record first.
public struct LogQuery: Sendable, Equatable {
    /// A userName (case-insensitive), source id or target id.
    public var user: String?
    public var runID: Int64?
    public var status: String?
    public var action: String?
    /// Records at or after this time (RFC 3339, as the log stores it).
    public var since: String?
    /// Records before this time.
    public var until: String?
    /// Only the newest `limit` records (still printed oldest first).
    public var limit: Int?

    /// A query for every record.
    public init() {}

    /// The statuses and actions the log holds, for checking filters.
    public static let statuses = ["success", "failure", "skipped"]
    public static let actions = ["create", "update", "link", "disable", "delete", "staged", "skip", "noChange"]

    /// Runs the query against a store or state file.
    public func records(in state: RunState) throws -> [LogRecord] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let user {
            conditions.append("(user_name = ? COLLATE NOCASE OR source_id = ? OR target_id = ?)")
            values += [.text(user), .text(user), .text(user)]
        }
        if let runID { conditions.append("run_id = ?"); values.append(.integer(runID)) }
        if let status { conditions.append("status = ?"); values.append(.text(status)) }
        if let action { conditions.append("action = ?"); values.append(.text(action)) }
        if let since { conditions.append("time >= ?"); values.append(.text(since)) }
        if let until { conditions.append("time < ?"); values.append(.text(until)) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = """
            SELECT run_id, change_id, time, action, status, source_id, target_id, user_name, changes, error_code, reason,
                duration_ms, id
            FROM provisioning_log \(filter) ORDER BY id DESC
            """
        if let limit { sql += " LIMIT ?"; values.append(.integer(Int64(limit))) }
        let statement = try state.database.prepare(sql)
        try statement.bind(values)
        var records: [LogRecord] = []
        while try statement.step() {
            let changes = statement.optionalText(8).flatMap { try? JSONReader.parse($0) }?.arrayValue ?? []
            records.append(LogRecord(
                runID: statement.int64(0), changeID: statement.text(1), time: statement.text(2), action: statement.text(3),
                status: statement.text(4), sourceID: statement.optionalText(5), targetID: statement.optionalText(6),
                userName: statement.optionalText(7), changes: changes, errorCode: statement.optionalText(9),
                reason: statement.optionalText(10), durationMS: statement.isNull(11) ? nil : statement.double(11)))
        }
        statement.reset()
        return records.reversed()
    }

    /// Reads a `--since`/`--until` value: an RFC 3339 time or date, or an age (`30m`, `12h`, `7d`)
    /// counted back from `now`. Returns the log's timestamp form, or `nil` when it cannot be read.
    public static func time(_ text: String, now: Date) -> String? {
        if let date = Timestamp.parse(text) { return Timestamp.format(date) }
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86400
        default: return nil
        }
        return Timestamp.format(now.addingTimeInterval(-Double(amount) * seconds))
    }
}
