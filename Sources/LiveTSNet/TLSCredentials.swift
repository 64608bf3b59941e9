#if canImport(Glibc)
import Glibc
#endif

/// The certificate a TLS server presents, replaceable while it runs: a
/// reload loads the new files on the caller's thread and swaps them in
/// only if they load, so a bad renewal leaves the server as it was.
/// Connections accepted after `replace` returns use the new context;
/// open ones keep theirs.
///
/// Any thread: `current` (loop thread, at each accept) and `replace`
/// (the host's thread) meet under `mutex`.
public final class TLSCredentials {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Guarded by `mutex`.
    private var context: TLSContext
    /// The files `context` came from, for a reload that names none.
    /// Guarded by `mutex`.
    private var files: (certificate: String, key: String)

    public init(certificateFile: String, keyFile: String, names: (certificate: String, key: String)) throws(TLSError) {
        context = try TLSContext(certificateFile: certificateFile, keyFile: keyFile, names: names)
        files = (certificateFile, keyFile)
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    var current: TLSContext {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return context
    }

    /// Loads `files` (nil: the files last loaded, read again) and, if they
    /// load, makes them the ones new connections get.
    public func reload(_ newFiles: (certificate: String, key: String)?,
                       names: (certificate: String, key: String)) throws(TLSError) {
        pthread_mutex_lock(mutex)
        let chosen = newFiles ?? files
        pthread_mutex_unlock(mutex)
        // Loading reads files and parses keys: not under the lock, which
        // every accept takes.
        let loaded = try TLSContext(certificateFile: chosen.certificate, keyFile: chosen.key, names: names)
        pthread_mutex_lock(mutex)
        context = loaded
        files = chosen
        pthread_mutex_unlock(mutex)
    }
}
