import Foundation

/// How `reconcile logs` writes provisioning log records.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One line per record, then its modified properties and error, for reading.
    case text
    /// A JSON array of objects with sorted keys, for scripts.
    case json
    /// RFC 4180 CSV with a header row, for spreadsheets; formula-like cells are neutralised.
    case csv

    /// `records` in this format, ending with a newline.
    public func write(_ records: [LogRecord]) -> String {
        switch self {
        case .text: return LogRecord.text(records)
        case .json: return JSONWriter.write(.array(records.map(\.json)), pretty: true) + "\n"
        case .csv: return LogRecord.csv(records)
        }
    }
}

extension LogRecord {
    /// The record as a JSON object (Graph-like names: `modifiedProperties`, `durationMs`).
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "runId": .number(String(runID)), "changeId": .string(changeID), "time": .string(time),
            "action": .string(action), "status": .string(status), "modifiedProperties": .array(changes),
        ]
        members["sourceId"] = sourceID.map(JSONValue.string) ?? .null
        members["targetId"] = targetID.map(JSONValue.string) ?? .null
        members["userName"] = userName.map(JSONValue.string) ?? .null
        members["errorCode"] = errorCode.map(JSONValue.string) ?? .null
        members["reason"] = reason.map(JSONValue.string) ?? .null
        members["durationMs"] = durationMS.map { .number(Self.milliseconds($0)) } ?? .null
        return .object(members)
    }

    /// `attribute: old -> new` for each modified property, values as JSON.
    var changeTexts: [String] {
        changes.map { change in
            let attribute = change["attribute"]?.stringValue ?? "?"
            let old = change["old"].map { JSONWriter.write($0) } ?? "null"
            let new = change["new"].map { JSONWriter.write($0) } ?? "null"
            return "\(attribute): \(old) -> \(new)"
        }
    }

    static func milliseconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    // MARK: - Text

    static func text(_ records: [LogRecord]) -> String {
        guard !records.isEmpty else { return "No provisioning log records match.\n" }
        let actionWidth = records.map(\.action.count).max() ?? 0
        let statusWidth = records.map(\.status.count).max() ?? 0
        var lines: [String] = []
        for record in records {
            var line = "\(record.time)  run \(record.runID)  \(record.action.padding(actionWidth))  "
                + "\(record.status.padding(statusWidth))  \(record.userName ?? "-")"
            var ids: [String] = []
            if let source = record.sourceID { ids.append("source \(source)") }
            if let target = record.targetID { ids.append("target \(target)") }
            if !ids.isEmpty { line += "  (\(ids.joined(separator: ", ")))" }
            lines.append(line)
            for change in record.changeTexts { lines.append("    \(change)") }
            if let code = record.errorCode {
                lines.append("    \(record.status == "failure" ? "error" : "why") \(code): \(record.reason ?? "")")
            } else if let reason = record.reason {
                lines.append("    why: \(reason)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - CSV

    static let csvHeader = [
        "time", "runId", "changeId", "action", "status", "userName", "sourceId", "targetId", "modifiedProperties",
        "errorCode", "reason", "durationMs",
    ]

    static func csv(_ records: [LogRecord]) -> String {
        var rows = [csvHeader]
        for record in records {
            rows.append([
                record.time, String(record.runID), record.changeID, record.action, record.status, record.userName ?? "",
                record.sourceID ?? "", record.targetID ?? "", record.changeTexts.joined(separator: "; "),
                record.errorCode ?? "", record.reason ?? "", record.durationMS.map(milliseconds) ?? "",
            ])
        }
        return rows.map { $0.map(csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV cell: a value a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`,
    /// a tab or a carriage return) gets a leading `'`, which shows it as text (OWASP "CSV
    /// Injection"); then RFC 4180 quoting where needed.
    static func csvCell(_ value: String) -> String {
        var cell = value
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            cell = "'" + cell
        }
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            cell = "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return cell
    }
}
