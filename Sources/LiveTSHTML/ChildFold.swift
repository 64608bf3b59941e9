/// How an element's children's hashes make one: last child first, in runs
/// of `runLength` counted from the last child, each run folded on its own
/// and the runs folded in turn. A run of equal length at the same place
/// from the end hashes the same in every tree, so one child's new hash
/// refolds its run and the runs (`ChildList.folded`), not every sibling:
/// for a 1,000-row table, 32 + 32 combines in place of 1,000.
struct ChildFold {
    static let runLength = 32

    private var runs: UInt64 = 0
    private var run: UInt64 = 0
    private var inRun = 0

    /// Adds the child before the ones added so far.
    @inline(__always)
    mutating func add(_ hash: UInt64) {
        run = Hash.combine(run, hash)
        inRun += 1
        if inRun == ChildFold.runLength {
            runs = Hash.combine(runs, run)
            run = 0
            inRun = 0
        }
    }

    /// The children added, as one hash; 0 for none.
    var value: UInt64 { inRun == 0 ? runs : Hash.combine(runs, run) }
}

/// The children of one element, in order, and their hashes; for a long
/// list kept between splices, each run's fold too (see ChildFold).
struct ChildList {
    private(set) var indices: [Int32] = []
    private(set) var hashes: [UInt64] = []
    /// Run `r` holds the children `r * runLength` to `r * runLength + runLength - 1`
    /// counted from the last. Empty until `keepRuns`.
    private var runs: [UInt64] = []

    mutating func append(_ child: Int, hash: UInt64) {
        indices.append(Int32(child))
        hashes.append(hash)
    }

    /// Folds every run now, so later folds refold only runs that change.
    mutating func keepRuns() {
        runs = (0..<runCount).map { runHash($0) }
    }

    /// Gives the child at `position` a new hash.
    mutating func setHash(_ hash: UInt64, at position: Int) {
        hashes[position] = hash
        if !runs.isEmpty {
            let r = run(of: position)
            runs[r] = runHash(r)
        }
    }

    func position(of child: Int) -> Int? {
        var lo = 0
        var hi = indices.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(indices[mid]) < child { lo = mid + 1 } else { hi = mid }
        }
        return lo < indices.count && Int(indices[lo]) == child ? lo : nil
    }

    /// The children's hash as `ChildFold` makes it, with the children at
    /// the overrides' positions (ascending) hashing as given there. Runs
    /// count from the end, so the last override's run comes first; a kept
    /// run no override falls in is not folded again.
    func folded(overrides: [(position: Int, hash: UInt64)]) -> UInt64 {
        var fold: UInt64 = 0
        var o = overrides.count - 1
        for r in 0..<runCount {
            let touched = o >= 0 && run(of: overrides[o].position) == r
            fold = Hash.combine(fold, touched || runs.isEmpty ? runHash(r, overrides, &o) : runs[r])
        }
        return fold
    }

    private var runCount: Int { (hashes.count + ChildFold.runLength - 1) / ChildFold.runLength }

    private func run(of position: Int) -> Int { (hashes.count - 1 - position) / ChildFold.runLength }

    private func runHash(_ r: Int) -> UInt64 {
        var none = -1
        return runHash(r, [], &none)
    }

    /// Run `r`'s fold, last child first, with the overrides in it taken
    /// from `overrides` (ascending) down from index `o`, which ends below them.
    private func runHash(_ r: Int, _ overrides: [(position: Int, hash: UInt64)], _ o: inout Int) -> UInt64 {
        let last = hashes.count - 1 - r * ChildFold.runLength
        let first = max(0, last - ChildFold.runLength + 1)
        var h: UInt64 = 0
        var k = last
        while k >= first {
            if o >= 0 && overrides[o].position == k {
                h = Hash.combine(h, overrides[o].hash)
                o -= 1
            } else {
                h = Hash.combine(h, hashes[k])
            }
            k -= 1
        }
        return h
    }
}
