import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import LiveTSNet

/// glibc's, from <malloc.h>, which the Glibc module does not export.
@_silgen_name("malloc_usable_size")
private func mallocUsableSize(_ pointer: UnsafeMutableRawPointer?) -> Int

/// What an idle connection holds: docs/benchmarks.md (Transport) counts on
/// these sizes for its bytes per idle WebSocket.
final class ConnectionFootprintTests: XCTestCase {
    /// A masked client frame with RSV1 (compressed) set.
    private func compressedFrame(_ payload: [UInt8]) -> [UInt8] {
        let key: [UInt8] = [1, 2, 3, 4]
        var out: [UInt8] = [0x80 | 0x40 | 0x1, 0x80 | UInt8(payload.count)] + key
        for (i, b) in payload.enumerated() { out.append(b ^ key[i & 3]) }
        return out
    }

    private func agreement(_ offer: String) -> DeflateAgreement? {
        DeflateAgreement.negotiate([Array(offer.utf8)])
    }

    /// A compressed frame through the decoder a phase hands out: nil if
    /// it was taken, the close code if it was refused.
    private func refusal(_ phase: Connection.WebSocketPhase) -> UInt16? {
        var decoder = phase.decoder(maxMessageBytes: 1 << 20)
        // "Hello" deflated (RFC 7692 §7.2.3.1), without its 00 00 ff ff tail.
        var frame = compressedFrame([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])
        return frame.withUnsafeMutableBytes { decoder.decode($0) { _ in true } }?.code
    }

    func testAnEightBitAgreementTakesCompressedMessagesAndSendsPlainOnes() throws {
        let eightBits = try XCTUnwrap(agreement("permessage-deflate; server_max_window_bits=8"))
        XCTAssertNil(eightBits.serverWindowBits)
        let phase = Connection.WebSocketPhase(deflate: eightBits)
        XCTAssertTrue(phase.compressionAgreed)
        XCTAssertNil(phase.serverWindowBits)
        XCTAssertNil(refusal(phase))
    }

    func testTheAgreedWindowIsKept() throws {
        let phase = Connection.WebSocketPhase(deflate: try XCTUnwrap(agreement("permessage-deflate; server_max_window_bits=12")))
        XCTAssertEqual(phase.serverWindowBits, 12)
        XCTAssertTrue(phase.compressionAgreed)
        XCTAssertEqual(Connection.WebSocketPhase(deflate: try XCTUnwrap(agreement("permessage-deflate"))).serverWindowBits, 15)
    }

    func testWithoutAnAgreementACompressedFrameIsRefused() {
        let phase = Connection.WebSocketPhase(deflate: nil)
        XCTAssertFalse(phase.compressionAgreed)
        XCTAssertEqual(refusal(phase), CloseCode.protocolError)
    }

    func testConnectionsFromOneAddressShareItsStorage() {
        let counts = ConnectionCounts()
        let first = counts.add(Array("192.0.2.7".utf8))
        let second = counts.add(Array("192.0.2.7".utf8))
        XCTAssertEqual(counts.count(of: Array("192.0.2.7".utf8)), 2)
        XCTAssertEqual(first.withUnsafeBufferPointer { $0.baseAddress }, second.withUnsafeBufferPointer { $0.baseAddress })
        counts.remove(first)
        counts.remove(second)
        XCTAssertEqual(counts.addresses, 0)
    }

    /// The bytes malloc handed out for an object (its chunk, less the header).
    private func mallocSize(_ object: AnyObject) -> Int {
        mallocUsableSize(Unmanaged.passUnretained(object).toOpaque())
    }

    func testAnIdleWebSocketHoldsTwoSmallObjects() throws {
        let loop = try EventLoop()
        let server = SocketServer(loop: loop, settings: ServerSettings())
        // malloc may hand out a chunk larger than asked for when what it
        // would split off is too small to keep: the smallest of several
        // fresh objects is the size class the object asks for.
        let connections = (1...8).map { Connection(server: server, id: UInt64($0)) }
        let phases = (1...8).map { _ in Connection.WebSocketPhase(deflate: nil) }
        // The connection, its socket in the kernel's epoll set, no libuv
        // handle; the phase, no decoder until a read ends inside a message.
        XCTAssertLessThanOrEqual(connections.map(mallocSize).min()!, 104)
        XCTAssertLessThanOrEqual(phases.map(mallocSize).min()!, 40)
        XCTAssertNil(phases[0].unfinished)
        loop.discard { server.closeAll() }
    }
}
