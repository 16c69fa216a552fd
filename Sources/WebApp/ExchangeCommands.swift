import ArgumentParser
import Domain
import Foundation

/// `focusquest export --user NAME [--output FILE]`: the user's export document (SPEC §10),
/// to a file or standard output.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a user's export (JSON) to FILE or standard output.")

    @Option(help: "The user to export.") var user: String
    @Option(help: "Where to write it (a new file); standard output when left out.") var output: String?

    func run() async throws {
        let (config, logger) = try bootstrap()
        let database = try await StorageOpener.open(config, logger: logger)
        do {
            try await export(from: database)
            try await database.shutdown()
        } catch {
            // safe: the export's error is the one to report
            try? await database.shutdown()
            throw error
        }
    }

    private func export(from database: any AppStorage) async throws {
        guard let record = try await database.user(named: user) else { throw ValidationError("There is no user named \(user).") }
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                let opened = FileHandle(forWritingAtPath: output)
            else { throw ValidationError("Cannot create \(output).") }
            handle = opened
        } else {
            handle = FileHandle.standardOutput
        }
        try await AccountExport(database: database, userID: record.userID, now: Date()).write { bytes in try handle.write(contentsOf: bytes) }
        if output != nil { try handle.close() }
    }
}

/// `focusquest import --user NAME FILE [--source toggl --timezone ZONE]`: imports like
/// `POST /api/v1/import`, printing progress as the sessions go in.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import a FocusQuest export or a Toggl Track CSV into a user's account.")

    @Option(help: "The user to import into.") var user: String
    @Argument(help: "The file to import.") var file: String
    @Option(help: "focusquest (an export, the default) or toggl (a detailed time entries CSV).") var source = "focusquest"
    @Option(help: "The time zone a Toggl file's times are in (default: the user's).") var timezone: String?
    @Flag(help: "Check the file and report what would change, storing nothing.") var dryRun = false

    func run() async throws {
        let (config, logger) = try bootstrap()
        let database = try await StorageOpener.open(config, logger: logger)
        do {
            try await importFile(into: database, config: config)
            try await database.shutdown()
        } catch {
            // safe: the import's error is the one to report
            try? await database.shutdown()
            throw error
        }
    }

    private func importFile(into database: any AppStorage, config: AppConfig) async throws {
        guard let record = try await database.user(named: user) else { throw ValidationError("There is no user named \(user).") }
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read \(file).") }
        let options: ImportService.Options
        do {
            options = try ImportService.Options(source: source, timezone: timezone, dryRun: dryRun ? "true" : "false")
        } catch {
            throw ValidationError(error.message + " " + (error.fields.map { FieldErrors($0).description } ?? ""))
        }
        let service = ImportService(database: database, clock: SystemClock(), qualifyMinutes: config.qualifyMinutes)
        do {
            let report = try await service.importFile(data, options: options, for: record) { done, total in
                print("sessions \(done)/\(total)")
            }
            print(
                "\(dryRun ? "Would import" : "Imported"): \(report.tasksCreated) tasks created, \(report.tasksMatched) matched; "
                    + "\(report.sessionsCreated) sessions created, \(report.sessionsSkipped) skipped; \(report.kvCreated) values created, \(report.kvSkipped) kept.")
        } catch let error as AppError {
            let rows = (error.rows ?? []).map { "  " + ($0.row.map { "row \($0), " } ?? "") + "\($0.field): \($0.problem)" }
            throw ValidationError(([error.message] + rows).joined(separator: "\n"))
        }
    }
}
