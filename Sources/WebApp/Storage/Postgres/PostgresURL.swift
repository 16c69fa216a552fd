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

    static func configuration(_ text: String) throws -> PostgresConnection.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:port/database")
        }
        // URLComponents hands out the user and password already percent-decoded.
        guard let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty else {
            throw Invalid(description: "DATABASE_URL needs a user and a host (postgres://user@host/database)")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        return PostgresConnection.Configuration(
            host: host, port: url.port ?? 5432, username: user, password: url.password,
            database: database.isEmpty ? nil : database, tls: try tls(url.queryItems?.last { $0.name == "sslmode" }?.value))
    }

    private static func tls(_ mode: String?) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case nil, "disable": .disable
        case "prefer": .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case "require", "verify-ca", "verify-full": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case let other?: throw Invalid(description: "DATABASE_URL's sslmode must be disable, prefer, require, verify-ca or verify-full, not '\(other)'")
        }
    }
}
