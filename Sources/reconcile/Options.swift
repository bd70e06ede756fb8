/// What the command line asks for.
enum Command {
    case run(RunOptions)
    case applyPlan(planFile: String, store: String)
    case export(store: String)
    case help(String)
}

/// `reconcile --snapshot PATH --store DB (--plan | --apply) ...`
struct RunOptions {
    enum Mode { case plan, apply }
    enum Format: String { case text, json }

    var snapshot = ""
    var store = ""
    var mode = Mode.plan
    var out: String?
    var format = Format.text
    var detailedExitcode = false
    var deleteMissing = false
    var config: String?
}

/// A small argument parser in argument-parser's manner: typed options, validation with messages that say what to do.
struct ArgumentParser {
    private var arguments: [String]

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        var parser = ArgumentParser(arguments)
        return try parser.command()
    }

    private mutating func command() throws(UsageError) -> Command {
        if arguments.contains("--help") || arguments.contains("-h") || arguments.first == "help" {
            let topic = arguments.first { !$0.hasPrefix("-") && $0 != "help" } ?? ""
            return .help(topic)
        }
        switch arguments.first {
        case "export":
            arguments.removeFirst()
            var store: String?
            while let argument = next() {
                switch argument {
                case "--store": store = try value(for: argument)
                default: throw unknown(argument, in: "export")
                }
            }
            return .export(store: try required(store, "--store DB", in: "export"))
        case .none:
            throw UsageError("missing arguments: give --snapshot PATH --store DB with --plan or --apply, or --apply-plan FILE --store DB")
        default:
            return try runCommand()
        }
    }

    private mutating func runCommand() throws(UsageError) -> Command {
        var options = RunOptions()
        var snapshot: String?, store: String?, planFile: String?
        var modes: [String] = []
        while let argument = next() {
            switch argument {
            case "--snapshot": snapshot = try value(for: argument)
            case "--store": store = try value(for: argument)
            case "--plan": modes.append(argument); options.mode = .plan
            case "--apply": modes.append(argument); options.mode = .apply
            case "--apply-plan": modes.append(argument); planFile = try value(for: argument)
            case "--out": options.out = try value(for: argument)
            case "--format":
                let text = try value(for: argument)
                guard let format = RunOptions.Format(rawValue: text) else {
                    throw UsageError("--format takes text or json, not '\(text)'")
                }
                options.format = format
            case "--detailed-exitcode": options.detailedExitcode = true
            case "--delete-missing": options.deleteMissing = true
            case "--config": options.config = try value(for: argument)
            default: throw unknown(argument, in: nil)
            }
        }
        guard modes.count <= 1 else {
            throw UsageError("\(modes.joined(separator: " and ")) cannot be combined: choose one")
        }
        if let planFile {
            guard snapshot == nil else {
                throw UsageError("--apply-plan applies the plan as reviewed and takes no --snapshot")
            }
            return .applyPlan(planFile: planFile, store: try required(store, "--store DB", in: nil))
        }
        guard !modes.isEmpty else { throw UsageError("say what to do: --plan (show the changes) or --apply (make them)") }
        options.snapshot = try required(snapshot, "--snapshot PATH", in: nil)
        options.store = try required(store, "--store DB", in: nil)
        return .run(options)
    }

    private mutating func next() -> String? {
        arguments.isEmpty ? nil : arguments.removeFirst()
    }

    private mutating func value(for option: String) throws(UsageError) -> String {
        guard let value = next(), !value.hasPrefix("--") || value == "-" else {
            throw UsageError("\(option) needs a value")
        }
        return value
    }

    private func required(_ value: String?, _ option: String, in command: String?) throws(UsageError) -> String {
        guard let value else { throw UsageError("missing \(option)\(command.map { " for '\($0)'" } ?? "")") }
        return value
    }

    private func unknown(_ argument: String, in command: String?) -> UsageError {
        if argument.hasPrefix("-") {
            return UsageError("unknown option '\(argument)'\(command.map { " for '\($0)'" } ?? "")")
        }
        return UsageError("unexpected argument '\(argument)'")
    }
}
