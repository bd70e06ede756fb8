import Foundation
import ReconcileKit

/// `--target URL` and what goes with it: a live SCIM endpoint in place of the embedded store.
struct EndpointOptions {
    var url = ""
    var tokenFile: String?
    var tokenEnv: String?
    var tokenEndpoint: String?
    var clientID: String?
    var clientSecretFile: String?
    var clientSecretEnv: String?
    var scope: String?
    /// The local state file: links, runs, provisioning log.
    var state: String?
    var maxInFlight = SCIMTarget.defaultMaxInFlight
    var bulk = true
    var timeout = 60.0

    /// Options that would put a secret on the command line, where every user can read it (`ps`).
    private static let refusedSecrets = ["--token", "--bearer-token", "--client-secret", "--secret"]

    /// Takes `argument` if it is an endpoint option, reading its value with `value`.
    /// - Returns: false when `argument` is not an endpoint option.
    static func consume(
        _ argument: String, into options: inout EndpointOptions?, value: () throws(UsageError) -> String
    ) throws(UsageError) -> Bool {
        var endpoint = options ?? EndpointOptions()
        switch argument {
        case "--target": endpoint.url = try value()
        case "--token-file": endpoint.tokenFile = try value()
        case "--token-env": endpoint.tokenEnv = try value()
        case "--token-endpoint": endpoint.tokenEndpoint = try value()
        case "--client-id": endpoint.clientID = try value()
        case "--client-secret-file": endpoint.clientSecretFile = try value()
        case "--client-secret-env": endpoint.clientSecretEnv = try value()
        case "--scope": endpoint.scope = try value()
        case "--state": endpoint.state = try value()
        case "--no-bulk": endpoint.bulk = false
        case "--max-in-flight":
            let text = try value()
            guard let number = Int(text), (1...64).contains(number) else {
                throw UsageError("--max-in-flight takes a number from 1 to 64, not '\(text)'")
            }
            endpoint.maxInFlight = number
        case "--timeout":
            let text = try value()
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw UsageError("--timeout takes seconds (more than 0, at most 3600), not '\(text)'")
            }
            endpoint.timeout = seconds
        case _ where refusedSecrets.contains(argument.split(separator: "=").first.map(String.init) ?? argument):
            throw UsageError("secrets are not taken on the command line (other users can read it in the process list): "
                + "put it in a file (--token-file, --client-secret-file) or an environment variable (--token-env, --client-secret-env)")
        default:
            return false
        }
        options = endpoint
        return true
    }

    /// Checks the combination: a URL, exactly one way to authenticate, and a state file when `needsState`.
    func validated(needsState: Bool) throws(UsageError) -> EndpointOptions {
        guard !url.isEmpty else { throw UsageError("the endpoint options need --target URL") }
        let bearer = [tokenFile, tokenEnv].compactMap { $0 }
        let oauth = tokenEndpoint != nil || clientID != nil || clientSecretFile != nil || clientSecretEnv != nil || scope != nil
        if bearer.count > 1 { throw UsageError("--token-file and --token-env cannot be combined: choose one") }
        if !bearer.isEmpty && oauth {
            throw UsageError("give either a bearer token (--token-file/--token-env) or client credentials (--token-endpoint ...), not both")
        }
        if oauth {
            guard tokenEndpoint != nil, clientID != nil else {
                throw UsageError("client credentials need --token-endpoint URL, --client-id ID and --client-secret-file F (or --client-secret-env NAME)")
            }
            guard (clientSecretFile == nil) != (clientSecretEnv == nil) else {
                throw UsageError("client credentials need exactly one of --client-secret-file F or --client-secret-env NAME")
            }
        } else if bearer.isEmpty {
            throw UsageError("--target needs credentials: --token-file F or --token-env NAME, "
                + "or --token-endpoint URL --client-id ID --client-secret-file F")
        }
        if needsState && state == nil {
            throw UsageError("--target needs --state FILE: the local file that keeps this job's links, runs and provisioning log")
        }
        return self
    }

    /// How the credentials are given, for `reconcile check` (never the secret itself).
    var authentication: String {
        if let tokenFile { return "bearer token from \(tokenFile)" }
        if let tokenEnv { return "bearer token from $\(tokenEnv)" }
        return "OAuth 2.0 client credentials for \(clientID ?? "") from \(tokenEndpoint ?? "")"
    }

    /// The client: URLs checked (https, or http to loopback), secrets read from their file or variable.
    func client(retry: RetryPolicy = RetryPolicy()) throws -> SCIMClient {
        let baseURL = try EndpointURL.validated(url, option: "--target")
        let transport = URLSessionTransport(maxConnections: maxInFlight, timeout: timeout)
        let source: TokenProvider.Source
        if let tokenEndpoint, let clientID {
            let endpoint = try EndpointURL.validated(tokenEndpoint, option: "--token-endpoint")
            let secret = try clientSecretFile.map { path throws(SCIMError) in try Secret.read(file: path, warn: printError) }
                ?? Secret.read(environment: clientSecretEnv ?? "")
            source = .clientCredentials(tokenEndpoint: endpoint, clientID: clientID, clientSecret: secret, scope: scope)
        } else {
            source = .bearer(try tokenFile.map { path throws(SCIMError) in try Secret.read(file: path, warn: printError) }
                ?? Secret.read(environment: tokenEnv ?? ""))
        }
        return try SCIMClient(baseURL: baseURL, transport: transport, credentials: TokenProvider(source: source, transport: transport, retry: retry), retry: retry)
    }

    /// Opens the endpoint and the state file. A missing state file is created when `create`;
    /// otherwise (a plan) an empty one in a temporary folder stands in, and `temporary` names it.
    func open(mapping: Mapping, create: Bool) throws -> (target: SCIMTarget, temporary: String?) {
        guard let state else { throw UsageError("--target needs --state FILE") }
        var temporary: String?
        let runState: RunState
        if create || FileManager.default.fileExists(atPath: state) {
            runState = try RunState.open(stateFile: state, create: create, notice: printError)
        } else {
            printError("state file \(state) does not exist yet; planning as if this job managed no users yet (--apply creates it)")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            temporary = folder
            runState = try RunState.open(stateFile: folder + "/state.db", create: true)
        }
        let target = try SCIMTarget(client: try client(), runState: runState, mapping: mapping, maxInFlight: maxInFlight,
                                    bulk: bulk, notice: printError)
        return (target, temporary)
    }
}
