import Foundation
import ReconcileKit

/// Exit codes (DESIGN §3).
enum ExitCode: Int32 {
    case success = 0
    case failure = 1
    case changes = 2
    case partial = 5
    case stalePlan = 6
    case usage = 64
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("reconcile: \(message)\n".utf8))
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
            print(Help.text(for: topic), terminator: "")
            return .success
        case .export(let store):
            let opened = try SQLiteStore(path: store, create: false)
            print(try opened.exportListResponse(), terminator: "")
            return .success
        case .run(let options):
            return try Job.run(options)
        case .applyPlan(let planFile, let store):
            return try Job.applyPlan(planFile, store: store)
        }
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
