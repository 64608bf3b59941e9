/// Decides how one element's changed run of children becomes the new run:
/// which old nodes stay (and are diffed in place), which move, which go and
/// which new nodes are inserted.
///
/// Nodes are paired by key (`ts-key`, else `id`, else a nested component's
/// `data-livets-id`), then elements by content (an element whose exact
/// subtree appears once on each side is the same element, moved), then what
/// is left by position within the stretch between two paired nodes, so a
/// changed row is diffed against its old version and whitespace between
/// rows stays put. Paired nodes on a longest increasing subsequence of old
/// positions stay where they are; the others move.
struct ChildMatcher {
    enum Step {
        /// Move the live node at `from` before the live node at `before`
        /// (counted before the move; the end of the run when it is the
        /// length of the live list).
        case move(from: Int, before: Int, oldIndex: Int)
        /// Insert new nodes `first...last` before the live node at `before`.
        case insert(before: Int, anchorOld: Int?, anchorNew: Int?, first: Int, last: Int)
    }

    /// Old positions to remove, highest first.
    var removals: [Int] = []
    /// Moves and inserts, in the order they apply, after the removals.
    var steps: [Step] = []
    /// For each new position, the old position it keeps, or -1 if inserted.
    var partner: [Int] = []

    /// `old` and `new` are the node indices of the two runs.
    /// Without `declaredKeys`, keys in the markup are ignored: when no old
    /// key is still there, they identify nothing worth keeping.
    init(old: HTMLDocument, _ oldRun: ArraySlice<Int>, new: HTMLDocument, _ newRun: ArraySlice<Int>,
         declaredKeys: Bool) {
        let oldRun = Array(oldRun)
        let newRun = Array(newRun)
        let oldCount = oldRun.count
        let newCount = newRun.count
        partner = [Int](repeating: -1, count: newCount)
        var oldPartner = [Int](repeating: -1, count: oldCount)

        // Keys: declared ones, then unique element contents.
        let oldKeys = oldRun.map { ChildMatcher.key(old, $0, declared: declaredKeys) }
        let newKeys = newRun.map { ChildMatcher.key(new, $0, declared: declaredKeys) }
        var hasKeys = false
        var table: [UInt64: Int] = [:]
        for (i, key) in oldKeys.enumerated() {
            guard let key else { continue }
            hasKeys = true
            // A key seen twice names nothing.
            table[key.value] = table[key.value] == nil ? i : -1
        }
        if hasKeys {
            var seen: [UInt64: Int] = [:]
            for key in newKeys {
                if let key { seen[key.value, default: 0] += 1 }
            }
            for (j, key) in newKeys.enumerated() {
                guard let key, seen[key.value] == 1, let i = table[key.value], i >= 0 else { continue }
                guard ChildMatcher.sameKey(old, oldRun[i], new, newRun[j], declared: key.declared, declaredKeys: declaredKeys) else {
                    continue
                }
                partner[j] = i
                oldPartner[i] = j
            }
        }

        // What is left: equal nodes in the same stretch between paired
        // nodes (counted from the next paired node, then from the previous
        // one), then equal nodes anywhere, then any nodes by position within
        // their stretch. Whitespace between keyed rows is all equal; pairing
        // it by stretch keeps it where it is instead of shuffling it. A node
        // with a declared key has an identity of its own and is never reused.
        let oldNext = ChildMatcher.gaps(oldPartner, reversed: false)
        let oldPrevious = ChildMatcher.gaps(oldPartner, reversed: true)
        let ownPositions = partner.indices.map { partner[$0] >= 0 ? $0 : -1 }
        let newNext = ChildMatcher.gaps(ownPositions, reversed: false)
        let newPrevious = ChildMatcher.gaps(ownPositions, reversed: true)
        let oldFree = (0..<oldCount).map { oldPartner[$0] < 0 && !(oldKeys[$0]?.declared ?? false) }
        let newFree = (0..<newCount).map { partner[$0] < 0 && !(newKeys[$0]?.declared ?? false) }
        let oldHash = oldRun.map { old.nodes[$0].hash }
        let newHash = newRun.map { new.nodes[$0].hash }
        let stages: [(Int, Bool) -> UInt64] = [
            { i, isOld in Hash.combine(UInt64(bitPattern: Int64(isOld ? oldNext[i] : newNext[i])), isOld ? oldHash[i] : newHash[i]) },
            { i, isOld in Hash.combine(UInt64(bitPattern: Int64(isOld ? oldPrevious[i] : newPrevious[i])), isOld ? oldHash[i] : newHash[i]) },
            { i, isOld in isOld ? oldHash[i] : newHash[i] },
            { i, isOld in UInt64(bitPattern: Int64(isOld ? oldNext[i] : newNext[i])) },
        ]
        for stage in stages {
            var waiting: [UInt64: [Int]] = [:]
            for i in stride(from: oldCount - 1, through: 0, by: -1) where oldFree[i] && oldPartner[i] < 0 {
                waiting[stage(i, true), default: []].append(i)
            }
            if waiting.isEmpty { break }
            for j in 0..<newCount where newFree[j] && partner[j] < 0 {
                if let i = waiting[stage(j, false)]?.popLast() {
                    partner[j] = i
                    oldPartner[i] = j
                }
            }
        }

        for i in stride(from: oldCount - 1, through: 0, by: -1) where oldPartner[i] < 0 {
            removals.append(i)
        }
        planMoves(oldPartner: oldPartner, old: oldCount - removals.count, newCount: newCount)
    }

