import Glibc

/// One upload's temporary file: created with O_EXCL and mode 0600 under
/// the upload directory, written as chunks arrive, unlinked unless it is
/// handed to the host complete. Loop thread only.
struct UploadFile {
    let path: String
    private var fd: Int32

    /// A fresh name each time: 128 random bits, so O_EXCL fails only on a
    /// name someone planted, and then the upload fails rather than writing
    /// into their file.
    static func create(in directory: String) -> Result<UploadFile, UploadFailure> {
        var random = SystemRandomNumberGenerator()
        let name = "livets-upload-" + String(random.next() as UInt64, radix: 16) + String(random.next() as UInt64, radix: 16)
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            return .failure(UploadFailure("cannot create a file in the upload directory \(directory): \(String(cString: strerror(errno)))"))
        }
        return .success(UploadFile(path: path, fd: fd))
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Result<Void, UploadFailure> {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(UploadFailure("cannot write the upload's file: \(String(cString: strerror(errno)))"))
            }
            offset += n
        }
        return .success(())
    }

    /// Closes the file and keeps it: it is the host's from now on.
    mutating func finish() -> Result<Void, UploadFailure> {
        let result = Glibc.close(fd)
        fd = -1
        return result == 0 ? .success(()) : .failure(UploadFailure("cannot close the upload's file: \(String(cString: strerror(errno)))"))
    }

    /// Closes and removes a partial file.
    mutating func discard() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        _ = unlink(path)
    }
}

struct UploadFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
