import CLiveTS
import LiveTSNet

/// How lts_config and lts_server_reload_tls name the two files in messages.
private let configNames = (certificate: "lts_config.tls_cert_file", key: "lts_config.tls_key_file")
private let reloadNames = (certificate: "lts_server_reload_tls: cert_file", key: "lts_server_reload_tls: key_file")

/// A TLS setting that cannot be used, with its code and sentence.
struct TLSProblem: Error {
    let code: Int32
    let message: String
}

/// The credentials lts_config names, loaded; nil for a plain-HTTP server.
func tlsCredentials(_ c: lts_config) throws(TLSProblem) -> TLSCredentials? {
    let certificate = copyCString(c.tls_cert_file)
    let key = copyCString(c.tls_key_file)
    switch (certificate, key) {
    case (nil, nil):
        return nil
    case (let certificate?, let key?):
        do {
            return try TLSCredentials(certificateFile: certificate, keyFile: key, names: configNames)
        } catch {
            throw TLSProblem(code: LTS_ETLS, message: error.message)
        }
    case (nil, _):
        throw TLSProblem(code: LTS_EINVAL, message: "lts_config.tls_key_file is set but tls_cert_file is NULL (set both for TLS, or neither)")
    case (_, nil):
        throw TLSProblem(code: LTS_EINVAL, message: "lts_config.tls_cert_file is set but tls_key_file is NULL (set both for TLS, or neither)")
    }
}

@_cdecl("lts_server_reload_tls")
public func lts_server_reload_tls(_ handle: OpaquePointer?, _ certificate: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?) -> Int32 {
    guard let server = enter(handle, "lts_server_reload_tls") else { return LTS_EMISUSE }
    guard !server.stopped else { return server.notRunning("lts_server_reload_tls") }
    let files: (certificate: String, key: String)?
    switch (copyCString(certificate), copyCString(key)) {
    case (nil, nil):
        files = nil
    case (let certificate?, let key?):
        files = (certificate, key)
    default:
        return fail(LTS_EINVAL, "lts_server_reload_tls: give both cert_file and key_file, or neither (to read the same files again)")
    }
    guard let credentials = server.engine.http.tls else {
        return fail(LTS_ESTATE, "lts_server_reload_tls: this server was created without TLS (set lts_config.tls_cert_file and tls_key_file)")
    }
    do {
        try credentials.reload(files, names: files == nil ? configNames : reloadNames)
    } catch {
        return fail(LTS_ETLS, "lts_server_reload_tls: \(error.message); the server keeps its current certificate")
    }
    return LTS_OK
}
