/// What the mapping says a directory user's SCIM User should hold.
public struct DesiredUser: Sendable, Equatable {
    /// The directory user this was mapped from.
    public let source: DirectoryUser
    /// Every mapped value, as a create would write it (`defaultIfNull` applied).
    public let createValues: PathValues<SCIMValue>
    /// The values an update enforces: entries applied always, without defaults (`nil` means "clear it";
    /// an entry with a `defaultIfNull` whose source is null is not enforced at all).
    public let updateValues: PathValues<SCIMValue?>
    /// Reference attributes (the enterprise `manager`) as the directory gives them: the referenced
    /// user's directory id, which the Planner resolves to a target id through the links.
    public let createReferences: [SCIMPath: String]
    /// The references an update enforces (`nil` means "clear it").
    public let updateReferences: [SCIMPath: String?]

    public init(
        source: DirectoryUser, createValues: PathValues<SCIMValue>, updateValues: PathValues<SCIMValue?>,
        createReferences: [SCIMPath: String] = [:], updateReferences: [SCIMPath: String?] = [:]
    ) {
        self.source = source
        self.createValues = createValues
        self.updateValues = updateValues
        self.createReferences = createReferences
        self.updateReferences = updateReferences
    }

    public var userName: String? {
        if case .string(let s)? = createValues[.userName] { return s }
        return nil
    }

    public var externalId: String? {
        if case .string(let s)? = createValues[.externalId] { return s }
        return nil
    }

    /// Whether the user should be active; true when the mapping does not set `active`.
    public var active: Bool {
        if case .bool(let b)? = createValues[.active] { return b }
        return true
    }
}

/// The Mapping stage: applies a `Mapping` to directory users.
///
/// The mapping is compiled once (`init`), then evaluated per user: source attributes by their
/// lowercased name, expressions through `ExpressionEvaluator.Compiled`.
public struct Mapper: Sendable {
    public let mapping: Mapping
    private let compiled: [Entry]
    /// The entries of the matching attributes, in `Mapping.matchingPaths` order.
    private let matching: [Entry]
    /// The target paths of the mapping, shared by every user's values.
    private let layout: PathLayout

    /// A class: the per-user loop then retains one reference per entry, not each of its fields.
    private final class Entry: Sendable {
        enum Source: Sendable {
            case attribute(AttributeReader)
            case constant(String)
            case expression(Result<ExpressionEvaluator.Compiled, MappingError>, ignoreFlowIfNullOrEmpty: Bool)
        }

        let mapping: AttributeMapping
        let type: SCIMUserSchema.AttributeType
        let target: String
        let source: Source
        /// The target path's slot in `layout`.
        let slot: Int

        init(mapping: AttributeMapping, type: SCIMUserSchema.AttributeType, target: String, source: Source, slot: Int) {
            self.mapping = mapping
            self.type = type
            self.target = target
            self.source = source
            self.slot = slot
        }
    }

    public init(mapping: Mapping) {
        self.init(mapping: mapping, layout: PathLayout(mapping.entries.map(\.target)))
    }

    /// A mapper of the same mapping with entries of its own, and the same layout (the values it
    /// makes are laid out alike). Each slice of the planner's pass maps with one: the cores
    /// retaining and releasing the same entries a dozen times per user wait on each other, which
    /// cost up to half again the pass's time at a million users.
    func withEntriesOfItsOwn() -> Mapper {
        Mapper(mapping: mapping, layout: layout)
    }

    private init(mapping: Mapping, layout: PathLayout) {
        self.mapping = mapping
        compiled = mapping.entries.map { entry in
            let source: Entry.Source
            switch entry.source {
            case .attribute(let name): source = .attribute(AttributeReader(name))
            case .constant(let value): source = .constant(value)
            case .expression(let expression):
                var ignoreFlow = false
                if case .call(let name, _) = expression, name.equalsIgnoringCase("IgnoreFlowIfNullOrEmpty") { ignoreFlow = true }
                source = .expression(Result { () throws(MappingError) in try ExpressionEvaluator.Compiled(expression) },
                                     ignoreFlowIfNullOrEmpty: ignoreFlow)
            }
            return Entry(mapping: entry, type: SCIMUserSchema.type(of: entry.target), target: entry.target.description, source: source,
                         slot: layout.slot(of: entry.target)!)
        }
        matching = compiled.filter { $0.mapping.matchingPrecedence != nil }.sorted { $0.mapping.matchingPrecedence! < $1.mapping.matchingPrecedence! }
        self.layout = layout
    }

