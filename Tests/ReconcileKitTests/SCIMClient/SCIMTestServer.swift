import Foundation
import Synchronization
import Testing
@testable import ReconcileKit

/// The scim2-server 0.8.3 the SCIM tests run against (scim-servers.md): one process for the whole
/// test run on a free 127.0.0.1 port, with a bearer token, and `--dynamic-tenants` so that every
/// test gets its own empty store (`http://127.0.0.1:PORT/<tenant>/v2`).
///
/// The server runs under `Fixtures/SCIM/scim_server.py`, whose stdin this process holds open: when
/// the test process ends, however it ends, the launcher stops the server. Without the virtual
/// environment `scripts/setup` makes, the tests fail and say so.
enum SCIMTestServer {
    /// The bearer token the server accepts.
    static let token = "test-bearer-token-0b7e"

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// A running helper process (server or proxy) and the port it printed.
    final class Helper: @unchecked Sendable {
        let process: Process
        let port: Int
        // Closing this ends the helper: it exits when its stdin closes.
        private let stdin: FileHandle

        init(script: String, arguments: [String]) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", TestSupport.fixture("SCIM/" + script)] + arguments
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            stdin = input.fileHandleForWriting
            let line = Self.readLine(output.fileHandleForReading)
            guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else {
                throw Unavailable(description: "\(script) did not start (it printed '\(line)')")
            }
            self.port = port
        }

        deinit {
            try? stdin.close()
            process.waitUntilExit()
        }

        private static func readLine(_ handle: FileHandle) -> String {
            var bytes: [UInt8] = []
            while let byte = try? handle.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
                bytes.append(first)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The venv's scim2-server, made by `scripts/setup`.
    static let executable = TestSupport.packageRoot + "/.venv/bin/scim2-server"

    private static let shared: Result<Helper, Unavailable> = {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return .failure(Unavailable(description:
                "scim2-server is not installed at .venv/bin/scim2-server: run scripts/setup (it installs scim2-server 0.8.3 into .venv/)"))
        }
        do {
            return .success(try Helper(script: "scim_server.py", arguments: [executable, token]))
        } catch {
            return .failure(Unavailable(description: "cannot start scim2-server: \(error)"))
        }
    }()

    /// The server's port, starting it on first use.
    static func port() throws -> Int {
        try shared.get().port
    }

    /// The base URL of a new, empty tenant of the shared server.
    static func tenant() throws -> String {
        "http://127.0.0.1:\(try port())/t\(UUID().uuidString.prefix(12).lowercased())/v2"
    }

    /// A client for `baseURL` with the test token, short back-offs, and a short timeout.
    static func client(_ baseURL: String, token: String = token, retry: RetryPolicy = fastRetry(), timeout: Double = 10) throws -> SCIMClient {
        let transport = URLSessionTransport(maxConnections: 8, timeout: timeout)
        return try SCIMClient(
            baseURL: URL(string: baseURL)!, transport: transport,
            credentials: TokenProvider(source: .bearer(Secret(token)), transport: transport), retry: retry)
    }

    /// Back-offs of a few milliseconds, so fault tests stay fast.
    static func fastRetry(budget: Double = 30) -> RetryPolicy {
        RetryPolicy(maxAttempts: 5, baseDelay: 0.02, maxDelay: 2, budget: budget)
    }

    /// Requests straight to the server, for setting up and inspecting a tenant.
    static func request(_ method: String, _ url: String, _ body: JSONValue? = nil, headers: [String: String] = [:]) throws -> (status: Int, json: JSONValue?) {
        var request = HTTPRequest(method: method, url: URL(string: url)!, headers: headers.merging([
            "Authorization": "Bearer \(token)", "Content-Type": "application/scim+json",
        ]) { mine, _ in mine })
        if let body { request.body = Data(JSONWriter.write(body).utf8) }
        let response = try URLSessionTransport().perform(request)
        return (response.status, try? JSONReader.parse(response.body))
    }

    /// Every user of a tenant, by userName.
    static func users(_ baseURL: String) throws -> [String: JSONValue] {
        let listed = try request("GET", baseURL + "/Users?count=1000")
        var users: [String: JSONValue] = [:]
        for resource in listed.json?["Resources"]?.arrayValue ?? [] {
            users[resource["userName"]?.stringValue ?? ""] = resource
        }
        return users
    }
}

/// The fault proxy (`Fixtures/SCIM/fault_proxy.py`) in front of a tenant of the shared server.
final class FaultProxy {
    private let helper: SCIMTestServer.Helper

    /// One request the proxy saw.
    struct Entry: Equatable {
        let method: String
        let path: String
        let action: String?
        let status: Int?
        let operations: Int?
    }

    /// - Parameter config: the proxy's rules and OAuth settings (see the script).
    init(_ config: JSONValue) throws {
        helper = try SCIMTestServer.Helper(script: "fault_proxy.py", arguments: [String(try SCIMTestServer.port()), JSONWriter.write(config)])
    }

    /// `baseURL` (a tenant URL) as seen through the proxy.
    func url(_ baseURL: String) -> String {
        baseURL.replacingOccurrences(of: ":\((try? SCIMTestServer.port()) ?? 0)/", with: ":\(helper.port)/")
    }

    /// The proxy's token endpoint (with `oauth` in the config).
    var tokenEndpoint: String { "http://127.0.0.1:\(helper.port)/token" }

    /// The requests seen so far.
    func log() throws -> [Entry] {
        let response = try URLSessionTransport().perform(HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(helper.port)/__proxy/log")!))
        return try JSONReader.parse(response.body).arrayValue!.map { entry in
            Entry(method: entry["method"]!.stringValue!, path: entry["path"]!.stringValue!, action: entry["action"]?.stringValue,
                  status: entry["status"]?.intValue, operations: entry["operations"]?.intValue)
        }
    }

    /// A rule object for the config.
    static func rule(_ method: String, _ path: String, _ action: String, skip: Int = 0, times: Int = 1, extra: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = [
            "method": .string(method), "path": .string(path), "action": .string(action), "skip": .number(skip), "times": .number(times),
        ]
        members.merge(extra) { _, new in new }
        return .object(members)
    }
}
