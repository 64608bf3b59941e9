import LiveTSHTML
import LiveTSNet

/// One tracked presence: `key` (a user id, say) on `topic`, held by
/// connection `conn` of node `node`, described by `meta` (JSON text).
public struct PresenceEntry: Equatable {
    var node: [UInt8]
    var conn: UInt64
    var topic: [UInt8]
    var key: [UInt8]
    var meta: [UInt8]

    struct ID: Hashable {
        var node: [UInt8]
        var conn: UInt64
        var key: [UInt8]
    }

    var id: ID { ID(node: node, conn: conn, key: key) }

    /// Keys become JSON object keys in diffs and lists.
    public static func isValidKey(_ key: [UInt8]) -> Bool { UTF8Validator.isValid(key) }

    /// Metas are spliced into JSON unparsed, so they must be one JSON value.
    public static func isValidMeta(_ meta: [UInt8]) -> Bool {
        guard UTF8Validator.isValid(meta) else { return false }
        return JSONReader.topLevelArray([91] + meta + [93])?.count == 1
    }
}

/// Joins and leaves of one topic, in the order they happened.
struct PresenceDiff {
    var joins: [PresenceEntry] = []
    var leaves: [PresenceEntry] = []

    var isEmpty: Bool { joins.isEmpty && leaves.isEmpty }

    /// `{"presence_diff":{"joins":{key:[meta…]},"leaves":{key:[meta…]}}}`
    var json: [UInt8] {
        var out = Array(#"{"presence_diff":{"joins":"#.utf8)
        PresenceDiff.appendGrouped(joins, to: &out)
        out += Array(#","leaves":"#.utf8)
        PresenceDiff.appendGrouped(leaves, to: &out)
        out += Array("}}".utf8)
        return out
    }

    /// A JSON object of key → array of metas, keys in first-seen order.
    static func appendGrouped(_ entries: [PresenceEntry], to out: inout [UInt8]) {
        var order: [[UInt8]] = []
        var metas: [[UInt8]: [[UInt8]]] = [:]
        for entry in entries {
            if metas[entry.key] == nil { order.append(entry.key) }
            metas[entry.key, default: []].append(entry.meta)
        }
        out.append(123)
        for (i, key) in order.enumerated() {
            if i > 0 { out.append(44) }
            appendJSONString(key, to: &out)
            out += [58, 91]
            for (j, meta) in metas[key]!.enumerated() {
                if j > 0 { out.append(44) }
                out += meta
            }
            out.append(93)
        }
        out.append(125)
    }
}

typealias PresenceDiffs = [[UInt8]: PresenceDiff]

/// Every presence this node knows of, its own and other nodes', indexed by
/// topic (for lists and diffs) and by node and connection (so a closed
/// connection or a dead node costs what it held, not the whole table).
struct PresenceTable {
    private var topics: [[UInt8]: [PresenceEntry.ID: PresenceEntry]] = [:]
    private var owned: [[UInt8]: [UInt64: Set<TopicKey>]] = [:]

    private struct TopicKey: Hashable {
        var topic: [UInt8]
        var key: [UInt8]
    }

    var count: Int { topics.values.reduce(0) { $0 + $1.count } }

    /// Adds an entry or changes its meta (a leave of the old meta and a join
    /// of the new, as Phoenix reports an update). Same meta: no diff.
    mutating func upsert(_ entry: PresenceEntry, into diffs: inout PresenceDiffs) {
        let id = entry.id
        if let old = topics[entry.topic]?[id] {
            guard old.meta != entry.meta else { return }
            diffs[entry.topic, default: PresenceDiff()].leaves.append(old)
        }
        topics[entry.topic, default: [:]][id] = entry
        owned[entry.node, default: [:]][entry.conn, default: []].insert(TopicKey(topic: entry.topic, key: entry.key))
        diffs[entry.topic, default: PresenceDiff()].joins.append(entry)
    }

    mutating func remove(node: [UInt8], conn: UInt64, topic: [UInt8], key: [UInt8], into diffs: inout PresenceDiffs) {
        let id = PresenceEntry.ID(node: node, conn: conn, key: key)
        guard let old = topics[topic]?.removeValue(forKey: id) else { return }
        if topics[topic]?.isEmpty == true { topics[topic] = nil }
        owned[node]?[conn]?.remove(TopicKey(topic: topic, key: key))
        if owned[node]?[conn]?.isEmpty == true { owned[node]?[conn] = nil }
        if owned[node]?.isEmpty == true { owned[node] = nil }
        diffs[topic, default: PresenceDiff()].leaves.append(old)
    }

    mutating func removeConnection(node: [UInt8], conn: UInt64, into diffs: inout PresenceDiffs) {
        guard let held = owned[node]?[conn] else { return }
        for item in held { remove(node: node, conn: conn, topic: item.topic, key: item.key, into: &diffs) }
    }

    mutating func removeNode(_ node: [UInt8], into diffs: inout PresenceDiffs) {
        guard let conns = owned[node] else { return }
        for (conn, held) in conns {
            for item in held { remove(node: node, conn: conn, topic: item.topic, key: item.key, into: &diffs) }
        }
    }

    /// Makes `node`'s entries exactly `entries` (a full-state announcement).
    mutating func replaceNode(_ node: [UInt8], with entries: [PresenceEntry], into diffs: inout PresenceDiffs) {
        var keep: [PresenceEntry.ID: Set<[UInt8]>] = [:]
        for entry in entries {
            keep[entry.id, default: []].insert(entry.topic)
        }
        for old in self.entries(of: node) where keep[old.id]?.contains(old.topic) != true {
            remove(node: node, conn: old.conn, topic: old.topic, key: old.key, into: &diffs)
        }
        for entry in entries { upsert(entry, into: &diffs) }
    }

    func entries(of node: [UInt8]) -> [PresenceEntry] {
        guard let conns = owned[node] else { return [] }
        var out: [PresenceEntry] = []
        for (conn, held) in conns {
            for item in held {
                if let entry = topics[item.topic]?[PresenceEntry.ID(node: node, conn: conn, key: item.key)] { out.append(entry) }
            }
        }
        return out
    }

    var nodes: [[UInt8]] { Array(owned.keys) }

    /// `{key:[meta…]}` for a topic, keys sorted so lists compare stably.
    func list(_ topic: [UInt8]) -> [UInt8] {
        let entries = (topics[topic]?.values).map(Array.init) ?? []
        let sorted = entries.sorted { a, b in
            if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
            if a.node != b.node { return a.node.lexicographicallyPrecedes(b.node) }
            return a.conn < b.conn
        }
        var out: [UInt8] = []
        PresenceDiff.appendGrouped(sorted, to: &out)
        return out
    }
}
