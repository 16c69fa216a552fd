import Domain
import Testing

@Suite struct LevelTests {
    @Test func thresholds() {
        #expect(Level.forXP(0) == 1)
        #expect(Level.forXP(99) == 1)
        #expect(Level.forXP(100) == 2)
        #expect(Level.forXP(299) == 2)
        #expect(Level.forXP(300) == 3)
        #expect(Level.forXP(600) == 4)
        #expect(Level.progress(150) == (50, 200))
    }

    /// Against the definition: the level is the largest L with 50·L·(L−1) ≤ xp. Seeded,
    /// so a failure names the seed that reproduces it.
    @Test(arguments: [UInt64(1), 42, 2026])
    func matchesTheDefinitionForRandomXP(seed: UInt64) {
        var generator = SeededRandom(seed: seed)
        for _ in 0..<2_000 {
            let xp = Int.random(in: 0...2_000_000, using: &generator)
            let level = Level.forXP(xp)
            #expect(50 * level * (level - 1) <= xp, "seed \(seed), xp \(xp)")
            #expect(50 * (level + 1) * level > xp, "seed \(seed), xp \(xp)")
        }
    }
}
