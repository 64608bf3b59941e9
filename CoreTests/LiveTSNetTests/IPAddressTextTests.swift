import XCTest
@testable import LiveTSNet

/// One printed form for every address, so a configured trusted proxy, a
/// forwarded-for entry and a socket's peer compare equal when they are the
/// same address.
final class IPAddressTextTests: XCTestCase {
    private func canonical(_ text: String) -> String? {
        IPAddressText.canonical(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    func testEveryWayOfWritingAnAddressPrintsAsThePeerIsPrinted() {
        XCTAssertEqual(canonical("203.0.113.5"), "203.0.113.5")
        XCTAssertEqual(canonical("::0001"), "::1")
        XCTAssertEqual(canonical("2001:DB8:0:0::1"), "2001:db8::1")
        XCTAssertEqual(canonical("::ffff:10.0.0.1"), "10.0.0.1", "a dual-stack socket's peer prints IPv4-mapped as IPv4")
        XCTAssertEqual(canonical("::FFFF:a00:1"), "10.0.0.1")
        XCTAssertEqual(canonical("::10.0.0.1"), "::10.0.0.1", "IPv4-compatible is another address, left as it is")
    }

    func testAnythingButAnIPLiteralIsNil() {
        for bad in ["", "localhost", "1.2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.256", "[::1]", "::1%lo", "1.2.3.4:80",
                    "1\u{0}.2.3.4", String(repeating: "0", count: 64)] {
            XCTAssertNil(canonical(bad), bad)
        }
    }

    func testItReadsAnyByteCollectionOfTheText() {
        let header = Array("for=10.0.0.1".utf8)
        XCTAssertEqual(IPAddressText.canonical(header[4...]), Array("10.0.0.1".utf8))
        XCTAssertEqual(IPAddressText.canonical("::1".utf8), Array("::1".utf8))
    }
}
