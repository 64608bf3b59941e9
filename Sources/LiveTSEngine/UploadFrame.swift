/// A binary WebSocket message on a LiveTS socket is one chunk of an
/// upload (docs/protocol.md, "Uploads"): one byte giving the length of
/// the entry id, the id (the one the host allowed with `allowUpload`),
/// then the chunk's bytes. Pure: bytes in, a value out.
struct UploadChunk {
    let entry: [UInt8]
    /// Where the chunk's bytes start in the message.
    let dataOffset: Int

    static let maxEntryBytes = 64

    enum ParseError: Error {
        case malformed(String)
    }

    static func parse(_ message: [UInt8]) -> Result<UploadChunk, ParseError> {
        guard let length = message.first.map(Int.init), (1...maxEntryBytes).contains(length) else {
            return .failure(.malformed("upload chunk must start with an entry id length of 1 to \(maxEntryBytes)"))
        }
        guard message.count > 1 + length else {
            return .failure(.malformed("upload chunk has no bytes after its \(length)-byte entry id"))
        }
        let entry = Array(message[1...length])
        guard entry.allSatisfy(isEntryByte) else {
            return .failure(.malformed("upload entry id may hold only letters, digits, '-' and '_'"))
        }
        return .success(UploadChunk(entry: entry, dataOffset: 1 + length))
    }

    static func isEntryByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
    }

    static func isValidEntry(_ entry: [UInt8]) -> Bool {
        (1...maxEntryBytes).contains(entry.count) && entry.allSatisfy(isEntryByte)
    }
}
