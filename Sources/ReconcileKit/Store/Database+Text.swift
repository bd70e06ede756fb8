extension Database {
    /// The first column of the first row as text, or `nil` when there is no row or it is `NULL`.
    func scalarText(_ sql: String, _ values: SQLValue...) throws(StoreError) -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return statement.optionalText(0)
    }
}

extension Statement {
    /// `run` for values gathered in an array.
    func run(values: [SQLValue]) throws(StoreError) {
        try bind(values)
        defer { reset() }
        while try step() {}
    }
}
