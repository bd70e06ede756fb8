/// The lines `ProgressReporter` writes, and the numbers and durations in them.
///
/// The bar:   `applying  [#########...........]  48%  480,000/1,000,000  60,000/s  ETA 0:09`
/// Plain:     `reconcile: applying 48% (480,000 of 1,000,000, 60,000/s, ETA 9 s)`
/// Closing:   `reconcile: applying took 16 s (1,000,000 actions, 62,500/s)`
///
/// Rates are averages over the whole stage (steadier than a recent window, and a stage's pace
/// changes little); the ETA is the work left at that rate, rounded up to a whole second.
extension ProgressReporter {
    /// The widest bar, in cells; it shrinks on a narrow terminal and goes below 10.
    static let barCells = 20

    /// The bar line, without the `\r` and erase sequence around it. A final one says how long the
    /// stage took instead of how long it has left.
    func barLine(_ progress: Moment, final: Bool) -> String {
        var fields: [String] = []
        let percent = progress.percent
        if let percent {
            fields.append(String(repeating: " ", count: max(0, 3 - String(percent).count)) + "\(percent)%")
        }
        fields.append(progress.amount(separator: "/", unitAlways: progress.total == nil))
        if let rate = progress.rateText { fields.append(rate) }
        if final {
            fields.append("in \(Self.took(progress.elapsed))")
        } else if progress.total == nil {
            fields.append(Self.clock(Int(progress.elapsed / 1_000_000_000)))
        } else if let eta = progress.eta {
            fields.append("ETA \(Self.clock(eta))")
        }
        let head = progress.name + "  "
        let rest = fields.joined(separator: "  ")
        var line = head + rest
        if let percent {
            // "[", the cells, "]" and a space, then the percentage padded to four: "]  48%".
            let cells = min(Self.barCells, width - 1 - head.count - 3 - rest.count)
            if cells >= 10 {
                let filled = cells * percent / 100
                line = head + "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled) + "] " + rest
            } else {
                line = head + rest.drop { $0 == " " }
            }
        }
        return line.count < width ? line : String(line.prefix(max(0, width - 1)))
    }

    /// The plain periodic line.
    func plainLine(_ progress: Moment) -> String {
        if let percent = progress.percent {
            let details = [progress.amount(separator: " of ", unitAlways: false), progress.rateText, progress.eta.map { "ETA \(Self.words($0))" }]
            return "reconcile: \(progress.name) \(percent)% (\(details.compactMap { $0 }.joined(separator: ", ")))"
        }
        let details = [progress.rateText, "\(Self.words(Int(progress.elapsed / 1_000_000_000))) so far"]
        return "reconcile: \(progress.name) \(progress.amount(separator: "", unitAlways: true)) (\(details.compactMap { $0 }.joined(separator: ", ")))"
    }

    /// The plain line that closes a stage.
    func closingLine(_ progress: Moment) -> String {
        let amount = progress.total == progress.done || progress.total == nil
            ? progress.amount(separator: "", unitAlways: true)
            : progress.amount(separator: " of ", unitAlways: true)
        let details = [amount, progress.rateText].compactMap { $0 }.joined(separator: ", ")
        return "reconcile: \(progress.name) took \(Self.took(progress.elapsed)) (\(details))"
    }

    // MARK: - Numbers and durations

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// A byte count in decimal units: `512 B`, `12.3 kB`, `412.3 MB`, `1.2 GB`.
    static func bytes(_ value: Int) -> String {
        let units = [(1_000_000_000_000, "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")]
        for (size, name) in units {
            // Rounded first, so 999,960 bytes are "1.0 MB" rather than "1000.0 kB".
            let tenths = Int((Double(value) / Double(size) * 10).rounded())
            if tenths >= 10 { return "\(tenths / 10).\(tenths % 10) \(name)" }
        }
        return "\(value) B"
    }

    /// Seconds as a clock: `0:08`, `12:05`, `27:46:30`.
    static func clock(_ seconds: Int) -> String {
        let (hours, minutes, rest) = (seconds / 3_600, seconds / 60 % 60, seconds % 60)
        let ss = rest < 10 ? "0\(rest)" : "\(rest)"
        if hours == 0 { return "\(minutes):\(ss)" }
        return "\(hours):\(minutes < 10 ? "0" : "")\(minutes):\(ss)"
    }

    /// Seconds in words: `8 s`, `2 min 5 s`, `27 h 46 min`.
    static func words(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3_600 { return seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3_600) h \(seconds / 60 % 60) min"
    }

    /// How long a stage took: tenths of a second below 10 s (`0.4 s`), then as `words`.
    static func took(_ nanoseconds: UInt64) -> String {
        let seconds = Double(nanoseconds) / 1e9
        return seconds < 9.95 ? "\(oneDecimal(seconds)) s" : words(Int(seconds.rounded()))
    }

    /// `value` with one decimal, without the locale: `1.2`, `412.3`.
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension ProgressReporter.Moment {
    /// Whole percent done, when the total is known: 0 to 100 (100 for an empty stage).
    var percent: Int? {
        guard let total else { return nil }
        guard total > 0 else { return 100 }
        return min(100, max(0, Int((Double(done) * 100 / Double(total)).rounded(.down))))
    }

    /// Units a second over the stage so far; nil before any time has passed.
    var rate: Double? {
        elapsed > 0 ? Double(done) / (Double(elapsed) / 1e9) : nil
    }

    var rateText: String? {
        guard let rate else { return nil }
        if unit == "bytes" { return ProgressReporter.bytes(Int(rate.rounded())) + "/s" }
        return (rate >= 10 || rate == 0 ? ProgressReporter.grouped(Int(rate.rounded())) : ProgressReporter.oneDecimal(rate)) + "/s"
    }

    /// Whole seconds left at the stage's rate, rounded up; nil without a total or a rate.
    var eta: Int? {
        guard let total, let rate, rate > 0 else { return nil }
        return Int((Double(max(0, total - done)) / rate).rounded(.up))
    }

    /// `480,000/1,000,000`, `480,000 of 1,000,000 users`, `412.3 MB of 1.2 GB`, `482,113 rows`.
    /// - Parameters:
    ///   - separator: between done and the total; the total is left out when it is empty.
    ///   - unitAlways: name the unit after a count (byte counts carry their own).
    func amount(separator: String, unitAlways: Bool) -> String {
        let bytes = unit == "bytes"
        let format = bytes ? ProgressReporter.bytes : ProgressReporter.grouped
        var text = format(done)
        if let total, !separator.isEmpty { text += separator + format(total) }
        if unitAlways && !bytes {
            let shown = total.map { separator.isEmpty ? done : $0 } ?? done
            text += " " + (shown == 1 && unit.hasSuffix("s") ? String(unit.dropLast()) : unit)
        }
        return text
    }
}
