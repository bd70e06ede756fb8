/// One operation of a SCIM PATCH request (RFC 7644 §3.5.2): add, replace or remove a value at a path.
public struct PatchOperation: Sendable, Equatable {
    public enum Op: String, Sendable {
        case add, replace, remove
    }

    public let op: Op
    public let path: SCIMPath
    /// The new value; `nil` for `remove`.
    public let value: JSONValue?

    public init(op: Op, path: SCIMPath, value: JSONValue?) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// The minimal operation that takes `path` from `old` to `new`, or `nil` when they are equal.
    ///
    /// `add` where the resource has no value (strict servers answer `replace` on a missing filtered
    /// path with 400 noTarget), `replace` where it has one, `remove` where the value goes away.
    static func between(_ old: SCIMValue?, _ new: SCIMValue?, at path: SCIMPath) -> PatchOperation? {
        switch (old, new) {
        case (nil, nil): return nil
        case (nil, let new?): return PatchOperation(op: .add, path: path, value: SCIMUserSchema.json(new, at: path))
        case (_?, nil): return PatchOperation(op: .remove, path: path, value: nil)
        case (let old?, let new?):
            return old == new ? nil : PatchOperation(op: .replace, path: path, value: SCIMUserSchema.json(new, at: path))
        }
    }

    /// The operation as a PatchOp `Operations` element.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["op": .string(op.rawValue), "path": .string(path.description)]
        if let value { members["value"] = value }
        return .object(members)
    }
}

/// One attribute's old and new value, as the plan shows it for review.
public struct AttributeChange: Sendable, Equatable {
    public let path: SCIMPath
    public let old: SCIMValue?
    public let new: SCIMValue?

    public init(path: SCIMPath, old: SCIMValue?, new: SCIMValue?) {
        self.path = path
        self.old = old
        self.new = new
    }
}
