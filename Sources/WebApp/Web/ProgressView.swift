import Domain
import Foundation
import Templates

/// Template values for the progress panel: today's minutes toward the goal, the streak,
/// level and XP progress, a 12-week heatmap and a 7-day bar chart (server-rendered SVG;
/// the geometry is computed here, the markup lives in the template).
enum ProgressView {
    static let heatmapWeeks = 12
    /// A cell's size; the style sheet draws cells this size (`.heatmap rect`).
    static let cell = 14
    static let gap = 3

    /// `totals`: seconds per local day covering at least the last 12 weeks.
    static func values(user: UserRecord, streak: FocusService.StreakView, totals: [LocalDate: Double], today: LocalDate) -> TemplateValue {
        let (into, span) = Level.progress(user.xp)
        return [
            "today_minutes": .int(streak.todayMinutes),
            "goal_minutes": .int(streak.qualifyMinutes),
            "goal_value": .int(min(streak.todayMinutes, streak.qualifyMinutes)),
            "current_streak": .int(streak.current),
            "longest_streak": .int(streak.status.longest),
            "freezes_held": .int(streak.status.freezesHeld),
            "next_milestone_at": .int(streak.status.nextMilestoneAt),
            "to_next_milestone": .int(streak.status.nextMilestoneAt - streak.current),
            "level": .int(user.level),
            "xp": .int(user.xp),
            "xp_into_level": .int(into),
            "xp_level_span": .int(span),
            "xp_to_next": .int(span - into),
            "heatmap": heatmap(totals: totals, states: streak.projection, today: today, goal: streak.qualifyMinutes),
            "week": weekBars(totals: totals, today: today, goal: streak.qualifyMinutes),
        ]
    }

    /// Columns are weeks (Sunday first), the last column holds today; later days are empty.
    /// Each cell's shade is its minutes; rest, break and frozen days carry a mark of their
    /// own (a class the legend explains) and say so in their title.
    static func heatmap(totals: [LocalDate: Double], states projection: StreakProjection, today: LocalDate, goal: Int) -> TemplateValue {
        let lastSunday = today.adding(days: -today.weekday)
        let firstDay = lastSunday.adding(days: -7 * (heatmapWeeks - 1))
        // Oldest first from `firstDay`, so a day's state is at its offset from it.
        let states = projection.states(from: firstDay, to: today, today: today)
        var cells: [TemplateValue] = []
        cells.reserveCapacity(heatmapWeeks * 7)
        var activeDays = 0
        for week in 0..<heatmapWeeks {
            for weekday in 0..<7 {
                let day = firstDay.adding(days: week * 7 + weekday)
                guard day <= today else { continue }
                let seconds = totals[day] ?? 0
                if seconds >= Double(goal * 60) { activeDays += 1 }
                let minutes = Int(seconds / 60)
                let state = states[week * 7 + weekday].state
                // The cell's title is put together by the template from constant parts: no
                // string built per cell but the date.
                cells.append([
                    "x": .int(week * (cell + gap)), "y": .int(weekday * (cell + gap) + 14),
                    "level": .int(intensity(minutes: minutes, goal: goal)),
                    "date": .string(day.description), "minutes": .int(minutes),
                    "extra_class": mark(state), "title_note": note(state),
                ])
            }
        }
        return [
            "cells": .array(cells),
            "width": .int(heatmapWeeks * (cell + gap)), "height": .int(7 * (cell + gap) + 14),
            "summary": .string("Focus over the last 12 weeks: the goal was met on \(activeDays) day\(activeDays == 1 ? "" : "s")."),
        ]
    }

    /// The class a cell adds for the states the legend explains (none for the others), and
    /// what its title adds for its state: constant values made once (no per-cell string to
    /// build).
    static func mark(_ state: DayState?) -> TemplateValue {
        switch state {
        case .rest: restMark
        case .break: breakMark
        case .frozen: frozenMark
        case .missed: missedMark
        case .qualified, .today, .unstarted, nil: nothing
        }
    }

    static func note(_ state: DayState?) -> TemplateValue {
        switch state {
        case .qualified: qualifiedNote
        case .rest: restNote
        case .break: breakNote
        case .frozen: frozenNote
        case .missed: missedNote
        case .today, .unstarted, nil: nothing
        }
    }

    // Marks go in an attribute and notes in the cell's <title>, where the template engine
    // escapes whatever it writes: plain strings take its quickest path.
    static let nothing = TemplateValue.string("")
    static let restMark = TemplateValue.string(" day-rest")
    static let breakMark = TemplateValue.string(" day-break")
    static let frozenMark = TemplateValue.string(" day-frozen")
    static let missedMark = TemplateValue.string(" day-missed")
    static let qualifiedNote = TemplateValue.string(" · goal met")
    static let restNote = TemplateValue.string(" · rest day")
    static let breakNote = TemplateValue.string(" · planned break")
    static let frozenNote = TemplateValue.string(" · a freeze kept the streak")
    static let missedNote = TemplateValue.string(" · missed")

    /// 0 none, 1 under half the goal, 2 under the goal, 3 the goal, 4 twice the goal.
    static func intensity(minutes: Int, goal: Int) -> Int {
        switch minutes {
        case 0: 0
        case ..<(goal / 2): 1
        case ..<goal: 2
        case ..<(goal * 2): 3
        default: 4
        }
    }

    static func weekBars(totals: [LocalDate: Double], today: LocalDate, goal: Int) -> TemplateValue {
        let days = (0..<7).map { today.adding(days: $0 - 6) }
        let minutes = days.map { Int((totals[$0] ?? 0) / 60) }
        let scale = max(goal, minutes.max() ?? 0, 1)
        let chartHeight = 100
        let barWidth = 28
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let bars: [TemplateValue] = zip(days, minutes).enumerated().map { index, pair in
            let (day, value) = pair
            let height = value == 0 ? 0 : max(2, value * chartHeight / scale)
            return [
                "x": .int(index * (barWidth + 12) + 4), "y": .int(chartHeight - height + 8), "width": .int(barWidth), "height": .int(height),
                "label_x": .int(index * (barWidth + 12) + 4 + barWidth / 2), "name": .string(index == 6 ? "Today" : names[day.weekday]),
                "minutes": .int(value), "met": .bool(value >= goal), "title": .string("\(day): \(value) min"),
            ]
        }
        let total = minutes.reduce(0, +)
        return [
            "bars": .array(bars), "width": .int(7 * (barWidth + 12)), "height": .int(chartHeight + 30),
            "goal_y": .int(chartHeight - goal * chartHeight / scale + 8), "label_y": .int(chartHeight + 24),
            "summary": .string("Focus minutes over the last 7 days: \(total) in total."),
        ]
    }
}
