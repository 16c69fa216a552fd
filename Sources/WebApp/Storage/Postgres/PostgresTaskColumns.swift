import Domain
import Foundation
import NIOCore
import PostgresNIO

/// A page of tasks as one row of arrays, a column each (`array_agg` over the page): for
/// the app, reading one row of eleven arrays costs a fraction of reading fifty rows
/// (each row is a message of its own to decode, buffer, hand over and take apart).
/// All the aggregates read the page's rows in one pass, so the arrays line up; the records
/// are put newest first here.
enum PostgresTaskColumns {
    /// The aggregates over `source` (a page of task rows aliased `x`), named like the
    /// task columns in the plural.
    static func select(from source: String) -> String {
        let aggregates = TaskRecord.columns.components(separatedBy: ", ").map { "array_agg(x.\($0)) AS \($0)s" }
        return "SELECT \(aggregates.joined(separator: ", ")) FROM \(source) x"
    }

    /// The names `select(from:)` gives its columns, qualified by `table`.
    static func names(qualifiedBy table: String) -> [String] {
        TaskRecord.columns.components(separatedBy: ", ").map { "\(table).\($0)s" }
    }

    /// The tasks of a row of nothing but the page's arrays.
    static func tasks(in row: PostgresRow) throws -> [TaskRecord] {
        var columns = PostgresColumns(row)
        return try tasks(&columns)
    }

    /// The tasks of the row's arrays (none when the page is empty: every array NULL),
    /// newest first.
    static func tasks(_ columns: inout PostgresColumns) throws -> [TaskRecord] {
        let ids = try columns.array(Int64.self), users = try columns.array(Int64.self), titles = try columns.array(String.self)
        let descriptions = try columns.array(String.self), statuses = try columns.array(String.self)
        let estimates = try columns.array(Int.self), focusSeconds = try columns.array(Int.self), pomodoros = try columns.array(Int.self)
        let created = try columns.array(Date.self), updated = try columns.array(Date.self), completed = try columns.array(Date.self)
        let lengths = [
            users.count, titles.count, descriptions.count, statuses.count, estimates.count, focusSeconds.count, pomodoros.count, created.count,
            updated.count, completed.count,
        ]
        guard lengths.allSatisfy({ $0 == ids.count }) else { throw PostgresColumns.Missing() }
        var tasks: [TaskRecord] = []
        tasks.reserveCapacity(ids.count)
        for index in ids.indices {
            guard let status = TaskStatus(rawValue: try statuses[index].required()) else { throw PostgresColumns.Unknown(text: statuses[index] ?? "") }
            var task = TaskRecord(
                userId: try users[index].required(), title: try titles[index].required(), description: try descriptions[index].required(),
                status: status, estimatePomodoros: estimates[index], focusSeconds: try focusSeconds[index].required(),
                pomodoros: try pomodoros[index].required(), createdAt: try created[index].required(), updatedAt: try updated[index].required(),
                completedAt: completed[index])
            task.id = try ids[index].required()
            tasks.append(task)
        }
        tasks.sort { ($0.id ?? 0) > ($1.id ?? 0) }
        return tasks
    }
}

/// A one-dimensional PostgreSQL array whose elements may be NULL, in binary form
/// (PostgresNIO's own array decoding refuses NULL elements).
struct PostgresNullableArray<Element: PostgresDecodable>: PostgresDecodable {
    let elements: [Element?]

    init(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<some PostgresJSONDecoder>) throws {
        guard format == .binary, let (dimensions, _, elementType) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32, UInt32).self),
            dimensions == 0 || dimensions == 1
        else { throw PostgresDecodingError.Code.failure }
        guard dimensions == 1 else {
            elements = []
            return
        }
        guard let (count, _) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32).self), count >= 0 else {
            throw PostgresDecodingError.Code.failure
        }
        var elements: [Element?] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = buffer.readInteger(endianness: .big, as: Int32.self) else { throw PostgresDecodingError.Code.failure }
            guard length >= 0 else {
                elements.append(nil)
                continue
            }
            guard var element = buffer.readSlice(length: Int(length)) else { throw PostgresDecodingError.Code.failure }
            elements.append(try Element(from: &element, type: PostgresDataType(elementType), format: format, context: context))
        }
        self.elements = elements
    }
}

extension PostgresColumns {
    /// An array column's elements (none for a NULL array), each possibly NULL.
    mutating func array<Element: PostgresDecodable>(_: Element.Type) throws -> [Element?] {
        try next(PostgresNullableArray<Element>?.self)?.elements ?? []
    }
}

extension Optional {
    /// The value of a column that cannot be NULL.
    fileprivate func required() throws -> Wrapped {
        guard let self else { throw PostgresColumns.Missing() }
        return self
    }
}
