/// Writes a planned create's stored resource straight from its mapped values: the same bytes as
/// building the resource (`JSONValue.userResource`), adding `id` and `meta`, and writing it with
/// `JSONWriter`, without a dictionary per object or sorting keys per user.
///
/// The shape of the resource (which object holds which value, in which key order) depends only on
/// the mapping's paths, so it is worked out once per `PathLayout`; what depends on the values (which
/// members are there, the order of `schemas` and of typed elements, which element is `primary`) is
/// decided per user as `JSONValue.set` decides it. A layout the shape cannot describe exactly (two
/// spellings of one name, an attribute used both whole and by sub-attribute, a path at `id` or
/// `meta`) has no `CreateJSON`, and its creates take the general path.
struct CreateJSON {
    /// The layout this shape describes.
    let layout: PathLayout
    /// The top-level members in the order they are written (by UTF-8 bytes).
    private let top: [(key: String, member: Top)]
    private let extensions: [Container]
    /// Each slot's position in `layout.sortedSlots`, the order `userResource` sets values in.
    private let rank: [Int]
    /// The slots of `userName`, `externalId` and `active` (as `JSONValue.member` finds them).
    private let userNameSlot: Int?
    private let externalIdSlot: Int?
    private let activeSlot: Int?

    private enum Top {
        case schemas, id, meta
        case attribute(Member)
        /// An extension schema's object, by index into `extensions`.
        case schema(Int)
    }

    private struct Container {
        let schema: String
        let members: [(key: String, member: Member)]
    }

    private enum Member {
        case leaf(slot: Int)
        /// Sub-attributes in key order.
        case object([(key: String, slot: Int)])
        /// One element per type, in layout order; written in the order their first values are set.
        case typed([Element])

        var slots: [Int] {
            switch self {
            case .leaf(let slot): return [slot]
            case .object(let members): return members.map(\.slot)
            case .typed(let elements): return elements.flatMap(\.slots)
            }
        }
    }

    private struct Element {
        let type: String
        /// `type`, `primary` and the sub-attributes, in key order; a sub-attribute with its slot.
        let keys: [(key: String, slot: Int?)]
        var slots: [Int] { keys.compactMap(\.slot) }
    }

    /// The shape of `layout`'s resources, or `nil` when the general path must write them.
    init?(layout: PathLayout) {
        let paths = layout.paths
        var rank = Array(repeating: 0, count: paths.count)
        for (position, slot) in layout.sortedSlots.enumerated() { rank[slot] = position }
        // Paths grouped by container (nil: the core schema), then by attribute, in layout order.
        var groups: [(schema: String?, attributes: [(name: String, slots: [Int])])] = []
        for slot in layout.sortedSlots {
            let path = paths[slot]
            if path.typeFilter != nil && path.subAttribute == nil { return nil }
            if let schema = path.schema, JSONValue.sameName(schema, SCIMPath.coreSchema) { return nil }
            guard let group = Self.index(of: path.schema, in: groups.map(\.schema)) else { return nil }
            if group == groups.count { groups.append((path.schema, [])) }
            guard let attribute = Self.index(of: path.attribute, in: groups[group].attributes.map(\.name)) else { return nil }
            if attribute == groups[group].attributes.count { groups[group].attributes.append((path.attribute, [])) }
            groups[group].attributes[attribute].slots.append(slot)
        }
        var top: [(key: String, member: Top)] = [("schemas", .schemas), ("id", .id), ("meta", .meta)]
        var extensions: [Container] = []
        for group in groups {
            var members: [(key: String, member: Member)] = []
            for attribute in group.attributes {
                guard let member = Self.member(attribute.slots.map { paths[$0] }, slots: attribute.slots) else { return nil }
                members.append((attribute.name, member))
            }
            if let schema = group.schema {
                top.append((schema, .schema(extensions.count)))
                extensions.append(Container(schema: schema, members: members.sorted { JSONWriter.keyPrecedes($0.key, $1.key) }))
            } else {
                top += members.map { ($0.key, .attribute($0.member)) }
            }
        }
        // Every top-level name once, whatever its case: `set` would merge two spellings.
        guard Self.distinct(top.map(\.key)) else { return nil }
        self.layout = layout
        self.top = top.sorted { JSONWriter.keyPrecedes($0.key, $1.key) }
        self.extensions = extensions
        self.rank = rank
        func coreSlot(_ name: String) -> Int? {
            paths.indices.first { paths[$0].schema == nil && paths[$0].typeFilter == nil && paths[$0].subAttribute == nil
                && JSONValue.sameName(paths[$0].attribute, name) }
        }
        userNameSlot = coreSlot("userName")
        externalIdSlot = coreSlot("externalId")
        activeSlot = coreSlot("active")
    }

