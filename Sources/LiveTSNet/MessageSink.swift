/// Where a host that takes decoded messages as they lie in the read buffer
/// has them delivered, reached with no reference counting: a call through
/// the delegate (an existential held unowned(unsafe)) retains and releases
/// it for every message, which with many small messages per read was a
/// tenth of the server's own time. `target` is the receiving object,
/// unretained: it owns the server and outlives its loop thread.
public struct MessageSink {
    public typealias Deliver = @convention(c) (_ target: UnsafeMutableRawPointer, _ connection: UInt64,
                                               _ bytes: UnsafeRawPointer?, _ count: Int, _ binary: Bool) -> Void
    public let target: UnsafeMutableRawPointer
    public let deliver: Deliver

    public init(target: UnsafeMutableRawPointer, deliver: Deliver) {
        self.target = target
        self.deliver = deliver
    }
}
