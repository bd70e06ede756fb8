import Foundation
import ReconcileKit

/// The safety flags of `--plan`, `--apply`, `--recover` and `--apply-plan`.
struct SafetyOptions {
    var allowDeletions = false
    var allowShrink = false
    var breakLock = false
    /// `--recover`: leave quarantine, clear escrow, run a full cycle.
    var recover = false
    var deletionThreshold: Int?
    var deletionThresholdPercent: Int?
    var notifyCommand: String?

    /// Takes `argument` if it is a safety flag, reading its value with `value`.
    /// - Returns: false when `argument` is not a safety flag.
    static func consume(
        _ argument: String, into options: inout SafetyOptions, value: () throws(UsageError) -> String
    ) throws(UsageError) -> Bool {
        switch argument {
        case "--allow-deletions": options.allowDeletions = true
        case "--allow-shrink": options.allowShrink = true
        case "--break-lock": options.breakLock = true
        case "--notify-command": options.notifyCommand = try value()
        case "--deletion-threshold":
            let text = try value()
            if text.hasSuffix("%"), let percent = Int(text.dropLast()), (0...100).contains(percent) {
                options.deletionThresholdPercent = percent
            } else if let count = Int(text), count >= 0 {
                options.deletionThreshold = count
            } else {
                throw UsageError("--deletion-threshold takes a number of users (500) or a percentage of the managed users (10%), not '\(text)'")
            }
        default:
            return false
        }
        return true
    }

    /// The configuration file's settings with the flags on top.
    func settings(_ configured: SafetySettings) -> SafetySettings {
        var settings = configured
        if let deletionThreshold { settings.deletionThreshold = deletionThreshold }
        if let deletionThresholdPercent { settings.deletionThresholdPercent = deletionThresholdPercent }
        if let notifyCommand { settings.notifyCommand = notifyCommand }
        return settings
    }
}

/// Where `status` and `logs` read the run state: the embedded store, or a live endpoint's state file.
enum StateLocation {
    case store(String)
    case stateFile(String)

    var path: String {
        switch self {
        case .store(let path), .stateFile(let path): return path
        }
    }

    /// The option that names it.
    var flag: String {
        switch self {
        case .store: return "--store"
        case .stateFile: return "--state"
        }
    }

    /// `Store` or `State file`, for a summary line.
    var noun: String {
        switch self {
        case .store: return "Store"
        case .stateFile: return "State file"
        }
    }

    /// Opens the run state; a missing file is an error, never created.
    func open() throws -> RunState {
        switch self {
        case .store(let path): return try SQLiteStore(path: path, create: false).runState
        case .stateFile(let path): return try RunState.open(stateFile: path, create: false)
        }
    }
}

/// `reconcile status (--store DB | --state FILE) [--format text|json]`
struct StatusOptions {
    var location: StateLocation
    var json = false
}

/// `reconcile logs (--store DB | --state FILE) [filters] [--format text|json|csv]`
struct LogsOptions {
    var location: StateLocation
    var query = LogQuery()
    var format = LogFormat.text
}

/// Parsing of the `status` and `logs` subcommands.
struct SubcommandParser: ArgumentReading {
    var arguments: [String]
    private let command: String
    private var location: StateLocation?

    init(_ arguments: [String], command: String) {
        self.arguments = arguments
        self.command = command
    }

    static func status(_ arguments: [String]) throws(UsageError) -> StatusOptions {
        var parser = SubcommandParser(arguments, command: "status")
        var json = false
        while let argument = parser.next() {
            if try parser.location(argument) { continue }
            switch argument {
            case "--format":
                let text = try parser.value(for: argument)
                guard text == "text" || text == "json" else { throw UsageError("--format takes text or json, not '\(text)'") }
                json = text == "json"
            default: throw parser.unknown(argument)
            }
        }
        return StatusOptions(location: try parser.requiredLocation(), json: json)
    }

    static func logs(_ arguments: [String], now: Date = Date()) throws(UsageError) -> LogsOptions {
        var parser = SubcommandParser(arguments, command: "logs")
        var query = LogQuery()
        var format = LogFormat.text
        while let argument = parser.next() {
            if try parser.location(argument) { continue }
            switch argument {
            case "--user": query.user = try parser.value(for: argument)
            case "--run":
                let text = try parser.value(for: argument)
                guard let id = Int64(text), id > 0 else { throw UsageError("--run takes a run number (reconcile status lists them), not '\(text)'") }
                query.runID = id
            case "--status":
                let text = try parser.value(for: argument)
                guard LogQuery.statuses.contains(text) else {
                    throw UsageError("--status takes \(LogQuery.statuses.joined(separator: ", ")), not '\(text)'")
                }
                query.status = text
            case "--action":
                let text = try parser.value(for: argument)
                guard LogQuery.actions.contains(text) else {
                    throw UsageError("--action takes \(LogQuery.actions.joined(separator: ", ")), not '\(text)'")
                }
                query.action = text
            case "--since", "--until":
                let text = try parser.value(for: argument)
                guard let time = LogQuery.time(text, now: now) else {
                    throw UsageError("\(argument) takes a time (2026-03-04T02:30:00Z), a date (2026-03-04) or an age (30m, 12h, 7d), not '\(text)'")
                }
                if argument == "--since" { query.since = time } else { query.until = time }
            case "--limit":
                let text = try parser.value(for: argument)
                guard let limit = Int(text), limit > 0 else { throw UsageError("--limit takes a positive number, not '\(text)'") }
                query.limit = limit
            case "--format":
                let text = try parser.value(for: argument)
                guard let chosen = LogFormat(rawValue: text) else { throw UsageError("--format takes text, json or csv, not '\(text)'") }
                format = chosen
            default: throw parser.unknown(argument)
            }
        }
        return LogsOptions(location: try parser.requiredLocation(), query: query, format: format)
    }


    /// Takes `--store DB` or `--state FILE`.
    private mutating func location(_ argument: String) throws(UsageError) -> Bool {
        let found: StateLocation
        switch argument {
        case "--store": found = .store(try value(for: argument))
        case "--state": found = .stateFile(try value(for: argument))
        default: return false
        }
        guard location == nil else { throw UsageError("give one of --store DB or --state FILE for '\(command)'") }
        location = found
        return true
    }

    private func requiredLocation() throws(UsageError) -> StateLocation {
        guard let location else { throw UsageError("missing --store DB (or --state FILE for a live endpoint) for '\(command)'") }
        return location
    }

    private func unknown(_ argument: String) -> UsageError {
        argument.hasPrefix("-")
            ? UsageError("unknown option '\(argument)' for '\(command)'") : UsageError("unexpected argument '\(argument)'")
    }
}
