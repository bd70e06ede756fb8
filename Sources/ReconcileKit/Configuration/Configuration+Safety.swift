/// The `safety` section of the configuration file: the limits of unattended runs (`SafetySettings`).
///
/// ```json
/// "safety": {
///   "deletionThreshold": 500, "deletionThresholdPercent": 10, "snapshotShrinkLimitPercent": 20,
///   "failureQuarantinePercent": 40, "failureQuarantineMinimum": 10, "logRetentionDays": 30, "logUnchanged": true,
///   "notifyCommand": "mail -s 'reconcile needs attention' identity-admins@example.com"
/// }
/// ```
/// Flags (`--deletion-threshold`, `--notify-command`) win over the file.
extension Configuration {
    static let safetyKeys: Set<String> = [
        "deletionThreshold", "deletionThresholdPercent", "snapshotShrinkLimitPercent", "failureQuarantinePercent",
        "failureQuarantineMinimum", "logRetentionDays", "logUnchanged", "notifyCommand",
    ]

    static func readSafety(_ configuration: inout Configuration, _ reader: ConfigurationReader, _ value: JSONValue) throws(ConfigurationError) {
        let members = try reader.object(value, at: "safety", allowed: safetyKeys)
        var safety = configuration.safety
        func int(_ key: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let value = members[key] else { return nil }
            return try reader.int(value, at: "safety.\(key)", range: range)
        }
        if let count = try int("deletionThreshold", 0...Int.max) { safety.deletionThreshold = count }
        if let percent = members["deletionThresholdPercent"] {
            safety.deletionThresholdPercent = percent == .null
                ? nil : try reader.int(percent, at: "safety.deletionThresholdPercent", range: 0...100)
        }
        if let percent = try int("snapshotShrinkLimitPercent", 0...100) { safety.snapshotShrinkLimitPercent = percent }
        if let percent = try int("failureQuarantinePercent", 0...100) { safety.failureQuarantinePercent = percent }
        if let count = try int("failureQuarantineMinimum", 1...Int.max) { safety.failureQuarantineMinimum = count }
        if let days = try int("logRetentionDays", 1...36_500) { safety.logRetentionDays = days }
        if let flag = members["logUnchanged"] { safety.logUnchanged = try reader.bool(flag, at: "safety.logUnchanged") }
        if let command = members["notifyCommand"] {
            safety.notifyCommand = try reader.optionalString(command, at: "safety.notifyCommand")
        }
        configuration.safety = safety
    }
}
