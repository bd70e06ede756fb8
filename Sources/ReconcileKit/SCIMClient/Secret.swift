import Foundation

/// A credential (bearer token, client secret, access token) that must never be printed.
///
/// `description` is a fixed placeholder, so interpolating a `Secret` into a message or a log line
/// shows nothing of it (DESIGN §2: secrets never in argv, logs, plans or errors).
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read only where it is sent.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }

    /// Reads a secret from a file: its content without surrounding whitespace (so a trailing newline
    /// written by `echo` does not become part of the token).
    /// - Parameter warn: receives one line for stderr when others can read the file.
    /// - Throws: `SCIMError.secretUnavailable` when the file is missing, unreadable or empty.
    public static func read(file path: String, warn: (String) -> Void = { _ in }) throws(SCIMError) -> Secret {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .secretUnavailable(source: "file \(path)", reason: "no such file, or it cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .secretUnavailable(source: "file \(path)", reason: "the file is empty") }
        guard !text.contains(where: \.isNewline) else {
            throw .secretUnavailable(source: "file \(path)", reason: "the file holds more than one line; put only the secret in it")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            warn("warning: \(path) can be read by other users (mode \(String(mode & 0o777, radix: 8))); chmod 600 it")
        }
        return Secret(text)
    }

    /// Reads a secret from the environment variable `name`.
    /// - Throws: `SCIMError.secretUnavailable` when it is unset or empty.
    public static func read(environment name: String, from environment: [String: String] = ProcessInfo.processInfo.environment) throws(SCIMError) -> Secret {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw .secretUnavailable(source: "environment variable \(name)", reason: "it is not set, or empty")
        }
        return Secret(text)
    }
}

/// Removes known secrets from text that came from elsewhere (a server's error detail could echo a
/// header or a form field back).
struct Redactor: Sendable {
    let secrets: [String]

    func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return result
    }
}