    /// The values `map` gives `user`'s matching attributes as a create would write them, in
    /// `Mapping.matchingPaths` order, and nothing else: what finding the user's matching keys needs.
    func matchingValues(_ user: DirectoryUser) throws(MappingError) -> [SCIMValue?] {
        var context = ExpressionEvaluator.Context(user: user, inScope: true)
        var values: [SCIMValue?] = []
        values.reserveCapacity(matching.count)
        for entry in matching {
            // A matching attribute is a string (`Mapping` refuses others), never a reference.
            guard let text = try text(of: entry, in: &context) else {
                values.append(nil)
                continue
            }
            values.append(try createValue(of: entry, from: text).created)
        }
        return values
    }

    /// Maps one user. `inScope` feeds the computed `IsSoftDeleted` attribute.
    /// - Throws: `MappingError` when a value cannot be computed or converted to its target's type.
    public func map(_ user: DirectoryUser, inScope: Bool = true) throws(MappingError) -> DesiredUser {
        var context = ExpressionEvaluator.Context(user: user, inScope: inScope)
        var createValues = PathValues<SCIMValue>(layout: layout)
        var updateValues = PathValues<SCIMValue?>(layout: layout)
        var createReferences: [SCIMPath: String] = [:]
        var updateReferences: [SCIMPath: String?] = [:]
        for entry in compiled {
            let path = entry.mapping.target
            guard let text = try text(of: entry, in: &context) else { continue }
            if entry.type == .reference {
                let id = text.flatMap { $0.isEmpty ? nil : $0 }
                if let id { createReferences[path] = id }
                if entry.mapping.apply == .always { updateReferences[path] = .some(id) }
                continue
            }
            let (value, created) = try createValue(of: entry, from: text)
            if let created {
                createValues.set(created, inSlot: entry.slot)
            }
            // An entry with a default is not enforced while its source is null: the default written on
            // create stays (Entra neither sends the default nor clears the value on update).
            if entry.mapping.apply == .always && (value != nil || entry.mapping.defaultIfNull == nil) {
                updateValues.set(.some(value), inSlot: entry.slot)
            }
        }
        return DesiredUser(source: user, createValues: createValues, updateValues: updateValues,
                           createReferences: createReferences, updateReferences: updateReferences)
    }

    /// The text `entry` gives the context's user (`nil` inside: no value), or `nil` when the entry
    /// is left out of the flow (`IgnoreFlowIfNullOrEmpty` of nothing).
    private func text(of entry: Entry, in context: inout ExpressionEvaluator.Context) throws(MappingError) -> String?? {
        let raw: ExpressionValue
        switch entry.source {
        case .attribute(let reader): raw = reader.read(context)
        case .constant(let value): raw = .text(value)
        case let .expression(expression, ignoreFlow):
            context.target = entry.target
            do {
                raw = try expression.get().evaluate(in: context)
            } catch {
                throw .valueFailed(path: entry.target, reason: error.description)
            }
            // IgnoreFlowIfNullOrEmpty: the attribute is left out of the flow, neither set nor cleared.
            if ignoreFlow && raw.isNullOrEmpty { return nil }
        }
        return .some(try Self.single(raw, for: entry.target))
    }

    /// `text` as `entry`'s target type (`value`), and what a create writes: that, or the entry's
    /// `defaultIfNull` when it is null.
    private func createValue(of entry: Entry, from text: String?) throws(MappingError) -> (value: SCIMValue?, created: SCIMValue?) {
        let path = entry.mapping.target
        let value = try Self.convert(text, for: path, type: entry.type)
        let fallback = value == nil ? try Self.convert(entry.mapping.defaultIfNull, for: path, type: entry.type) : nil
        return (value, value ?? fallback)
    }

    /// The one value a single-valued target gets: a list of one is that value, of more an error.
    static func single(_ value: ExpressionValue, for path: String) throws(MappingError) -> String? {
        switch value {
        case .null: return nil
        case .text(let text): return text
        case .list(let values):
            guard values.count <= 1 else { throw .severalValues(path: path, count: values.count) }
            return values.first
        }
    }

    /// Converts an expression result to the target's SCIM type; empty text is no value.
    static func convert(
        _ raw: String?, for path: SCIMPath, type: SCIMUserSchema.AttributeType? = nil
    ) throws(MappingError) -> SCIMValue? {
        guard let raw, !raw.isEmpty else { return nil }
        guard (type ?? SCIMUserSchema.type(of: path)) == .boolean else { return .string(raw) }
        guard let flag = Mapping.boolean(raw) else { throw .notABoolean(path: path.description, value: raw) }
        return .bool(flag)
    }
}
