import Foundation

/// Checks the URLs reconcile sends credentials to.
public enum EndpointURL {
    /// Parses `text` and accepts `https`, or `http` to a loopback host only.
    /// - Parameter option: the command-line option the URL came from, for the error message.
    /// - Throws: `SCIMError.invalidURL` or `SCIMError.insecureURL`.
    public static func validated(_ text: String, option: String) throws(SCIMError) -> URL {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
              components.user == nil, components.password == nil,
              let url = components.url else {
            throw .invalidURL(url: text, option: option)
        }
        switch scheme {
        case "https": return url
        case "http" where isLoopback(host): return url
        case "http": throw .insecureURL(url: text, option: option)
        default: throw .invalidURL(url: text, option: option)
        }
    }

    /// 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }
}
