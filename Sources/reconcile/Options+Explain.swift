/// `reconcile explain USER --snapshot PATH [...] [--format text|json] [--apply]`: the input options of a
/// run (parsed by the run's own parser), one USER, and `--apply` to provision just that user.
struct ExplainOptions {
    /// A directory object id, userPrincipalName or mail, or the target's userName, externalId or id.
    var user: String
    /// The run's options: snapshot, assignments, configuration, store or endpoint, format, safety flags.
    var run: RunOptions
    /// Apply this user's actions through the guarded apply.
    var apply: Bool

    /// The options of a run that explain has no use for.
    private static let refused = ["--plan", "--recover", "--apply-plan", "--out", "--detailed-exitcode", "--progress"]

    static func parse(_ arguments: [String]) throws(UsageError) -> ExplainOptions {
        var rest: [String] = []
        var apply = false
        for argument in arguments {
            if argument == "--apply" {
                apply = true
            } else if refused.contains(argument) {
                throw UsageError("explain takes no \(argument): it explains one user, and --apply provisions just that user")
            } else {
                rest.append(argument)
            }
        }
        var operands: [String] = []
        // `--plan` stands in for the mode the run's parser asks for; explain's own is `apply`.
        guard case .run(var options) = try ArgumentParser.parseRun(rest + ["--plan"], operands: &operands) else {
            throw UsageError("explain takes no --apply-plan")
        }
        guard let user = operands.first else {
            throw UsageError("explain needs USER: a directory object id, userPrincipalName or mail, or the target's userName or externalId")
        }
        guard operands.count == 1 else {
            throw UsageError("explain takes one USER, not \(operands.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if apply && options.format == .json {
            throw UsageError("--format json describes a user without changing anything; --apply prints the explanation as text, "
                + "then what it applied")
        }
        options.mode = apply ? .apply : .plan
        return ExplainOptions(user: user, run: options, apply: apply)
    }
}