    /// For each position, the stretch it sits in: the new position of the
    /// next (or, `reversed`, previous) paired node, or -1 past the end.
    private static func gaps(_ pairedAs: [Int], reversed: Bool) -> [Int] {
        var out = [Int](repeating: -1, count: pairedAs.count)
        var gap = reversed ? -2 : -1
        let order = reversed ? Array(pairedAs.indices) : pairedAs.indices.reversed()
        for i in order {
            out[i] = gap
            if pairedAs[i] >= 0 { gap = pairedAs[i] }
        }
        return out
    }

    /// Walks the new run from its end, leaving the longest increasing run of
    /// old positions in place and putting everything else before the node
    /// that follows it. Live positions are counted with a Fenwick tree over
    /// the kept old nodes: each slot holds its node (if still there) plus
    /// the nodes already placed in front of it.
    private mutating func planMoves(oldPartner: [Int], old keptCount: Int, newCount: Int) {
        // Rank of each kept old node among the kept ones.
        var rank = [Int](repeating: -1, count: oldPartner.count)
        var r = 0
        for (i, j) in oldPartner.enumerated() where j >= 0 {
            rank[i] = r
            r += 1
        }
        var sequence: [Int] = []
        sequence.reserveCapacity(keptCount)
        for j in 0..<newCount where partner[j] >= 0 { sequence.append(rank[partner[j]]) }
        let stable = longestIncreasingSubsequence(sequence)

        var tree = Fenwick(count: keptCount + 1)
        for k in 0..<keptCount { tree.add(k, 1) }
        var anchorSlot = keptCount
        var anchorOld: Int? = nil
        var anchorNew: Int? = nil
        var position = sequence.count - 1
        var j = newCount - 1
        while j >= 0 {
            let i = partner[j]
            if i < 0 {
                var first = j
                while first > 0 && partner[first - 1] < 0 { first -= 1 }
                let before = tree.prefix(anchorSlot)
                steps.append(.insert(before: before, anchorOld: anchorOld, anchorNew: anchorNew, first: first, last: j))
                tree.add(anchorSlot, j - first + 1)
                anchorOld = nil
                anchorNew = first
                j = first - 1
                continue
            }
            let slot = rank[i]
            if stable[position] {
                anchorSlot = slot
            } else {
                let from = tree.prefix(slot)
                steps.append(.move(from: from, before: tree.prefix(anchorSlot), oldIndex: i))
                tree.add(slot, -1)
                tree.add(anchorSlot, 1)
            }
            anchorOld = i
            anchorNew = nil
            position -= 1
            j -= 1
        }
    }

    struct Key {
        let value: UInt64
        /// From an attribute, rather than from the content.
        let declared: Bool
    }

    static func key(_ document: HTMLDocument, _ index: Int, declared: Bool = true) -> Key? {
        let node = document.nodes[index]
        guard node.kind == .element else { return nil }
        let name = Hash.bytes(document.pointer(node.text), Int(node.text.count), 0x6B65_7973)
        for attribute in [Names.tsKey, Names.id, Names.component] where declared {
            if let value = document.attribute(index, attribute) {
                let v = value.count == 0 ? 0x7 : Hash.bytes(document.pointer(value), Int(value.count), UInt64(attribute.count))
                return Key(value: Hash.combine(name, v), declared: true)
            }
        }
        return Key(value: Hash.combine(node.hash, 0xC0_47E7), declared: false)
    }

    /// Keys are hashes; a pairing is only made when the nodes really agree.
    static func sameKey(_ old: HTMLDocument, _ o: Int, _ new: HTMLDocument, _ n: Int, declared: Bool,
                        declaredKeys: Bool = true) -> Bool {
        let a = old.nodes[o]
        let b = new.nodes[n]
        guard a.namespace == b.namespace, old.equal(a.text, new, b.text) else { return false }
        if !declared { return a.hash == b.hash && !(key(old, o, declared: declaredKeys)?.declared ?? false) }
        for attribute in [Names.tsKey, Names.id, Names.component] {
            let x = old.attribute(o, attribute)
            let y = new.attribute(n, attribute)
            if x == nil && y == nil { continue }
            guard let x, let y else { return false }
            return old.equal(x, new, y)
        }
        return false
    }
}

/// Marks, for each element of `sequence` (distinct integers), whether it is
/// on one longest strictly increasing subsequence. O(n log n).
func longestIncreasingSubsequence(_ sequence: [Int]) -> [Bool] {
    let n = sequence.count
    var tails: [Int] = []
    var previous = [Int](repeating: -1, count: n)
    for i in 0..<n {
        var low = 0
        var high = tails.count
        while low < high {
            let mid = (low + high) / 2
            if sequence[tails[mid]] < sequence[i] { low = mid + 1 } else { high = mid }
        }
        if low > 0 { previous[i] = tails[low - 1] }
        if low == tails.count { tails.append(i) } else { tails[low] = i }
    }
    var marks = [Bool](repeating: false, count: n)
    var k = tails.last ?? -1
    while k >= 0 {
        marks[k] = true
        k = previous[k]
    }
    return marks
}

/// Prefix sums with point updates in O(log n).
struct Fenwick {
    private var tree: [Int]

    init(count: Int) {
        tree = [Int](repeating: 0, count: count + 1)
    }

    mutating func add(_ index: Int, _ delta: Int) {
        var i = index + 1
        while i < tree.count {
            tree[i] += delta
            i += i & -i
        }
    }

    /// The sum of slots `0..<index`.
    func prefix(_ index: Int) -> Int {
        var sum = 0
        var i = index
        while i > 0 {
            sum += tree[i]
            i -= i & -i
        }
        return sum
    }
}
