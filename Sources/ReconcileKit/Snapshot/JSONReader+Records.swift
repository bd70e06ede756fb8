/// Reading a JSON export with its records' members in document order, into an `ExportDocument`.
///
/// The reader walks the same grammar with the same checks as `JSONReader.parse`, so a malformed
/// file fails with the same message at the same line and column; only what it keeps differs.
/// Objects that may be records (the elements of a top-level array or of the top-level object's
/// `value` array, and the top-level object itself) keep their members as a list, not a dictionary,
/// and so does the object of their `AdditionalProperties` member (in any case): a record's
/// properties are keyed by lowercased name later, and the list lets that step settle two names equal
/// after lowercasing by their order (the later one wins), with no dictionary per record.
/// Everything else is read into `JSONValue` as `parse` reads it.
extension JSONReader {
    /// Parses one JSON export document from UTF-8 bytes (a leading byte order mark is skipped).
    /// - Parameter selection: when given, a record's members it does not keep are checked as
    ///   `parse(_:)` checks them but kept as `null` (a string or scalar is not even made): a
    ///   snapshot keeps only the properties a run reads, and a Graph page carries more.
    /// - Throws: `JSONError` with the position and what was expected there, as `parse(_:)` would.
    static func parseExport(_ bytes: [UInt8], keeping selection: PropertySelection? = nil) throws(JSONError) -> ExportDocument {
        let result = bytes.withUnsafeBytes { raw -> Result<ExportDocument, JSONError> in
            guard let start = raw.baseAddress, raw.count > 0 else {
                return .failure(JSONError.at(0, in: raw, "unexpected end of input"))
            }
            var reader = JSONReader(base: start.assumingMemoryBound(to: UInt8.self), count: raw.count)
            var document = ExportDocument()
            var keeping = selection.map(KeptKeys.init)
            // Rough sizes for a Graph page (a record of 17 members takes about 500 bytes, a member
            // 24 to 30), so the lists rarely grow by copying; a wrong guess only costs a copy or some
            // spare capacity. (At 32 bytes a member, a page of 999 such records, 17,000 members,
            // outgrew its 16,000 and was copied into twice the room.)
            document.members.reserveCapacity(raw.count / 24)
            document.records.reserveCapacity(raw.count / 512)
            do throws(JSONError) {
                try reader.readExport(into: &document, keeping: &keeping)
                return .success(document)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Where `readMembers` puts an object's members.
    private enum Target {
        /// `ExportDocument.topMembers`: the top-level object.
        case top
        /// `ExportDocument.members`: a record.
        case record
        /// `ExportDocument.lifted`: an `AdditionalProperties` object.
        case lifted
    }

    /// Which record members a selection keeps, decided once per key string: records of one shape
    /// share their keys' strings (`readKey`), so most members are decided by an identity check.
    private struct KeptKeys {
        let selection: PropertySelection
        var decided: [(key: String, keep: Bool)?] = Array(repeating: nil, count: 512)

        init(_ selection: PropertySelection) {
            self.selection = selection
        }

        mutating func keeps(_ key: String, slot: Int) -> Bool {
            if slot >= 0, slot < decided.count, let (earlier, keep) = decided[slot], earlier == key { return keep }
            let keep = selection.keeps(ExportDocument.lowercased(key))
            if slot >= 0, slot < decided.count { decided[slot] = (key, keep) }
            return keep
        }
    }

    private mutating func readExport(into document: inout ExportDocument, keeping: inout KeptKeys?) throws(JSONError) {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
        skipWhitespace()
        if index < count, base[index] == .openBracket {
            document.top = .array
            try readRecords(into: &document, keeping: &keeping)
        } else if index < count, base[index] == .openBrace {
            document.top = .object
            try readMembers(into: &document, target: .top, keeping: &keeping)
        } else {
            document.top = .other(try readValue())
        }
        skipWhitespace()
        if index < count {
            throw fail("unexpected \(describe(at: index)) after top-level value", at: index)
        }
    }

    /// Reads the array at `index` as `readArray` does, its objects as records.
    private mutating func readRecords(into document: inout ExportDocument, keeping: inout KeptKeys?) throws(JSONError) {
        guard try enterContainer(closedBy: .closeBracket) else { return }
        defer { depth -= 1 }
        while true {
            skipWhitespace()
            if index < count, base[index] == .openBrace {
                let start = document.members.count
                try readMembers(into: &document, target: .record, keeping: &keeping)
                document.records.append(.object(start..<document.members.count))
            } else {
                document.records.append(.other(try readValue()))
            }
            if try !moreElements(closing: .closeBracket, after: "array element") { break }
        }
    }

    /// Reads the object at `index` as `readObject` does, appending its members to `target`'s list.
    /// In the top-level object, an array under the exact name `value` (the one a Graph page is judged
    /// by) is read as records and left in the list as an empty array.
    private mutating func readMembers(into document: inout ExportDocument, target: Target, keeping: inout KeptKeys?) throws(JSONError) {
        guard try enterContainer(closedBy: .closeBrace) else { return }
        defer { depth -= 1 }
        var position = 0
        while true {
            guard index < count else { throw fail("unexpected end of input", at: index) }
            guard base[index] == .quote else { throw fail("expected string for object key", at: index) }
            let slot = Self.keySlot(depth: depth, position: position)
            let key = try readKey(slot: slot)
            skipWhitespace()
            guard index < count else { throw fail("unexpected end of input", at: index) }
            guard base[index] == .colon else { throw fail("expected ':' after object key", at: index) }
            index += 1
            skipWhitespace()
            var member = ExportDocument.Member(key: key, value: .null)
            if target != .lifted, index < count, base[index] == .openBrace, ExportDocument.isAdditionalProperties(key) {
                let start = document.lifted.count
                try readMembers(into: &document, target: .lifted, keeping: &keeping)
                member.value = .object([:])
                member.lifted = start..<document.lifted.count
            } else if target == .top, index < count, base[index] == .openBracket, key == "value" {
                let start = document.records.count
                try readRecords(into: &document, keeping: &keeping)
                member.value = .array([])
                document.valueArray = (member: document.topMembers.count, records: start..<document.records.count)
            } else if target == .record, keeping?.keeps(key, slot: slot) == false {
                try skipValue()
            } else {
                member.value = try readValue()
            }
            switch target {
            case .top: document.topMembers.append(member)
            case .record: document.members.append(member)
            case .lifted: document.lifted.append(member)
            }
            position += 1
            if try !moreElements(closing: .closeBrace, after: "object member") { break }
        }
    }
}
