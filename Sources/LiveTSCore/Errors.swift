import CLiveTS

/// The error codes of livetscore.h, with the sentence lts_strerror gives.
enum ErrorCode {
    static func message(_ code: Int32) -> StaticString {
        switch code {
        case LTS_OK: return "success"
        case LTS_EINVAL: return "invalid argument (NULL, freed or malformed)"
        case LTS_ENOMEM: return "out of memory"
        case LTS_ESTATE: return "not allowed in the server's current state"
        case LTS_ENOTFOUND: return "no such connection, component or request"
        case LTS_EADDRINUSE: return "address already in use"
        case LTS_EIO: return "the operating system refused the operation"
        case LTS_EPARSE: return "input is not in the expected format"
        case LTS_ETOOBIG: return "input is over a configured limit"
        default: return "unknown error code"
        }
    }
}

@_cdecl("lts_strerror")
public func lts_strerror(_ code: Int32) -> UnsafePointer<CChar> {
    UnsafeRawPointer(ErrorCode.message(code).utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("lts_version_number")
public func lts_version_number() -> Int32 { LTS_VERSION_NUMBER }

private let versionString: StaticString = "0.1.0"

@_cdecl("lts_version_string")
public func lts_version_string() -> UnsafePointer<CChar> {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}
