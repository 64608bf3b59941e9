/// Who a publish on a topic reaches, and how (LiveEngine.deliverPublish).
enum Subscriber: Hashable {
    /// The host itself (lts_host_subscribe): on_info with conn 0 and no component.
    case host
    /// A connection itself: publishes reach it as raw text frames.
    case connection(UInt64)
    /// A joined component: on_info for the host to re-render it.
    case component(ComponentRegistry.Key)
}

/// Topic subscriptions of components, connections and the host. Fan-out
/// runs on the loop thread; the two indexes make unsubscribe-on-close
/// proportional to what the subscriber held, not to the number of topics.
struct Broker {
    private var subscribers: [[UInt8]: Set<Subscriber>] = [:]
    private var topicsOf: [Subscriber: Set<[UInt8]>] = [:]

    var topicCount: Int { subscribers.count }
    var subscriptionCount: Int { topicsOf.values.reduce(0) { $0 + $1.count } }

    /// True if `subscriber` was not subscribed to `topic` yet.
    @discardableResult
    mutating func subscribe(_ subscriber: Subscriber, to topic: [UInt8]) -> Bool {
        topicsOf[subscriber, default: []].insert(topic)
        return subscribers[topic, default: []].insert(subscriber).inserted
    }

    mutating func unsubscribe(_ subscriber: Subscriber, from topic: [UInt8]) {
        subscribers[topic]?.remove(subscriber)
        if subscribers[topic]?.isEmpty == true { subscribers[topic] = nil }
        topicsOf[subscriber]?.remove(topic)
        if topicsOf[subscriber]?.isEmpty == true { topicsOf[subscriber] = nil }
    }

    mutating func unsubscribeAll(_ subscriber: Subscriber) {
        guard let topics = topicsOf.removeValue(forKey: subscriber) else { return }
        for topic in topics {
            subscribers[topic]?.remove(subscriber)
            if subscribers[topic]?.isEmpty == true { subscribers[topic] = nil }
        }
    }

    func subscribers(of topic: [UInt8]) -> [Subscriber] {
        guard let set = subscribers[topic] else { return [] }
        return Array(set)
    }
}
