import Foundation
import XCTest
@testable import LiveTSEngine

/// The core against tests/fixtures/wire-frames.json, the samples the
/// connector and the Node layer check themselves against too: the kind
/// table, the parser, and the frames the core writes, byte for byte.
final class WireFramesTests: XCTestCase {
    private var fixture: WireFramesFixture!

    override func setUpWithError() throws {
        fixture = try WireFramesFixture.load()
    }

    func testTheKindTableHasExactlyTheKindsTheCoreReadsAndWrites() {
        let inbound = Dictionary(uniqueKeysWithValues: WireKind.Inbound.allCases.map { ("\($0)", String($0.rawValue)) })
        let outbound = Dictionary(uniqueKeysWithValues: WireKind.Outbound.allCases.map { ("\($0)", String($0.rawValue)) })
        let fromBrowser = fixture.kinds.filter { $0.direction == "browser-to-server" }
        let writtenByCore = fixture.kinds.filter { $0.writer == "core" }
        XCTAssertEqual(inbound, Dictionary(uniqueKeysWithValues: fromBrowser.map { ($0.kind, $0.letter) }))
        XCTAssertEqual(outbound, Dictionary(uniqueKeysWithValues: writtenByCore.map { ($0.kind, $0.letter) }))
        // The host's kinds (h, n, g, f, t, v, y) share the letter space: none may
        // reuse a letter the core reads or writes.
        XCTAssertEqual(Set(fixture.kinds.map(\.letter)).count, fixture.kinds.count, "each kind has a letter of its own")
    }

    func testEveryBrowserSampleParsesToItsKindAndFields() throws {
        let samples = fixture.kinds.filter { $0.direction == "browser-to-server" }
        XCTAssertEqual(samples.count, WireKind.Inbound.allCases.count)
        for sample in samples {
            guard case .success(let message) = ClientMessage.parse(Array(sample.frame.utf8)) else {
                XCTFail("\(sample.kind) sample refused: \(sample.frame)")
                continue
            }
            XCTAssertEqual(String(message.kind.rawValue), sample.letter, sample.kind)
            XCTAssertEqual(message.ref, try XCTUnwrap(sample.fields["ref"] as? NSNumber).uint64Value, sample.kind)
            XCTAssertEqual(String(decoding: message.component, as: UTF8.self), sample.fields["id"] as? String, sample.kind)
            // The one string a kind carries besides the id, and the one JSON value.
            let name = sample.fields["token"] ?? sample.fields["event"] ?? sample.fields["url"] ?? ""
            XCTAssertEqual(String(decoding: message.name, as: UTF8.self), name as? String, sample.kind)
            let value = sample.fields["params"] ?? sample.fields["payload"] ?? NSNull()
            XCTAssertEqual(try canonicalJSON(parsing: message.payload), try canonicalJSON(value), sample.kind)
        }
    }

    func testEveryMalformedSampleTheParserRefusesGetsItsReasonAndAnswer() {
        let samples = fixture.malformed.filter { $0.stage == "parser" }
        XCTAssertGreaterThan(samples.count, 20)
        for sample in samples {
            guard case .failure(let error) = ClientMessage.parse(Array(sample.frame.utf8)) else {
                XCTFail("accepted: \(sample.frame)")
                continue
            }
            XCTAssertEqual(error.reason, sample.reason, sample.frame)
            // What LiveEngine answers a frame it cannot read: no component, ref 0.
            let answer = ServerMessage.refused(component: [], ref: 0, reason: Array(error.reason.utf8))
            XCTAssertEqual(String(decoding: answer, as: UTF8.self), sample.answer, sample.frame)
        }
    }

    /// Those are refused past the parser, by what the connection holds
    /// (CoreTests/LiveTSCoreTests/WireRefusalsTests.swift sends them to a server).
    func testEveryMalformedSampleTheRouterRefusesIsReadableAsAMessage() {
        for sample in fixture.malformed where sample.stage == "router" {
            guard case .success = ClientMessage.parse(Array(sample.frame.utf8)) else {
                XCTFail("the parser refuses a \(sample.stage)-stage sample: \(sample.frame)")
                continue
            }
        }
    }

    /// Binary messages are upload chunks: the header parser refuses the
    /// malformed ones with the fixture's reason and reads the rest.
    func testEverySocketStageSampleIsReadAsAnUploadChunkOrRefusedWithItsReason() {
        let samples = fixture.malformed.filter { $0.stage == "socket" }
        XCTAssertGreaterThanOrEqual(samples.count, 4)
        for sample in samples {
            switch UploadChunk.parse(Array(sample.frame.utf8)) {
            case .failure(.malformed(let why)):
                XCTAssertEqual(why, sample.reason, sample.frame)
            case .success(let chunk):
                XCTAssertEqual(sample.reason, "unknown upload", "a well-formed chunk is refused only for its entry: \(sample.frame)")
                XCTAssertEqual(String(decoding: chunk.entry, as: UTF8.self), "e1")
                XCTAssertEqual(Array(sample.frame.utf8)[chunk.dataOffset...], ArraySlice("abc".utf8))
            }
        }
    }

