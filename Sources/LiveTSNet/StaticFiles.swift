#if canImport(Glibc)
import Glibc
#endif

/// Serves files under a root folder for paths under a URL prefix. Any path
/// that could name something outside the root (dot segments, encoded dots,
/// NUL, backslashes, symlinks that leave the root) is answered 404.
public struct StaticMount {
    public let prefix: [UInt8]
    public let root: String

    /// `root` is resolved once; nil if it does not exist.
    public init?(prefix: String, directory: String) {
        guard let resolved = StaticMount.realPath(directory) else { return nil }
        self.prefix = Array(prefix.utf8)
        self.root = resolved
    }

    public func matches(_ path: [UInt8]) -> Bool {
        path.count >= prefix.count && Array(path[0..<prefix.count]) == prefix
    }

    public enum Answer {
        case file(body: [UInt8], contentType: String, etag: String, path: String)
        /// A file too large to read whole: sent from `descriptor` as the
        /// client reads it. Whoever takes the answer closes the descriptor.
        case largeFile(descriptor: Int32, size: Int, contentType: String, etag: String)
        case notFound
    }

    /// Files up to this size are read whole (and gzipped and cached);
    /// larger ones are streamed from disk, uncompressed.
    public static let wholeFileLimit = 1 << 20

    public func lookup(_ path: [UInt8]) -> Answer {
        guard matches(path), let relative = percentDecoded(path[prefix.count...].prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }) else { return .notFound }
        var segments: [String] = []
        for segment in relative.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty || segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) { return .notFound }
            if segment.contains(0) || segment.contains(UInt8(ascii: "\\")) || segment.first == UInt8(ascii: ".") { return .notFound }
            guard let name = String(validating: segment, as: UTF8.self) else { return .notFound }
            segments.append(name)
        }
        guard !segments.isEmpty else { return .notFound }
        let candidate = root + "/" + segments.joined(separator: "/")
        guard let resolved = StaticMount.realPath(candidate), resolved.hasPrefix(root + "/") else { return .notFound }
        // O_NONBLOCK: opening a FIFO someone left in the folder must not block the loop.
        let fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .notFound }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .notFound
        }
        let size = Int(info.st_size)
        let etag = "\"\(String(size, radix: 16))-\(String(Int(info.st_mtim.tv_sec), radix: 16))\""
        let contentType = MimeTypes.type(forPath: resolved)
        if size > StaticMount.wholeFileLimit {
            return .largeFile(descriptor: fd, size: size, contentType: contentType, etag: etag)
        }
        defer { close(fd) }
        guard let body = StaticMount.readWhole(fd, size: size) else { return .notFound }
        return .file(body: body, contentType: contentType, etag: etag, path: resolved)
    }

    /// If-None-Match lists one or more entity tags, or "*" (RFC 9110 §13.1.2).
    static func etagMatches(_ header: [UInt8], _ etag: String) -> Bool {
        let tag = Array(etag.utf8)
        for item in header.split(separator: UInt8(ascii: ",")) {
            var candidate = Array(ASCII.trimmed(item))
            if candidate == Array("*".utf8) { return true }
            if candidate.starts(with: "W/".utf8) { candidate.removeFirst(2) }
            if candidate == tag { return true }
        }
        return false
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readWhole(_ fd: Int32, size: Int) -> [UInt8]? {
        var body = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = body.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            done += n
        }
        return body
    }
}

enum MimeTypes {
    static func type(forPath path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "html", "htm": return "text/html; charset=utf-8"
        case "json", "map": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "ico": return "image/x-icon"
        case "webp": return "image/webp"
        case "woff2": return "font/woff2"
        case "txt": return "text/plain; charset=utf-8"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }
}

/// gzip bodies of static files, computed once per file version (ETag).
final class GzipCache {
    private var entries: [String: [UInt8]] = [:]
    private var bytes = 0
    private let maxBytes = 16 << 20

    func compressed(_ body: [UInt8], path: String, etag: String, contentType: String) -> [UInt8]? {
        guard body.count >= 256, GzipCache.isCompressible(contentType) else { return nil }
        let key = path + "\u{0}" + etag
        if let hit = entries[key] { return hit }
        guard let gz = DeflateCodec.gzip(body), gz.count < body.count else { return nil }
        if bytes + gz.count > maxBytes {
            entries.removeAll()
            bytes = 0
        }
        entries[key] = gz
        bytes += gz.count
        return gz
    }

    static func isCompressible(_ contentType: String) -> Bool {
        contentType.hasPrefix("text/") || contentType.hasPrefix("application/json") || contentType.hasPrefix("image/svg")
            || contentType.hasPrefix("application/wasm")
    }
}
