import LiveTSHTML

/// The components each connection has joined, with the last HTML the
/// browser holds for each, which every update is diffed against.
struct ComponentRegistry {
    struct Entry {
        var html: [UInt8]
        var seq: UInt64
        /// The parsed `html`, once an update has needed it; kept so each
        /// update parses only the new markup.
        var tree: HTMLDocument? = nil
    }

    /// Parses and diffs shared by components that render the same markup.
    let diffs = HTMLDiffCache()

    struct Key: Hashable {
        let connection: UInt64
        let component: [UInt8]
    }

    private(set) var entries: [Key: Entry] = [:]
    private var byConnection: [UInt64: Set<[UInt8]>] = [:]

    var count: Int { entries.count }

    /// The kept tree of `key`, taken out of its entry so the caller holds
    /// it alone and splicing can change it in place.
    mutating func takeTree(_ key: Key) -> HTMLDocument? {
        guard let tree = entries[key]?.tree else { return nil }
        entries[key]?.tree = nil
        return tree
    }

    /// Lets go of the entry's HTML for a time, so the kept tree's source,
    /// the same bytes, is held once and can be changed in place.
    mutating func releaseHTML(_ key: Key) {
        entries[key]?.html = []
    }

    /// Puts back the HTML `releaseHTML` let go of.
    mutating func restoreHTML(_ key: Key, _ html: [UInt8]) {
        entries[key]?.html = html
    }

    /// Puts back a tree `takeTree` took.
    mutating func restoreTree(_ key: Key, _ tree: HTMLDocument) {
        entries[key]?.tree = tree
    }

    subscript(key: Key) -> Entry? {
        get { entries[key] }
        set {
            entries[key] = newValue
            if newValue == nil {
                byConnection[key.connection]?.remove(key.component)
                if byConnection[key.connection]?.isEmpty == true { byConnection[key.connection] = nil }
            } else {
                byConnection[key.connection, default: []].insert(key.component)
            }
        }
    }

    /// Forgets every component of a connection and returns their keys.
    mutating func removeConnection(_ connection: UInt64) -> [Key] {
        guard let components = byConnection.removeValue(forKey: connection) else { return [] }
        let keys = components.map { Key(connection: connection, component: $0) }
        for key in keys { entries[key] = nil }
        return keys
    }
}
