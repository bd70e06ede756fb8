/// The job's configuration file (`--config FILE`, JSON): everything an admin can change without a flag.
///
/// Each section is read by its own extension (`Configuration+Mapping.swift`, ...) through a
/// `ConfigurationReader`, which names the file and the JSON path (`mapping[3].source`) in every error.
/// Unknown top-level keys are errors: a misspelt safety setting must not be silently ignored.
public struct Configuration: Sendable {
    /// The attribute mapping; the UiPath default when the file has none.
    public var mapping: Mapping = .uiPath
    /// Attribute scoping filters (OR-ed; clauses in each AND-ed); none by default (`Configuration+Scoping.swift`).
    public var scopingFilters: [ScopingFilter] = []
    /// Entra's SkipOutOfScopeDeletions: leave managed users who leave scope as they are instead of disabling them.
    public var skipOutOfScopeDeletions = false
    /// The limits of unattended runs: deletion threshold, partial exports, quarantine, log retention,
    /// notifications (`Configuration+Safety.swift`).
    public var safety = SafetySettings()

    public init() {}

    /// The top-level keys a configuration file may hold, and the section reader of each.
    static let sections: [String: @Sendable (inout Configuration, ConfigurationReader, JSONValue) throws(ConfigurationError) -> Void] = [
        "$schema": { _, _, _ in },
        "description": { _, _, _ in },
        "mapping": Configuration.readMapping,
        "safety": Configuration.readSafety,
        "scopingFilters": Configuration.readScopingFilters,
        "skipOutOfScopeDeletions": Configuration.readSkipOutOfScopeDeletions,
    ]

    /// Reads and checks the configuration file at `path`.
    /// - Throws: `ConfigurationError` naming the file and the entry at fault.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let document: JSONValue
        do {
            document = try JSONReader.parse(contentsOf: path)
        } catch {
            throw .malformed(error)
        }
        return try load(document, file: path)
    }

    /// Checks and applies an already parsed configuration document.
    public static func load(_ document: JSONValue, file: String) throws(ConfigurationError) -> Configuration {
        let reader = ConfigurationReader(file: file)
        guard case .object(let members) = document else {
            throw reader.error(at: "", "expected an object at the top level")
        }
        var configuration = Configuration()
        for key in members.keys.sorted() {
            guard let section = sections[key] else {
                let known = sections.keys.filter { !$0.hasPrefix("$") }.sorted().joined(separator: ", ")
                throw reader.error(at: key, "unknown setting (known: \(known))")
            }
            try section(&configuration, reader, members[key]!)
        }
        return configuration
    }
}

/// Field-by-field reading of a configuration document, with errors that name the JSON path.
public struct ConfigurationReader: Sendable {
    public let file: String

    /// An error at `path` (`mapping[2].target`).
    public func error(at path: String, _ message: String) -> ConfigurationError {
        .invalid(file: file, path: path, message: message)
    }

    public func string(_ value: JSONValue?, at path: String) throws(ConfigurationError) -> String {
        guard let text = value?.stringValue else { throw error(at: path, "expected a string, found \(value?.kindDescription ?? "nothing")") }
        return text
    }

    public func optionalString(_ value: JSONValue?, at path: String) throws(ConfigurationError) -> String? {
        guard let value, value != .null else { return nil }
        return try string(value, at: path)
    }

    public func bool(_ value: JSONValue?, at path: String) throws(ConfigurationError) -> Bool {
        guard let flag = value?.boolValue else { throw error(at: path, "expected true or false, found \(value?.kindDescription ?? "nothing")") }
        return flag
    }

    public func int(_ value: JSONValue?, at path: String, range: ClosedRange<Int> = 0...Int.max) throws(ConfigurationError) -> Int {
        guard let number = value?.intValue, range.contains(number) else {
            throw error(at: path, "expected a whole number from \(range.lowerBound)\(range.upperBound == Int.max ? " up" : " to \(range.upperBound)"), found \(value?.kindDescription ?? "nothing")")
        }
        return number
    }

    public func array(_ value: JSONValue?, at path: String) throws(ConfigurationError) -> [JSONValue] {
        guard let elements = value?.arrayValue else { throw error(at: path, "expected an array, found \(value?.kindDescription ?? "nothing")") }
        return elements
    }

    /// The members of an object, refusing keys outside `allowed`.
    public func object(_ value: JSONValue?, at path: String, allowed: Set<String>) throws(ConfigurationError) -> [String: JSONValue] {
        guard let members = value?.objectValue else { throw error(at: path, "expected an object, found \(value?.kindDescription ?? "nothing")") }
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw error(at: path.isEmpty ? key : "\(path).\(key)", "unknown key (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        return members
    }
}

/// A configuration file that cannot be used. Nothing runs.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case malformed(JSONError)
    case invalid(file: String, path: String, message: String)

    public var description: String {
        switch self {
        case .malformed(let error): return "\(error) (the configuration is not valid JSON)"
        case let .invalid(file, path, message): return "\(file): \(path.isEmpty ? "" : "\(path): ")\(message)"
        }
    }
}
