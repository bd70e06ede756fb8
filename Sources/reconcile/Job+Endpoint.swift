import Foundation
import ReconcileKit

/// The commands for a live SCIM endpoint: `check`, and `--apply-plan` to `--target`.
extension Job {
    /// `reconcile check`: Entra's Test Connection against an endpoint, or opening the embedded store.
    static func check(_ target: CheckTarget) throws -> ExitCode {
        switch target {
        case .store(let path):
            let store = try SQLiteStore(path: path, create: false)
            try store.probe()
            let users = try store.users().count, links = try store.links().count
            print("OK: \(path) is a reconcile store holding \(users) user\(users == 1 ? "" : "s") (\(links) managed by this job).")
        case .endpoint(let options):
            let report: ConnectionCheck
            do {
                report = try ConnectionCheck.run(try options.client(retry: RetryPolicy(maxAttempts: 2, budget: 10)), authentication: options.authentication)
            } catch {
                printError("check failed: \(error)")
                return .failure
            }
            print(report.text, terminator: "")
        }
        return .success
    }

    /// `--apply-plan FILE --target URL ... --state FILE`: through the same guards as a run, and
    /// refused (exit 6) when the endpoint's users or this job's links changed since the plan.
    static func applyPlan(_ file: String, endpoint: EndpointOptions, options: RunOptions) throws -> ExitCode {
        let plan = try loadPlan(file)
        let configuration = try options.config.map { path throws(ConfigurationError) in try Configuration.load(path: path) } ?? Configuration()
        guard plan.target.kind == "scim" else {
            throw ApplyError.wrongTarget(planned: "a \(plan.target.kind) target", given: "the endpoint \(endpoint.url)")
        }
        let (target, _) = try endpoint.open(mapping: configuration.mapping, create: true)
        guard plan.target.location == target.location else {
            throw ApplyError.wrongTarget(planned: "the endpoint \(plan.target.location)", given: "the endpoint \(target.location)")
        }
        let settings = options.safety.settings(configuration.safety)
        RunNotification.command = settings.notifyCommand
        return try guarded(
            target: target, state: target.runState, input: .reviewed(plan), mode: .applyPlan, safety: options.safety,
            settings: settings, show: { _ in }, progress: try ProgressOutput.start(options.progress))
    }

    /// Reads a plan file.
    static func loadPlan(_ file: String) throws -> Plan {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PlanFileError.unreadable(file: file, reason: "no such file, or it cannot be opened")
        }
        let document: JSONValue
        do {
            document = try data.withUnsafeBytes { buffer throws(JSONError) in try JSONReader.parse(buffer) }
        } catch var error as JSONError {
            error.file = file
            throw PlanFileError.unreadable(file: file, reason: "not valid JSON: \(error)")
        }
        return try Plan(json: document, file: file)
    }
}

/// What `reconcile check` checks.
enum CheckTarget {
    case store(String)
    case endpoint(EndpointOptions)
}
