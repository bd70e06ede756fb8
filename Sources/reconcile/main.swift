import Foundation
import ReconcileKit

/// Exit codes (DESIGN §3).
enum ExitCode: Int32 {
    case success = 0
    case failure = 1
    case changes = 2
    case thresholdExceeded = 3
    case quarantined = 4
    case partial = 5
    case stalePlan = 6
    case usage = 64
}

func printError(_ message: String) {
    if let progress = ProgressOutput.reporter {
        progress.note("reconcile: \(message)\n")
    } else {
        FileHandle.standardError.write(Data("reconcile: \(message)\n".utf8))
    }
}

func run() -> ExitCode {
    let command: Command
    do {
        command = try ArgumentParser.parse(Array(CommandLine.arguments.dropFirst()))
    } catch {
        printError(error.description)
        return .usage
    }
    do {
        switch command {
        case .help(let topic):
            // The parser only lets known topics through.
            print(Help.text(for: topic) ?? Help.main, terminator: "")
            return .success
        case .export(let store):
            let opened = try SQLiteStore(path: store, create: false)
            print(try opened.exportListResponse(), terminator: "")
            return .success
        case .run(let options) where options.mode == .apply:
            let location = options.stateLocation
            return RunNotification.around(CommandLine.arguments, location: location, notify: options.safety.notifyCommand) {
                try Job.recordingMetrics(to: options.metricsFile, location: location, planning: false) { try Job.run(options) }
            }
        case .run(let options):
            return try Job.recordingMetrics(to: options.metricsFile, location: options.stateLocation, planning: true) { try Job.run(options) }
        case .applyPlan(let planFile, let store, let options):
            return RunNotification.around(CommandLine.arguments, location: .store(store), notify: options.safety.notifyCommand) {
                try Job.recordingMetrics(to: options.metricsFile, location: .store(store), planning: false) {
                    try Job.applyPlan(planFile, store: store, options: options)
                }
            }
        case .mapping(let config, let format):
            return try Job.mapping(config: config, format: format)
        case .status(let options):
            return try Job.status(options)
        case .logs(let options):
            return try Job.logs(options)
        case .check(let target):
            return try Job.check(target)
        case .explain(let options):
            return try Job.explain(options)
        case .applyPlanToEndpoint(let planFile, let endpoint, let options):
            return RunNotification.around(CommandLine.arguments, location: .stateFile(endpoint.state ?? ""), notify: options.safety.notifyCommand) {
                try Job.recordingMetrics(to: options.metricsFile, location: .stateFile(endpoint.state ?? ""), planning: false) {
                    try Job.applyPlan(planFile, endpoint: endpoint, options: options)
                }
            }
        }
    } catch let error as SafetyError {
        printError(error.description)
        return ExitCode(stoppedBy: error)
    } catch let error as ApplyError {
        printError(error.description)
        if case .stalePlan = error { return .stalePlan }
        return .failure
    } catch {
        printError("\(error)")
        return .failure
    }
}

exit(run().rawValue)