    /// The position of `name` among `names` (`names.count` when new), or `nil` when only another
    /// spelling of it is there.
    private static func index(of name: String?, in names: [String?]) -> Int? {
        if let exact = names.firstIndex(of: name) { return exact }
        if let name, names.contains(where: { $0.map { JSONValue.sameName($0, name) } ?? false }) { return nil }
        return names.count
    }

    private static func distinct(_ names: [String]) -> Bool {
        for (position, name) in names.enumerated() where names[..<position].contains(where: { JSONValue.sameName($0, name) }) {
            return false
        }
        return true
    }

    /// One attribute's member from its paths: whole, by sub-attribute, or by typed element.
    private static func member(_ paths: [SCIMPath], slots: [Int]) -> Member? {
        if paths.count == 1, paths[0].subAttribute == nil { return .leaf(slot: slots[0]) }
        guard paths.allSatisfy({ $0.subAttribute != nil }) else { return nil }
        if paths.allSatisfy({ $0.typeFilter == nil }) {
            guard distinct(paths.map { $0.subAttribute! }) else { return nil }
            return .object(zip(paths, slots).map { ($0.subAttribute!, $1) }.sorted { JSONWriter.keyPrecedes($0.key, $1.key) })
        }
        guard paths.allSatisfy({ $0.typeFilter != nil }) else { return nil }
        var elements: [(type: String, subs: [(key: String, slot: Int)])] = []
        for (path, slot) in zip(paths, slots) {
            guard let index = index(of: path.typeFilter, in: elements.map(\.type)) else { return nil }
            if index == elements.count { elements.append((path.typeFilter!, [])) }
            elements[index].subs.append((path.subAttribute!, slot))
        }
        var result: [Element] = []
        for element in elements {
            let keys: [(key: String, slot: Int?)] = [("type", nil), ("primary", nil)] + element.subs.map { ($0.key, $0.slot) }
            guard distinct(keys.map(\.key)) else { return nil }
            result.append(Element(type: element.type, keys: keys.sorted { JSONWriter.keyPrecedes($0.key, $1.key) }))
        }
        return .typed(result)
    }

    /// `userName`, `externalId` and `active` as the general path reads them from the resource.
    func identity(_ values: PathValues<SCIMValue>) -> (userName: String?, externalId: String?, active: Bool) {
        func json(_ slot: Int?) -> JSONValue? { slot.flatMap { leaf(values, slot: $0) } }
        return (json(userNameSlot)?.stringValue, json(externalIdSlot)?.stringValue, json(activeSlot)?.boolValue ?? true)
    }

