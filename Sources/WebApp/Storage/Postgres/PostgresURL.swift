import Foundation
import NIOSSL
import PostgresNIO

/// A `DATABASE_URL` of the form `postgres://user:password@host:port/database` (SPEC §14) as
/// a connection configuration. `sslmode=require` asks for TLS; without it the connection is
/// plain (a database on the same host or private network).
enum PostgresURL {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func configuration(_ text: String) throws -> PostgresConnection.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:port/database")
        }
        guard let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty else {
            throw Invalid(description: "DATABASE_URL needs a user and a host (postgres://user@host/database)")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        let tls: PostgresConnection.Configuration.TLS
        if url.queryItems?.contains(where: { $0.name == "sslmode" && $0.value == "require" }) == true {
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        } else {
            tls = .disable
        }
        return PostgresConnection.Configuration(
            host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: url.password?.removingPercentEncoding, database: database.isEmpty ? nil : database, tls: tls)
    }
}
