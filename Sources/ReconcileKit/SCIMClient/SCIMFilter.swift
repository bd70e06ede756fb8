/// SCIM filter expressions (RFC 7644 §3.4.2.2) for the queries reconcile makes.
public enum SCIMFilter {
    /// `path eq "value"`, the only operator Entra uses (entra-provisioning.md §1).
    public static func equals(_ path: SCIMPath, _ value: String) -> String {
        "\(path) eq \(quoted(value))"
    }

    /// A filter string value: the JSON string rules `compValue` follows (RFC 7159 §7), so `"` is
    /// written `\"`, `\` is written `\\`, and control characters as `\u00XX`.
    public static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
