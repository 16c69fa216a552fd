import Foundation
import NIOPosix

/// Renders the same page with every engine, checks they agree, and prints one line each:
/// `engine=<name> ns_per_render=<median> renders=<count>`.

/// The page with entities decoded and white space between tags dropped, so engines that
/// escape `"` as `&quot;` or `&#34;` compare equal.
func normalized(_ html: String) -> String {
    var text = html
    for (entity, character) in [("&quot;", "\""), ("&#34;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
        text = text.replacingOccurrences(of: entity, with: character)
    }
    return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined()
}

func measure(_ engine: any Engine, page: BenchPage, seconds: Double) throws -> (median: Double, count: Int) {
    for _ in 0..<50 { _ = try engine.render(page) }
    var samples: [Double] = []
    var total = 0
    let deadline = Date().addingTimeInterval(seconds)
    var batch = 10
    while Date() < deadline || samples.count < 5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<batch { _ = try engine.render(page) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
        samples.append(elapsed / Double(batch))
        total += batch
        if elapsed < 5_000_000 { batch *= 2 }
    }
    samples.sort()
    return (samples[samples.count / 2], total)
}

let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "3") ?? 3
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let page = BenchPage.make()
let engines: [any Engine] = [
    try FocusQuestEngine(), Baseline(), try MustacheEngine(), LeafEngine(eventLoop: group.next()), try StencilEngine(),
]
let reference = normalized(try Baseline().render(page))
var failed = false
for engine in engines {
    let output = normalized(try engine.render(page))
    if output != reference {
        failed = true
        let mismatch = zip(output, reference).prefix(while: { $0 == $1 }).count
        print("engine=\(engine.name) MISMATCH at \(mismatch): \(output.dropFirst(max(0, mismatch - 40)).prefix(120))")
    }
}
if failed { exit(1) }
var results: [String: Double] = [:]
for engine in engines {
    let (median, count) = try measure(engine, page: page, seconds: seconds)
    results[engine.name] = median
    print("engine=\(engine.name) ns_per_render=\(Int(median)) renders=\(count)")
}
let fastestOther = ["mustache", "leaf", "stencil"].compactMap { results[$0] }.min() ?? 0
if let ours = results["focusquest"], let baseline = results["handwritten"] {
    print(String(format: "ratio fastest_other/focusquest=%.2f focusquest/handwritten=%.2f", fastestOther / ours, ours / baseline))
}
try group.syncShutdownGracefully()