    func testTheFramesTheCoreWritesAreTheSamplesByteForByte() throws {
        for sample in fixture.kinds where sample.writer == "core" {
            let f = sample.fields
            let id = Array(try XCTUnwrap(f["id"] as? String).utf8)
            let ref = (f["ref"] as? NSNumber)?.uint64Value ?? 0
            let frame: [UInt8]
            switch WireKind.Outbound(rawValue: Unicode.Scalar(try XCTUnwrap(sample.letter.unicodeScalars.first))) {
            case .render:
                let html = Array(try XCTUnwrap(f["html"] as? String).utf8)
                frame = ServerMessage.render(component: id, seq: try XCTUnwrap(f["seq"] as? NSNumber).uint64Value, ref: ref, html: html)
            case .patch:
                let ops = try JSONSerialization.data(withJSONObject: try XCTUnwrap(f["ops"]))
                frame = ServerMessage.patch(component: id, seq: try XCTUnwrap(f["seq"] as? NSNumber).uint64Value, ref: ref, ops: Array(ops))
            case .refused:
                frame = ServerMessage.refused(component: id, ref: ref, reason: Array(try XCTUnwrap(f["reason"] as? String).utf8))
            case .uploadAck:
                frame = ServerMessage.uploadAck(component: id, entry: Array(try XCTUnwrap(f["entry"] as? String).utf8),
                                                received: try XCTUnwrap(f["received"] as? NSNumber).uint64Value, error: nil)
            case nil:
                XCTFail("\(sample.kind) is written by the core but not in its kind table")
                continue
            }
            XCTAssertEqual(String(decoding: frame, as: UTF8.self), sample.frame, sample.kind)
        }
    }
}

/// One spelling of a JSON value, so values equal in meaning compare equal.
private func canonicalJSON(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

private func canonicalJSON(parsing text: [UInt8]) throws -> String {
    try canonicalJSON(try JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed]))
}

/// tests/fixtures/wire-frames.json, found from this file's place in the repository.
struct WireFramesFixture {
    struct Sample {
        let kind, letter, direction, writer, frame: String
        let fields: [String: Any]
    }

    struct Malformed {
        let frame, stage: String
        let reason, answer: String?
    }

    let kinds: [Sample]
    let malformed: [Malformed]

    static func load(from testFile: String = #filePath) throws -> WireFramesFixture {
        let root = URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("tests/fixtures/wire-frames.json"))
        let top = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let kinds = try XCTUnwrap(top["kinds"] as? [[String: Any]]).map { k in
            Sample(kind: try XCTUnwrap(k["kind"] as? String), letter: try XCTUnwrap(k["letter"] as? String),
                   direction: try XCTUnwrap(k["direction"] as? String), writer: try XCTUnwrap(k["writer"] as? String),
                   frame: try XCTUnwrap(k["frame"] as? String), fields: try XCTUnwrap(k["fields"] as? [String: Any]))
        }
        let malformed = try XCTUnwrap(top["malformed"] as? [[String: Any]]).map { m in
            Malformed(frame: try XCTUnwrap(m["frame"] as? String), stage: try XCTUnwrap(m["stage"] as? String),
                      reason: m["reason"] as? String, answer: m["answer"] as? String)
        }
        return WireFramesFixture(kinds: kinds, malformed: malformed)
    }
}

/// A join naming the fingerprint of the HTML its render gives is answered
/// with null for that HTML (tests/fixtures/wire-frames.json, "unchangedRender").
final class UnchangedRenderTests: XCTestCase {
    private func sample() throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("tests/fixtures/wire-frames.json"))
        let top = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(top["unchangedRender"] as? [String: Any])
    }

    func testTheJoinNamesTheFingerprintOfTheHTMLAndTheAnswerIsTheSample() throws {
        let s = try sample()
        guard case .success(let join) = ClientMessage.parse(Array(try XCTUnwrap(s["join"] as? String).utf8)) else { return XCTFail("join refused") }
        let html = Array(try XCTUnwrap(s["html"] as? String).utf8)
        XCTAssertEqual(PageFingerprint.named(in: join.payload, for: join.component), PageFingerprint.of(html))
        let frame = ServerMessage.renderUnchanged(component: join.component, seq: 1, ref: join.ref)
        XCTAssertEqual(String(decoding: frame, as: UTF8.self), s["frame"] as? String)
    }

    func testFingerprintsOfOtherViewsOrMalformedParamsNameNothing() {
        let id = Array("lv-1".utf8)
        for params in [#"{"_fp":{"lv-2":"b6dbcb4239597a3b"}}"#, #"{"_fp":"b6dbcb4239597a3b"}"#, #"{"_fp":{"lv-1":"short"}}"#,
                       #"{"_fp":{"lv-1":7}}"#, #"{}"#, "null", #"{"_fp":{"lv-1":"b6dbcb4239597a3b"}"#] {
            XCTAssertNil(PageFingerprint.named(in: Array(params.utf8), for: id), params)
        }
        XCTAssertEqual(PageFingerprint.named(in: Array(#" { "a" : [1, {"b": 2}], "_fp" : { "x": "1", "lv-1" : "b6dbcb4239597a3b" } } "#.utf8), for: id),
                       Array("b6dbcb4239597a3b".utf8))
    }
}
