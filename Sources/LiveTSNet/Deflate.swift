import CZlib

/// Raw DEFLATE for permessage-deflate (RFC 7692) and gzip for static files.
///
/// The server always negotiates no context takeover in both directions, so
/// every message is compressed and decompressed on its own. That lets one
/// pair of zlib streams per loop serve every connection: an idle connection
/// holds no zlib state at all (a zlib stream with a 32 KiB window costs
/// ~300 KiB for deflate and ~40 KiB for inflate).
public final class DeflateCodec {
    private var deflater = z_stream()
    private var inflater = z_stream()
    private var deflaterWindow: Int32 = 0

    public init() {
        _ = lts_inflate_init(&inflater, -15)
    }

    deinit {
        if deflaterWindow != 0 { deflateEnd(&deflater) }
        inflateEnd(&inflater)
    }

    /// Compresses one message with a window of `windowBits` (9...15) and
    /// strips the final empty block's 00 00 FF FF tail (RFC 7692 §7.2.1).
    public func compressMessage(_ input: [UInt8], windowBits: Int32) -> [UInt8]? {
        if deflaterWindow != windowBits {
            if deflaterWindow != 0 { deflateEnd(&deflater) }
            deflater = z_stream()
            guard lts_deflate_init(&deflater, Z_DEFAULT_COMPRESSION, -windowBits) == Z_OK else { deflaterWindow = 0; return nil }
            deflaterWindow = windowBits
        } else {
            deflateReset(&deflater)
        }
        guard var output = run(&deflater, input: input, flush: Z_SYNC_FLUSH, limit: Int.max, isDeflate: true) else { return nil }
        if output.count >= 4 && Array(output.suffix(4)) == [0, 0, 0xFF, 0xFF] { output.removeLast(4) }
        return output
    }

    /// Decompresses one message; nil if the data is not valid DEFLATE or
    /// would inflate beyond `limit` bytes (a compression bomb).
    public func decompressMessage(_ input: [UInt8], limit: Int) -> DecompressResult {
        inflateReset(&inflater)
        guard let output = run(&inflater, input: input + [0, 0, 0xFF, 0xFF], flush: Z_SYNC_FLUSH, limit: limit, isDeflate: false) else {
            return lastRunExceededLimit ? .tooBig : .invalid
        }
        return .ok(output)
    }

    public enum DecompressResult {
        case ok([UInt8])
        case invalid
        case tooBig
    }

    private var lastRunExceededLimit = false

    private func run(_ stream: inout z_stream, input: [UInt8], flush: Int32, limit: Int, isDeflate: Bool) -> [UInt8]? {
        lastRunExceededLimit = false
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var input = input
        return input.withUnsafeMutableBufferPointer { inBuffer -> [UInt8]? in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let status = isDeflate ? deflate(&stream, flush) : inflate(&stream, flush)
                    return (status, outBuffer.count - Int(stream.avail_out))
                }
                if status != Z_OK && status != Z_BUF_ERROR && status != Z_STREAM_END { return nil }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { lastRunExceededLimit = true; return nil }
                // Done once zlib has consumed everything and had room to spare.
                if status == Z_STREAM_END || (stream.avail_in == 0 && produced < chunk.count) { break }
                if status == Z_BUF_ERROR && produced == 0 { break }
            }
            stream.next_in = nil
            return output
        }
    }

    /// gzip (RFC 1952) of a whole body, for static files.
    public static func gzip(_ input: [UInt8], level: Int32 = 9) -> [UInt8]? {
        var stream = z_stream()
        guard lts_deflate_init(&stream, level, 15 + 16) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        var input = input
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return nil }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        guard let produced else { return nil }
        return Array(output[0..<produced])
    }
}

/// The permessage-deflate parameters agreed with one client.
public struct DeflateAgreement: Equatable {
    /// The window our compressor may use; nil when the client allowed only
    /// 8 bits, which zlib cannot produce for raw DEFLATE: then the server
    /// sends every message uncompressed, which the extension permits.
    public var serverWindowBits: Int32?
    /// The response header value.
    public var responseHeader: String

    /// Picks the first acceptable offer in the Sec-WebSocket-Extensions
    /// values (RFC 7692 §5, §7.1); nil when none is acceptable.
    public static func negotiate(_ headerValues: [[UInt8]]) -> DeflateAgreement? {
        for value in headerValues {
            for offer in value.split(separator: UInt8(ascii: ",")) {
                if let agreement = accept(offer: String(decoding: offer, as: UTF8.self)) { return agreement }
            }
        }
        return nil
    }

    private static func accept(offer: String) -> DeflateAgreement? {
        let parts = offer.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        guard parts.first == "permessage-deflate" else { return nil }
        var seen = Set<String>()
        var serverWindow: Int32? = 15
        var response = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        for parameter in parts.dropFirst() {
            // Empty pieces ("a; ;b", "=15", "bits=") are malformed offers,
            // not parameters to skip: the whole offer is declined.
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            guard let name = pair.first, !name.isEmpty else { return nil }
            var value = pair.count > 1 ? pair[1] : nil
            if value?.isEmpty == true { return nil }
            if let v = value, v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { value = String(v.dropFirst().dropLast()) }
            guard seen.insert(name).inserted else { return nil }
            switch name {
            case "server_no_context_takeover", "client_no_context_takeover":
                guard value == nil else { return nil }
            case "server_max_window_bits":
                guard let v = value, let bits = Int32(v), (8...15).contains(bits), v.first != "0" else { return nil }
                serverWindow = bits >= 9 ? bits : nil
                response += "; server_max_window_bits=\(bits)"
            case "client_max_window_bits":
                if let v = value {
                    guard let bits = Int32(v), (8...15).contains(bits), v.first != "0" else { return nil }
                }
            default:
                return nil
            }
        }
        return DeflateAgreement(serverWindowBits: serverWindow, responseHeader: response)
    }
}

extension Substring {
    /// Drops leading and trailing spaces and tabs.
    public func trimmingSpaces() -> String {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