    /// The value at a path of the resource, as `JSONValue.value(at:)` finds it, or `nil` (also when
    /// it is not a plain value); `path` need not be in the layout.
    func value(_ values: PathValues<SCIMValue>, at path: SCIMPath) -> SCIMValue? {
        let paths = layout.paths
        func same(_ a: String?, _ b: String?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case (let a?, let b?): return JSONValue.sameName(a, b)
            default: return false
            }
        }
        guard let slot = paths.indices.first(where: {
            same(paths[$0].schema, path.schema) && same(paths[$0].attribute, path.attribute)
                && same(paths[$0].typeFilter, path.typeFilter) && same(paths[$0].subAttribute, path.subAttribute)
        }) else { return nil }
        return leaf(values, slot: slot).flatMap(SCIMValue.init(json:))
    }

    /// The JSON `userResource` sets for the value in `slot`.
    private func leaf(_ values: PathValues<SCIMValue>, slot: Int) -> JSONValue? {
        guard let value = values.value(inSlot: slot) else { return nil }
        let path = layout.paths[slot]
        let json = SCIMUserSchema.json(value, at: path)
        // As `JSONValue.set` keeps the enterprise manager given as a bare id.
        if case .string = json, path.isManager, path.subAttribute == nil { return .object(["value": json]) }
        return json
    }

    /// Appends the stored resource: `values` with `id` and `meta` (created, last modified, version).
    func write(
        _ values: PathValues<SCIMValue>, id: String, created: String, lastModified: String, version: String,
        into buffer: inout [UInt8]
    ) {
        precondition(values.layout === layout, "a CreateJSON writes values of its own layout")
        func present(_ slot: Int) -> Bool { values.value(inSlot: slot) != nil }
        /// The position at which `set` would first create the container of `slots`.
        func firstSet(_ slots: [Int]) -> Int? { slots.lazy.filter(present).map { rank[$0] }.min() }
        var separator = false
        func key(_ name: String) {
            if separator { buffer.append(UInt8(ascii: ",")) }
            separator = true
            JSONWriter.appendString(name, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
        }
        buffer.append(UInt8(ascii: "{"))
        for (name, member) in top {
            switch member {
            case .schemas:
                key(name)
                buffer.append(UInt8(ascii: "["))
                JSONWriter.appendString(SCIMPath.coreSchema, to: &buffer)
                let listed = extensions.compactMap { container in
                    firstSet(container.members.flatMap(\.member.slots)).map { (container.schema, $0) }
                }
                for (schema, _) in listed.sorted(by: { $0.1 < $1.1 }) {
                    buffer.append(UInt8(ascii: ","))
                    JSONWriter.appendString(schema, to: &buffer)
                }
                buffer.append(UInt8(ascii: "]"))
            case .id:
                key(name)
                JSONWriter.appendString(id, to: &buffer)
            case .meta:
                key(name)
                Self.appendASCII("{\"created\":", to: &buffer)
                JSONWriter.appendString(created, to: &buffer)
                Self.appendASCII(",\"lastModified\":", to: &buffer)
                JSONWriter.appendString(lastModified, to: &buffer)
                Self.appendASCII(",\"location\":", to: &buffer)
                JSONWriter.appendString("Users/" + id, to: &buffer)
                Self.appendASCII(",\"resourceType\":\"User\",\"version\":", to: &buffer)
                JSONWriter.appendString(version, to: &buffer)
                buffer.append(UInt8(ascii: "}"))
            case .attribute(let member):
                guard member.slots.contains(where: present) else { continue }
                key(name)
                append(member, into: &buffer)
            case .schema(let index):
                let container = extensions[index]
                guard container.members.contains(where: { $0.member.slots.contains(where: present) }) else { continue }
                key(name)
                var first = true
                buffer.append(UInt8(ascii: "{"))
                for (name, member) in container.members where member.slots.contains(where: present) {
                    if !first { buffer.append(UInt8(ascii: ",")) }
                    first = false
                    JSONWriter.appendString(name, to: &buffer)
                    buffer.append(UInt8(ascii: ":"))
                    append(member, into: &buffer)
                }
                buffer.append(UInt8(ascii: "}"))
            }
        }
        buffer.append(UInt8(ascii: "}"))

        func append(_ member: Member, into buffer: inout [UInt8]) {
            switch member {
            case .leaf(let slot):
                appendLeaf(slot, into: &buffer)
            case .object(let members):
                appendObject(members.lazy.filter { present($0.slot) }.map { ($0.key, $0.slot, false) }, into: &buffer)
            case .typed(let elements):
                let ordered = elements.compactMap { element in firstSet(element.slots).map { (element, $0) } }
                    .sorted { $0.1 < $1.1 }.map(\.0)
                buffer.append(UInt8(ascii: "["))
                for (position, element) in ordered.enumerated() {
                    if position > 0 { buffer.append(UInt8(ascii: ",")) }
                    appendObject(element.keys.lazy.compactMap { key, slot -> (String, Int?, Bool)? in
                        if let slot { return present(slot) ? (key, slot, false) : nil }
                        if key == "type" { return (key, nil, false) }
                        return position == 0 ? (key, nil, true) : nil
                    }, type: element.type, into: &buffer)
                }
                buffer.append(UInt8(ascii: "]"))
            }
        }

        /// An object of (key, slot) members; a member without a slot is the element's `type`, or
        /// `primary` when flagged.
        func appendObject(_ members: some Sequence<(String, Int?, Bool)>, type: String = "", into buffer: inout [UInt8]) {
            buffer.append(UInt8(ascii: "{"))
            var first = true
            for (name, slot, primary) in members {
                if !first { buffer.append(UInt8(ascii: ",")) }
                first = false
                JSONWriter.appendString(name, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                if let slot {
                    appendLeaf(slot, into: &buffer)
                } else if primary {
                    Self.appendASCII("true", to: &buffer)
                } else {
                    JSONWriter.appendString(type, to: &buffer)
                }
            }
            buffer.append(UInt8(ascii: "}"))
        }

        func appendLeaf(_ slot: Int, into buffer: inout [UInt8]) {
            switch leaf(values, slot: slot) {
            case .string(let text)?: JSONWriter.appendString(text, to: &buffer)
            case .bool(let flag)?: Self.appendASCII(flag ? "true" : "false", to: &buffer)
            case let json?: JSONWriter.write(json, into: &buffer)
            case nil: Self.appendASCII("null", to: &buffer)
            }
        }
    }

    private static func appendASCII(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
