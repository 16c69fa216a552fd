import Foundation
import NIOSSL
import PostgresNIO

/// A `DATABASE_URL` of the form `postgres://user:password@host:port/database` (SPEC §14) as
/// a connection configuration. `sslmode` as libpq spells it: `disable` (the default: a
/// database on the same host or a private network), `prefer`, or `require` / `verify-ca` /
/// `verify-full` (TLS with the server's certificate verified against the system's roots).
///
/// A database on the same machine is reached through its Unix socket as libpq does it: a
/// `host` query parameter naming the socket's folder (`postgres://fq@/focusquest?host=/run/postgresql`,
/// the socket `/run/postgresql/.s.PGSQL.5432` with the port of the URL). It costs the app
/// less per statement than loopback TCP (the kernel's TCP path runs in the sender's time);
/// no TLS on a socket (`prefer` goes without), so `sslmode=require` with one is refused rather than ignored.
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
        switch parts.endpoint {
        case .tcp(let host, let port):
            return PostgresConnection.Configuration(
                host: host, port: port, username: parts.user, password: parts.password, database: parts.database, tls: tls)
        case .socket(let path):
            return PostgresConnection.Configuration(
                unixSocketPath: path, username: parts.user, password: parts.password, database: parts.database)
        }
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
        switch parts.endpoint {
        case .tcp(let host, let port):
            return PostgresClient.Configuration(
                host: host, port: port, username: parts.user, password: parts.password, database: parts.database, tls: tls)
        case .socket(let path):
            return PostgresClient.Configuration(
                unixSocketPath: path, username: parts.user, password: parts.password, database: parts.database)
        }
    }

    private struct Parts {
        enum TLSMode { case disable, prefer, require }
        enum Endpoint {
            case tcp(host: String, port: Int)
            /// The socket file's path (its folder and `.s.PGSQL.<port>`).
            case socket(path: String)
        }

        let endpoint: Endpoint
        let user: String
        let password: String?
        let database: String?
        let tls: TLSMode

        init(_ text: String) throws {
            guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
                throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:port/database")
            }
            // URLComponents hands out the user and password already percent-decoded.
            let query = url.queryItems ?? []
            let host = query.last(where: { $0.name == "host" })?.value ?? url.host ?? ""
            guard !host.isEmpty, let user = url.user, !user.isEmpty else {
                throw Invalid(description: "DATABASE_URL needs a user and a host (postgres://user@host/database)")
            }
            let database = String(url.path.drop(while: { $0 == "/" }))
            let port = url.port ?? 5432
            endpoint = host.hasPrefix("/") ? .socket(path: "\(host)/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
            self.user = user
            password = url.password
            self.database = database.isEmpty ? nil : database
            tls =
                switch query.last(where: { $0.name == "sslmode" })?.value {
                case nil, "disable": .disable
                case "prefer": .prefer
                case "require", "verify-ca", "verify-full": .require
                case let other?:
                    throw Invalid(description: "DATABASE_URL's sslmode must be disable, prefer, require, verify-ca or verify-full, not '\(other)'")
                }
            if case .socket = endpoint, tls == .require {
                throw Invalid(description: "DATABASE_URL names a Unix socket (host=\(host)), which carries no TLS: sslmode=require cannot hold")
            }
        }
    }
}
