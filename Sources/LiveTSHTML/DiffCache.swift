/// Shares parsing and diffing between components that render the same
/// markup: a broadcast re-rendering 1,000 identical views parses the new
/// markup once and computes its patch once, and the other 999 get the same
/// tree and the same bytes.
///
/// Both tables are bounded in entries and in bytes, oldest out first. The
/// patch table names trees by serial numbers this cache gave them, so it
/// keeps no tree alive.
///
/// Not thread-safe: one cache per event loop.
public final class HTMLDiffCache {
    private struct Pair: Hashable {
        let old: UInt64
        let new: UInt64
    }

    private let documentLimit: Int
    private let patchLimit: Int
    private let byteLimit: Int
    private var documents: [UInt64: HTMLDocument] = [:]
    private var documentOrder: [UInt64] = []
    private var documentBytes = 0
    private var patches: [Pair: [UInt8]] = [:]
    private var patchOrder: [Pair] = []
    private var patchBytes = 0
    private var serial: UInt64 = 0
    public private(set) var documentHits = 0
    public private(set) var patchHits = 0

    /// `bytes` bounds the markup held by each table.
    public init(documents: Int = 32, patches: Int = 64, bytes: Int = 16 << 20) {
        documentLimit = max(1, documents)
        patchLimit = max(1, patches)
        byteLimit = max(1, bytes)
    }

    /// The tree of `html`, parsed once for as long as it stays cached.
    public func document(for html: [UInt8]) -> HTMLDocument {
        let key = html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { Hash.bytes($0, buffer.count, Hash.seed) } ?? 0
        }
        // Byte equality, not the hash alone, decides a hit.
        if let document = documents[key], document.source == html {
            documentHits += 1
            return document
        }
        let document = HTMLDocument(html)
        serial += 1
        document.cacheKey = (ObjectIdentifier(self), serial)
        guard html.count <= byteLimit / 4 else { return document }
        if let previous = documents.updateValue(document, forKey: key) {
            documentBytes -= previous.source.count
        } else {
            documentOrder.append(key)
        }
        documentBytes += html.count
        while documentOrder.count > documentLimit || documentBytes > byteLimit {
            if let evicted = documents.removeValue(forKey: documentOrder.removeFirst()) {
                documentBytes -= evicted.source.count
            }
        }
        return document
    }

    /// The patch from `old` to `new`, computed once per pair of trees this
    /// cache made.
    public func patch(from old: HTMLDocument, to new: HTMLDocument) -> [UInt8] {
        let id = ObjectIdentifier(self)
        guard let a = old.cacheKey, let b = new.cacheKey, a.owner == id, b.owner == id else {
            return HTMLDiffer.diff(old: old, new: new)
        }
        let pair = Pair(old: a.serial, new: b.serial)
        if let bytes = patches[pair] {
            patchHits += 1
            return bytes
        }
        let bytes = HTMLDiffer.diff(old: old, new: new)
        guard bytes.count <= byteLimit / 4 else { return bytes }
        patches[pair] = bytes
        patchOrder.append(pair)
        patchBytes += bytes.count
        while patchOrder.count > patchLimit || patchBytes > byteLimit {
            if let evicted = patches.removeValue(forKey: patchOrder.removeFirst()) {
                patchBytes -= evicted.count
            }
        }
        return bytes
    }
}
