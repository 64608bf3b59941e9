import XCTest
@testable import LiveTSEngine

final class BrokerTests: XCTestCase {
    private let room = Array("room".utf8)
    private let lobby = Array("lobby".utf8)

    private func component(_ connection: UInt64, _ id: String) -> Subscriber {
        .component(ComponentRegistry.Key(connection: connection, component: Array(id.utf8)))
    }

    private func reached(_ broker: Broker, _ topic: [UInt8]) -> Set<Subscriber> {
        Set(broker.subscribers(of: topic))
    }

    func testAPublishReachesEverySubscriberOfItsTopicAndNoOther() {
        var broker = Broker()
        broker.subscribe(.host, to: room)
        broker.subscribe(.connection(7), to: room)
        broker.subscribe(component(7, "chat"), to: room)
        broker.subscribe(component(8, "chat"), to: lobby)
        XCTAssertEqual(reached(broker, room), [.host, .connection(7), component(7, "chat")])
        XCTAssertEqual(reached(broker, lobby), [component(8, "chat")])
        XCTAssertEqual(broker.subscribers(of: Array("nobody".utf8)), [])
        XCTAssertEqual(broker.topicCount, 2)
        XCTAssertEqual(broker.subscriptionCount, 4)
    }

    func testSubscribingTwiceDeliversOnce() {
        var broker = Broker()
        XCTAssertTrue(broker.subscribe(.connection(1), to: room))
        XCTAssertFalse(broker.subscribe(.connection(1), to: room), "the second subscribe changes nothing")
        XCTAssertEqual(broker.subscribers(of: room), [.connection(1)])
        XCTAssertEqual(broker.subscriptionCount, 1)
    }

    /// A connection, its components and the host are different subscribers
    /// even where they share a number: unsubscribing one leaves the others.
    func testUnsubscribeRemovesOnlyThatSubscriberFromThatTopic() {
        var broker = Broker()
        for topic in [room, lobby] {
            broker.subscribe(.connection(1), to: topic)
            broker.subscribe(component(1, "a"), to: topic)
        }
        broker.subscribe(.host, to: room)
        broker.unsubscribe(.connection(1), from: room)
        XCTAssertEqual(reached(broker, room), [component(1, "a"), .host])
        XCTAssertEqual(reached(broker, lobby), [.connection(1), component(1, "a")])
        broker.unsubscribe(.connection(1), from: room)
        broker.unsubscribe(.connection(99), from: room)
        XCTAssertEqual(broker.subscriptionCount, 4, "unsubscribing what is not there changes nothing")
    }

    func testATopicWithoutSubscribersIsForgotten() {
        var broker = Broker()
        broker.subscribe(.connection(1), to: room)
        broker.unsubscribe(.connection(1), from: room)
        XCTAssertEqual(broker.topicCount, 0)
        XCTAssertEqual(broker.subscriptionCount, 0)
    }

    /// What a closed connection or a left component does: every topic it
    /// held stops reaching it, and everyone else still gets theirs.
    func testUnsubscribeAllLeavesOtherSubscribersInPlace() {
        var broker = Broker()
        for topic in [room, lobby] { broker.subscribe(component(1, "a"), to: topic) }
        broker.subscribe(component(1, "b"), to: room)
        broker.subscribe(component(2, "a"), to: lobby)
        broker.unsubscribeAll(component(1, "a"))
        XCTAssertEqual(reached(broker, room), [component(1, "b")])
        XCTAssertEqual(reached(broker, lobby), [component(2, "a")])
        XCTAssertEqual(broker.subscriptionCount, 2)
        broker.unsubscribeAll(component(1, "b"))
        broker.unsubscribeAll(component(2, "a"))
        broker.unsubscribeAll(.host)
        XCTAssertEqual(broker.topicCount, 0)
    }
}
