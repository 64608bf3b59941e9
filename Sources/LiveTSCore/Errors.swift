import CLiveTS
#if canImport(Glibc)
import Glibc
#endif

/// The one table of livetscore.h's codes: the name lts_err_name gives and
/// the sentence lts_strerror gives. The shim and TypeScript read names
/// from here rather than keeping copies that drift.
enum ErrorCode {
    static func describe(_ code: Int32) -> (name: StaticString, sentence: StaticString)? {
        switch code {
        case LTS_OK: return ("LTS_OK", "success")
        case LTS_EINVAL: return ("LTS_EINVAL", "invalid argument (NULL with a length, out of range or malformed)")
        case LTS_ENOMEM: return ("LTS_ENOMEM", "out of memory")
        case LTS_ESTATE: return ("LTS_ESTATE", "not allowed in the server's current state")
        case LTS_ENOTFOUND: return ("LTS_ENOTFOUND", "the static directory does not exist")
        case LTS_EADDRINUSE: return ("LTS_EADDRINUSE", "address already in use")
        case LTS_EIO: return ("LTS_EIO", "the operating system refused the operation")
        case LTS_EPARSE: return ("LTS_EPARSE", "input is not in the expected format (UTF-8, JSON, header lines)")
        case LTS_ETOOBIG: return ("LTS_ETOOBIG", "input is over a configured limit")
        case LTS_BUFFERED: return ("LTS_BUFFERED", "taken, but above the response's high-water mark: wait for on_response_drain")
        case LTS_EMISUSE: return ("LTS_EMISUSE", "library misuse (a NULL, freed or foreign handle, or a call from a thread where it is not allowed)")
        case LTS_ETLS: return ("LTS_ETLS", "a TLS certificate or key cannot be read or used")
        default: return nil
        }
    }
}

private func cString(_ text: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("lts_strerror")
public func lts_strerror(_ code: Int32) -> UnsafePointer<CChar> {
    cString(ErrorCode.describe(code)?.sentence ?? "unknown error code")
}

@_cdecl("lts_err_name")
public func lts_err_name(_ code: Int32) -> UnsafePointer<CChar> {
    cString(ErrorCode.describe(code)?.name ?? "unknown")
}

@_cdecl("lts_version_number")
public func lts_version_number() -> Int32 { LTS_VERSION_NUMBER }

private let versionString: StaticString = "0.3.0"

@_cdecl("lts_version_string")
public func lts_version_string() -> UnsafePointer<CChar> {
    cString(versionString)
}

/// The sentence behind lts_last_error: one fixed buffer per thread, so the
/// pointer a caller holds stays valid until its thread exits and a failing
/// call never allocates. Longer sentences are cut at a character boundary.
enum LastError {
    private static let capacity = 512

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    private static var buffer: UnsafeMutablePointer<CChar>? {
        pthread_getspecific(key)?.assumingMemoryBound(to: CChar.self)
    }

    /// Every call that can fail forgets the previous failure first, so the
    /// text always belongs to the thread's latest such call.
    static func clear() {
        buffer?.pointee = 0
    }

    static func set(_ message: String) {
        let target: UnsafeMutablePointer<CChar>
        if let existing = buffer {
            target = existing
        } else {
            guard let fresh = malloc(capacity)?.assumingMemoryBound(to: CChar.self) else { return }
            pthread_setspecific(key, fresh)
            target = fresh
        }
        let utf8 = Array(message.utf8)
        var count = min(utf8.count, capacity - 1)
        // Never cut a character in half.
        while count > 0, count < utf8.count, utf8[count] & 0xC0 == 0x80 { count -= 1 }
        for i in 0..<count { target[i] = CChar(bitPattern: utf8[i]) }
        target[count] = 0
    }

    static var current: UnsafePointer<CChar> {
        guard let buffer else { return cString("") }
        return UnsafePointer(buffer)
    }
}

/// Records why a call failed and returns its code, so each check is one line.
@inline(never)
func fail(_ code: Int32, _ message: String) -> Int32 {
    LastError.set(message)
    return code
}

@_cdecl("lts_last_error")
public func lts_last_error() -> UnsafePointer<CChar> {
    LastError.current
}

/// Quotes host-supplied text in an error sentence, shortened so one long
/// argument cannot crowd out the rest of the sentence.
func quoted(_ text: String, limit: Int = 80) -> String {
    let shown = text.count > limit ? String(text.prefix(limit)) + "…" : text
    return "\"" + shown + "\""
}
