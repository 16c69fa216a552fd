// swift-tools-version:6.2
// The template engine benchmark lives in its own package so the app never depends on
// the engines it is compared with. Run it with `make bench-templates`.
import Foundation
import PackageDescription

/// The app's package is the folder above; SwiftPM names a path dependency after its folder.
let appPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "FocusQuestBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/stencilproject/Stencil.git", from: "0.15.1"),
    ],
    targets: [
        .executableTarget(
            name: "TemplateBenchmark",
            dependencies: [
                .product(name: "Templates", package: appPackage),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Stencil", package: "Stencil"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        )
    ]
)
