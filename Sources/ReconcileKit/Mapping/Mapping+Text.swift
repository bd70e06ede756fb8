/// The mapping as `reconcile mapping` prints it: a table of target, source, apply, matching and default.
extension Mapping {
    /// The table, headed by where the mapping came from (`the default UiPath mapping`, a file name).
    public func text(origin: String) -> String {
        let matching = matchingPaths.map(\.shortName)
        var lines = ["Mapping: \(origin), \(entries.count) entr\(entries.count == 1 ? "y" : "ies"); "
            + "users are matched on \(matching.joined(separator: ", then "))."]
        lines.append("")
        let header = ["TARGET", "SOURCE", "APPLY", "MATCHING", "DEFAULT IF NULL"]
        var rows = [header]
        for entry in entries {
            let source: String
            switch entry.source {
            case .attribute(let name): source = name
            case .constant(let value): source = Expression.literal(value).description + " (constant)"
            case .expression(let expression): source = expression.description
            }
            rows.append([
                entry.target.shortName, source, entry.apply.rawValue,
                entry.matchingPrecedence.map(String.init) ?? "", entry.defaultIfNull.map { Expression.literal($0).description } ?? "",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            var line = "  "
            for (column, cell) in row.enumerated() {
                line += column == row.count - 1 ? cell : cell.padding(widths[column]) + "  "
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        if entries.contains(where: { $0.target.schema == SCIMPath.enterpriseSchema }) {
            lines.append("")
            lines.append("enterprise: stands for \(SCIMPath.enterpriseSchema):")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
