import XCTest
@testable import LiveTSNet

final class RefusalLogTests: XCTestCase {
    private var reported: [RefusalNotice] = []

    private func makeLog() -> RefusalLog { RefusalLog { [unowned self] in self.reported.append($0) } }

    func testTheFirstRefusalIsReportedAtOnceAndTheRestFoldedIntoOneLinePerInterval() {
        let log = makeLog()
        for i in 0..<4_812 { log.refuse(.eventRate, connection: 7, address: Array("203.0.113.5".utf8), detail: "over", now: UInt64(i)) }
        XCTAssertEqual(reported.map(\.count), [1])
        log.sweep(now: 5_000)
        XCTAssertEqual(reported.count, 1, "the interval has not ended")
        log.sweep(now: RefusalLog.intervalMs)
        XCTAssertEqual(reported.map(\.count), [1, 4_811])
        XCTAssertEqual(String(decoding: reported[1].address, as: UTF8.self), "203.0.113.5")
        log.refuse(.eventRate, connection: 7, address: [], detail: "over", now: RefusalLog.intervalMs + 1)
        XCTAssertEqual(reported.count, 2, "a flood that goes on is one line per interval")
        log.sweep(now: 3 * RefusalLog.intervalMs)
        XCTAssertEqual(reported.map(\.count), [1, 4_811, 1])
        log.sweep(now: 5 * RefusalLog.intervalMs)
        log.refuse(.eventRate, connection: 7, address: [], detail: "over", now: 5 * RefusalLog.intervalMs + 1)
        XCTAssertEqual(reported.count, 4, "after a quiet interval the next refusal is reported at once")
        XCTAssertEqual(log.counts[RefusalCause.eventRate.rawValue], 4_814)
    }

    func testCausesConnectionsAndAddressesAreReportedApart() {
        let log = makeLog()
        log.refuse(.eventRate, connection: 1, address: [], detail: "", now: 0)
        log.refuse(.joinRate, connection: 1, address: [], detail: "", now: 0)
        log.refuse(.eventRate, connection: 2, address: [], detail: "", now: 0)
        log.refuse(.pageRate, connection: 0, address: Array("a".utf8), detail: "", now: 0)
        log.refuse(.pageRate, connection: 0, address: Array("b".utf8), detail: "", now: 0)
        log.refuse(.pageRate, connection: 0, address: Array("a".utf8), detail: "", now: 0)
        XCTAssertEqual(reported.count, 5)
    }
}
