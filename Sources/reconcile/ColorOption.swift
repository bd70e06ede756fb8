import Foundation

/// `--color auto|always|never`: whether the printed plan is coloured.
enum ColorOption: String {
    /// Colour when stdout is a terminal.
    case auto
    /// Colour into a pipe too (`reconcile ... --plan --color always | less -R`).
    case always
    case never

    /// Whether to colour stdout now. `NO_COLOR` set to anything but the empty string (no-color.org)
    /// and `TERM=dumb` turn colour off whatever `--color` says: they are how a user or a cron
    /// environment says no escape codes, ever.
    func isOn(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if self == .never || !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb" { return false }
        return self == .always || isatty(STDOUT_FILENO) == 1
    }
}
