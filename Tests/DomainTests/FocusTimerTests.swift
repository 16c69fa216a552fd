import Domain
import Foundation
import Testing

@Suite struct FocusTimerTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func transitionsFollowTheStateMachine() throws {
        let timer = FocusTimer(kind: .focus, plannedSeconds: 1500, taskID: nil, startedAt: start)
        #expect(throws: TimerError.invalidTransition(from: .running, action: "resume")) { try timer.resuming(at: start + 10) }
        let paused = try timer.pausing(at: start + 60)
        #expect(paused.status == .paused)
        #expect(throws: TimerError.invalidTransition(from: .paused, action: "pause")) { try paused.pausing(at: start + 70) }
        let resumed = try paused.resuming(at: start + 160)
        #expect(resumed.plannedEnd == start + 1600)
        let done = try resumed.completing(at: start + 400)
        #expect(done.focusedSeconds(at: start + 9999) == 300)
        #expect(!done.isFullLength)
        #expect(throws: TimerError.noActiveTimer) { try done.pausing(at: start + 500) }
        #expect(throws: TimerError.noActiveTimer) { try done.cancelling(at: start + 500) }
        let cancelled = try timer.cancelling(at: start + 30)
        #expect(cancelled.status == .cancelled)
        #expect(throws: TimerError.noActiveTimer) { try cancelled.completing(at: start + 40) }
    }

    @Test func aClosedTabsTimerCompletesAtItsPlannedEnd() throws {
        let timer = FocusTimer(kind: .focus, plannedSeconds: 1500, taskID: 4, startedAt: start)
        let later = timer.settled(at: start + 7200)
        #expect(later.status == .completed)
        #expect(later.endedAt == start + 1500)
        #expect(later.isFullLength)
        #expect(later.focusedSeconds(at: start + 7200) == 1500)
        #expect(throws: TimerError.noActiveTimer) { try timer.pausing(at: start + 1500) }
        #expect(timer.settled(at: start + 1499).status == .running)
    }

    @Test func pausedTimersDoNotComplete() throws {
        let paused = try FocusTimer(kind: .focus, plannedSeconds: 60, taskID: nil, startedAt: start).pausing(at: start + 30)
        #expect(paused.settled(at: start + 3600).status == .paused)
        #expect(paused.remainingSeconds(at: start + 3600) == 30)
    }

    /// For random pause sequences, focused time is wall time minus paused time.
    @Test(arguments: [21, 22, 23])
    func focusedTimeIsWallTimeMinusPausedTime(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        for _ in 0..<300 {
            let planned = Int.random(in: 60...7200, using: &random)
            var timer = FocusTimer(kind: .focus, plannedSeconds: planned, taskID: nil, startedAt: start)
            var now = start
            var paused = 0.0
            var running = 0.0
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let run = Double(Int.random(in: 1...max(1, (planned - Int(running)) / 4), using: &random))
                guard running + run < Double(planned) else { break }
                now += run
                running += run
                timer = try timer.pausing(at: now)
                let pause = Double(Int.random(in: 0...3600, using: &random))
                now += pause
                paused += pause
                timer = try timer.resuming(at: now)
            }
            let finish = now + Double(Int.random(in: 0...planned, using: &random))
            let model = min(finish.timeIntervalSince(start) - paused, Double(planned))
            let completed = timer.settled(at: finish).status == .completed ? timer.settled(at: finish) : try timer.completing(at: finish)
            #expect(abs(completed.focusedSeconds(at: finish) - model) < 0.001, "seed \(seed)")
            #expect(completed.isFullLength == (model >= Double(planned)))
        }
    }

    @Test func nextTimerSuggestsBreaksAndLongBreaks() throws {
        let settings = TimerSettings.standard
        func full(_ kind: TimerKind) -> FocusTimer {
            FocusTimer(kind: kind, plannedSeconds: 60, taskID: nil, startedAt: start).settled(at: start + 60)
        }
        #expect(NextTimer.suggest(after: [], settings: settings) == (.focus, 25))
        #expect(NextTimer.suggest(after: [full(.focus)], settings: settings) == (.shortBreak, 5))
        #expect(NextTimer.suggest(after: [full(.shortBreak), full(.focus)], settings: settings) == (.focus, 25))
        let four = [full(.focus), full(.shortBreak), full(.focus), full(.shortBreak), full(.focus), full(.shortBreak), full(.focus)]
        #expect(NextTimer.suggest(after: four, settings: settings) == (.longBreak, 15))
        #expect(NextTimer.suggest(after: [full(.focus), full(.longBreak)] + four, settings: settings) == (.shortBreak, 5))
    }
}
