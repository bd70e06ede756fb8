import Foundation

/// Writing through `/Bulk` (RFC 7644 §3.7): one request for many operations, within the endpoint's
/// `bulk.maxOperations` and `bulk.maxPayloadSize`. Anything a Bulk answer leaves uncertain (a
/// lost answer, a 409, a 412, a 5xx for one operation) is redone on its own through `SCIMWriter`,
/// which looks before it creates and re-reads before it patches.
extension SCIMTarget {
    /// One operation of a BulkRequest, and the action it came from.
    private struct BulkItem {
        let index: Int
        let action: PlanAction
        let method: String
        let path: String
        let json: JSONValue
        let size: Int
    }

    func bulk(_ work: [(index: Int, action: PlanAction)]) -> [Int: Result<String, any Error>] {
        var results: [Int: Result<String, any Error>] = [:]
        var single: [(index: Int, action: PlanAction, uncertain: Bool)] = []
        var items: [BulkItem] = []
        for (index, action) in work {
            switch operation(for: action, index: index) {
            case .none: single.append((index, action, false))
            case .some(.done(let id)): results[index] = .success(id)
            case .some(.send(let method, let path, let json)):
                items.append(BulkItem(index: index, action: action, method: method, path: path, json: json,
                                      size: JSONWriter.write(json).utf8.count + 1))
            }
        }
        for chunk in chunks(items) {
            send(chunk, into: &results, single: &single)
        }
        results.merge(individually(single)) { _, new in new }
        return results
    }

    private enum Prepared {
        case done(String)
        case send(method: String, path: String, json: JSONValue)
    }

    /// The Bulk operation for `action`; `nil` when it must go on its own (a user not read yet, or
    /// changed since the plan), `.done` when there is nothing left to send.
    private func operation(for action: PlanAction, index: Int) -> Prepared? {
        switch action.kind {
        case .create:
            guard let resource = action.resource else { return nil }
            return .send(method: "POST", path: "/Users", json: .object([
                "method": .string("POST"), "path": .string("/Users"), "bulkId": .string("op\(index)"), "data": resource,
            ]))
        case .update, .disable, .delete:
            guard let id = action.targetId, let user = writer.cached(id),
                  action.version == nil || user.version.isEmpty || user.version == action.version else { return nil }
            let path = "/Users/\(SCIMClient.segment(id))"
            var json: [String: JSONValue] = ["path": .string(path)]
            if capabilities.etag && !user.version.isEmpty { json["version"] = .string(user.version) }
            if action.kind == .delete {
                json["method"] = .string("DELETE")
                return .send(method: "DELETE", path: path, json: .object(json))
            }
            let operations = PatchRequest.operations(action.operations, current: user.resource)
            if operations.isEmpty { return .done(id) }
            if !capabilities.patch { return nil }
            json["method"] = .string("PATCH")
            json["data"] = .object([
                "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:PatchOp")]), "Operations": .array(operations),
            ])
            return .send(method: "PATCH", path: path, json: .object(json))
        case .link, .skip:
            return .done(action.targetId ?? "")
        }
    }

    /// Splits the operations into requests within maxOperations and maxPayloadSize.
    private func chunks(_ items: [BulkItem]) -> [[BulkItem]] {
        let maxOperations = max(1, capabilities.bulkMaxOperations)
        // Room for the BulkRequest envelope around the operations.
        let maxPayload = capabilities.bulkMaxPayloadSize > 0 ? capabilities.bulkMaxPayloadSize - 256 : Int.max
        var chunks: [[BulkItem]] = []
        var current: [BulkItem] = []
        var size = 0
        for item in items {
            if !current.isEmpty && (current.count >= maxOperations || size + item.size > maxPayload) {
                chunks.append(current)
                current = []
                size = 0
            }
            current.append(item)
            size += item.size
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// Sends one BulkRequest and sorts its answers into results, or actions to redo on their own.
    private func send(
        _ chunk: [BulkItem], into results: inout [Int: Result<String, any Error>],
        single: inout [(index: Int, action: PlanAction, uncertain: Bool)]
    ) {
        let answers: [JSONValue]
        do {
            answers = try client.bulk(chunk.map(\.json))
        } catch {
            if error.stopsRun {
                for item in chunk { results[item.index] = .failure(error) }
            } else if error.status == 413 && chunk.count > 1 {
                // The endpoint counts differently than announced: halve until it fits.
                send(Array(chunk[..<(chunk.count / 2)]), into: &results, single: &single)
                send(Array(chunk[(chunk.count / 2)...]), into: &results, single: &single)
            } else {
                if let status = error.status, [404, 405, 501].contains(status) {
                    usesBulk = false
                    notice("the endpoint refused /Bulk (\(error)); sending one request per user instead")
                }
                single += chunk.map { ($0.index, $0.action, error.mayHaveBeenApplied) }
            }
            return
        }
        var byBulkID: [String: JSONValue] = [:]
        var byTarget: [String: JSONValue] = [:]
        for answer in answers {
            if let bulkID = answer.member("bulkId")?.stringValue { byBulkID[bulkID] = answer }
            if let method = answer.member("method")?.stringValue?.uppercased(), let location = answer.member("location")?.stringValue,
               let id = location.split(separator: "/").last.map(String.init)?.removingPercentEncoding {
                byTarget["\(method) \(id)"] = answer
            }
        }
        for (position, item) in chunk.enumerated() {
            let answer = item.method == "POST"
                ? byBulkID["op\(item.index)"]
                : byTarget["\(item.method) \(item.action.targetId ?? "")"] ?? (answers.count == chunk.count ? answers[position] : nil)
            guard let answer else {
                // No answer for it (the endpoint stopped early): it may or may not have been applied.
                single.append((item.index, item.action, true))
                continue
            }
            let statusValue = answer.member("status")
            let status = statusValue?.intValue ?? statusValue?.stringValue.flatMap { Int($0) }
                ?? statusValue?.member("code")?.stringValue.flatMap { Int($0) } ?? 0
            if (200..<300).contains(status) {
                let location = answer.member("location")?.stringValue
                let id = item.method == "POST"
                    ? location?.split(separator: "/").last.map(String.init)?.removingPercentEncoding
                        ?? answer.member("response")?.member("id")?.stringValue
                    : item.action.targetId
                if let id {
                    writer.forget(id)
                    results[item.index] = .success(id)
                } else {
                    single.append((item.index, item.action, true))
                }
                continue
            }
            let response = answer.member("response")
            let error = SCIMError.status(
                method: item.method, url: client.url(item.path), status: status,
                scimType: response?.member("scimType")?.stringValue, detail: response?.member("detail")?.stringValue)
            if error.stopsRun {
                results[item.index] = .failure(error)
            } else if [409, 412, 429].contains(status) || status >= 500 || status == 0 {
                single.append((item.index, item.action, error.mayHaveBeenApplied || status == 0))
            } else {
                results[item.index] = .failure(ActionFailure(code: error.code, message: error.description))
            }
        }
    }
}
