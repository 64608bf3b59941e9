import Foundation
import XCTest
@testable import LiveTSEngine

final class RedisEndpointTests: XCTestCase {
    /// tests/fixtures/redis-urls.txt is the one list of what LiveTS takes;
    /// the TypeScript check (node-binding/test/pubsub.test.js) and the C ABI
    /// (LiveTSCoreTests/RedisTests.swift) read it too, so all three agree.
    func testEveryURLOfTheSharedListIsTakenOrRefusedAsItSays() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../tests/fixtures/redis-urls.txt").standardized.path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0] == "ok" || parts[0] == "bad" else {
                XCTFail("\(path): \"\(line)\" is neither \"ok URL\" nor \"bad URL\"")
                continue
            }
            let url = String(parts[1])
            XCTAssertEqual(RedisEndpoint(url: url) != nil, parts[0] == "ok", url)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 30)
    }

    private func endpoint(_ url: String, file: StaticString = #filePath, line: UInt = #line) -> RedisEndpoint? {
        let parsed = RedisEndpoint(url: url)
        XCTAssertNotNil(parsed, url, file: file, line: line)
        return parsed
    }

    private func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    func testHostAndPortWithTheDefaultPortAndTheDatabaseIgnored() {
        for (url, host, port) in [("redis://127.0.0.1:6379", "127.0.0.1", 6379), ("redis://localhost", "localhost", 6379),
                                  ("redis://redis.internal:6380/0", "redis.internal", 6380), ("redis://h:1/", "h", 1),
                                  ("redis://[::1]:6390", "::1", 6390), ("redis://[::1]", "::1", 6379)] {
            guard let parsed = endpoint(url) else { continue }
            XCTAssertEqual(parsed.host, host, url)
            XCTAssertEqual(parsed.port, Int32(port), url)
            XCTAssertNil(parsed.username, url)
            XCTAssertNil(parsed.password, url)
        }
    }

    /// Credentials are percent-decoded, as redis-cli and redis-py read them;
    /// the last "@" ends them, so a password may hold "@" and ":".
    func testCredentialsAreDecodedAndAnEmptyUserIsTheDefaultOne() {
        let cases: [(String, String?, String)] = [
            ("redis://:pw@127.0.0.1:6379", nil, "pw"),
            ("redis://default:p%40ss@127.0.0.1:6379/0", "default", "p@ss"),
            ("redis://:p@ss@h:1", nil, "p@ss"),
            ("redis://u:pa:ss@h:1", "u", "pa:ss"),
            ("redis://a%3Ab:%2F@h:1", "a:b", "/"),
        ]
        for (url, username, password) in cases {
            guard let parsed = endpoint(url) else { continue }
            XCTAssertEqual(text(parsed.username), username, url)
            XCTAssertEqual(text(parsed.password), password, url)
        }
        XCTAssertEqual(endpoint("redis://:p@ss@h:1")?.host, "h")
        XCTAssertEqual(endpoint("redis://u:pa:ss@h:1")?.port, 1)
    }
}
