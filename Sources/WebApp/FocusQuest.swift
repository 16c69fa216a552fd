import Hummingbird
import GRDB
import JWTKit
import ArgumentParser
import CArgon2
@main struct Main { static func main() {} }
