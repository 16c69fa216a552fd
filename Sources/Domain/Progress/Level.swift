/// Levels: level L starts at 50·L·(L−1) XP (level 1 at 0, 2 at 100, 3 at 300, 4 at 600 …).
public enum Level {
    public static func threshold(_ level: Int) -> Int { 50 * level * (level - 1) }

    public static func forXP(_ xp: Int) -> Int {
        var level = 1
        while threshold(level + 1) <= xp { level += 1 }
        return level
    }

    /// XP into the current level and the XP the level spans, for progress bars.
    public static func progress(_ xp: Int) -> (into: Int, span: Int) {
        let level = forXP(xp)
        return (xp - threshold(level), threshold(level + 1) - threshold(level))
    }
}
