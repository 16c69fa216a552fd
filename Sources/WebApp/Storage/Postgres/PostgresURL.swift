import Foundation
import NIOSSL
import PostgresNIO

/// A `DATABASE_URL` of the form `postgres://user:password@host:port/database` (SPEC §14) as
/// a connection configuration. `sslmode` as libpq spells it: `disable` (the default: a
/// database on the same host or a private network), `prefer`, or `require` / `verify-ca` /
/// `verify-full` (TLS with the server's certificate verified against the system's roots).
enum PostgresURL {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// One connection's settings (the migrator, tests).
    static func configuration(_ text: String) throws -> PostgresConnection.Configuration {
        let parts = try Parts(text)
        let tls: PostgresConnection.Configuration.TLS =
            switch parts.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        return PostgresConnection.Configuration(
            host: parts.host, port: parts.port, username: parts.user, password: parts.password, database: parts.database, tls: tls)
    }

    /// The connection pool's settings (``PostgresStore``).
    static func clientConfiguration(_ text: String) throws -> PostgresClient.Configuration {
        let parts = try Parts(text)
        let tls: PostgresClient.Configuration.TLS =
            switch parts.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: parts.host, port: parts.port, username: parts.user, password: parts.password, database: parts.database, tls: tls)
    }

    private struct Parts {
        enum TLSMode { case disable, prefer, require }

        let host: String
        let port: Int
        let user: String
        let password: String?
        let database: String?
        let tls: TLSMode

        init(_ text: String) throws {
            guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
                throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:port/database")
            }
            // URLComponents hands out the user and password already percent-decoded.
            guard let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty else {
                throw Invalid(description: "DATABASE_URL needs a user and a host (postgres://user@host/database)")
            }
            let database = String(url.path.drop(while: { $0 == "/" }))
            self.host = host
            port = url.port ?? 5432
            self.user = user
            password = url.password
            self.database = database.isEmpty ? nil : database
            tls =
                switch url.queryItems?.last(where: { $0.name == "sslmode" })?.value {
                case nil, "disable": .disable
                case "prefer": .prefer
                case "require", "verify-ca", "verify-full": .require
                case let other?:
                    throw Invalid(description: "DATABASE_URL's sslmode must be disable, prefer, require, verify-ca or verify-full, not '\(other)'")
                }
        }
    }
}
