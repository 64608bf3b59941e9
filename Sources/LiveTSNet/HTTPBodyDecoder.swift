/// Decodes a request body as it arrives: a Content-Length body, or a
/// chunked one (RFC 9112 §7.1) with its framing, extensions and trailers
/// removed. Bytes in, body bytes out, no I/O: the connection feeds it what
/// it read and hands the body on to the host a piece at a time.
public struct HTTPBodyDecoder {
    public enum Outcome: Equatable {
        /// Every byte given was consumed; the body goes on.
        case needMore
        /// The body is complete; bytes after `consumed` are the next request's.
        case done
        /// 400 for broken framing, 413 for a body over the limit.
        case failure(status: Int)
    }

    private enum State {
        case length(remaining: Int)
        /// Reading a chunk-size line: its value so far, whether the size
        /// ended (an extension or whitespace follows), the line's length.
        case sizeLine(size: Int, digits: Int, sizeEnded: Bool, lineBytes: Int)
        case sizeLineFeed(size: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        /// Trailer fields after the last chunk, read and dropped.
        case trailer(lineBytes: Int)
        case trailerLF(lineWasEmpty: Bool)
        case done
        case failed(Int)
    }

    private var state: State
    private let maxBytes: Int
    private let maxLineBytes: Int
    private var trailerBytes = 0
    /// Body bytes decoded so far.
    public private(set) var received = 0

    public init(framing: HTTPParser.BodyFraming, limits: HTTPLimits) {
        maxBytes = limits.maxBodyBytes
        maxLineBytes = limits.maxChunkLineBytes
        trailerBytes = limits.maxHeadBytes
        switch framing {
        case .none: state = .done
        case .length(let n): state = n == 0 ? .done : .length(remaining: n)
        case .chunked: state = .sizeLine(size: 0, digits: 0, sizeEnded: false, lineBytes: 0)
        }
    }

    public var isDone: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes from the start of `input`, passing each run of body bytes to
    /// `body` (a slice of `input`, valid during the call). Returns how many
    /// bytes of `input` were consumed and what the body needs next.
    public mutating func decode(_ input: UnsafeRawBufferPointer, body: (UnsafeRawBufferPointer) -> Void) -> (consumed: Int, outcome: Outcome) {
        var i = 0
        while true {
            switch state {
            case .done:
                return (i, .done)
            case .failed(let status):
                return (i, .failure(status: status))
            default:
                break
            }
            guard i < input.count else { return (i, .needMore) }
            switch state {
            case .length(let remaining):
                let n = min(remaining, input.count - i)
                body(UnsafeRawBufferPointer(rebasing: input[i..<(i + n)]))
                received += n
                i += n
                state = remaining == n ? .done : .length(remaining: remaining - n)
            case .data(let remaining):
                let n = min(remaining, input.count - i)
                body(UnsafeRawBufferPointer(rebasing: input[i..<(i + n)]))
                received += n
                i += n
                state = remaining == n ? .dataCR : .data(remaining: remaining - n)
            case .sizeLine(let size, let digits, let sizeEnded, let lineBytes):
                let byte = input[i]
                i += 1
                state = sizeLine(byte, size: size, digits: digits, sizeEnded: sizeEnded, lineBytes: lineBytes + 1)
            case .sizeLineFeed(let size):
                guard input[i] == 10 else { state = .failed(400); continue }
                i += 1
                state = size == 0 ? .trailer(lineBytes: 0) : .data(remaining: size)
            case .dataCR:
                guard input[i] == 13 else { state = .failed(400); continue }
                i += 1
                state = .dataLF
            case .dataLF:
                guard input[i] == 10 else { state = .failed(400); continue }
                i += 1
                state = .sizeLine(size: 0, digits: 0, sizeEnded: false, lineBytes: 0)
            case .trailer(let lineBytes):
                let byte = input[i]
                i += 1
                trailerBytes -= 1
                if trailerBytes < 0 { state = .failed(431); continue }
                if byte == 13 {
                    state = .trailerLF(lineWasEmpty: lineBytes == 0)
                } else if byte == 10 || byte == 0 {
                    state = .failed(400)
                } else {
                    state = .trailer(lineBytes: lineBytes + 1)
                }
            case .trailerLF(let lineWasEmpty):
                guard input[i] == 10 else { state = .failed(400); continue }
                i += 1
                state = lineWasEmpty ? .done : .trailer(lineBytes: 0)
            case .done, .failed:
                break
            }
        }
    }

    /// One byte of a chunk-size line: `1*HEXDIG [ BWS ; extensions ] CRLF`.
    private func sizeLine(_ byte: UInt8, size: Int, digits: Int, sizeEnded: Bool, lineBytes: Int) -> State {
        if lineBytes > maxLineBytes { return .failed(400) }
        if byte == 13 {
            guard digits > 0 else { return .failed(400) }
            return .sizeLineFeed(size: size)
        }
        if !sizeEnded, let value = ASCII.hexValue(byte) {
            let grown = size * 16 + Int(value)
            // Checked per digit, so sixteen f's cannot overflow first.
            if received + grown > maxBytes { return .failed(413) }
            return .sizeLine(size: grown, digits: digits + 1, sizeEnded: false, lineBytes: lineBytes)
        }
        guard digits > 0 else { return .failed(400) }
        if !sizeEnded && byte != UInt8(ascii: ";") && byte != 32 && byte != 9 { return .failed(400) }
        // Extensions (and the whitespace before them) are read and ignored;
        // control bytes in them would be a framing error.
        if byte == 10 || byte == 0 || (byte < 32 && byte != 9) || byte == 127 { return .failed(400) }
        return .sizeLine(size: size, digits: digits, sizeEnded: true, lineBytes: lineBytes)
    }
}
