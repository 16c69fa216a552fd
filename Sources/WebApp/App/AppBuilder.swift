import Domain
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// Everything a running server is made of, built once at start-up.
struct AppServices: Sendable {
    let config: AppConfig
    let database: any AppStorage
    let accounts: AccountService
    let tasks: TaskService
    let focus: FocusService
    let streaks: StreakService
    let admin: AdminService
    let friends: FriendService
    let keyValues: KeyValueService
    let suggestions: SuggestService
    let exports: ExportService
    let imports: ImportService
    let calendarFeeds: CalendarFeedService
    let accessTokens: AccessTokenService
    let webhooks: WebhookService
    /// The live streams' hub (SPEC §12), fed by every committed write.
    let liveEvents: LocalEventHub
    let liveRenderer: LiveEventRenderer
    let pendingImports = PendingImports()
    let openAPI: OpenAPIController
    let views: Views
    let started = Date()
    let connections: ConnectionGuard
    let logger: Logger
    /// The settable clock of `APP_ENV=test`; nil in other environments.
    let testClock: TestClock?

    static func make(
        config: AppConfig, clock baseClock: any WallClock = SystemClock(), logger: Logger,
        trace: (@Sendable (String) -> Void)? = nil
    ) async throws -> AppServices {
        let testClock = config.environment == .test ? TestClock(base: baseClock) : nil
        let clock: any WallClock = testClock ?? baseClock
        let database = try await StorageOpener.open(config, logger: logger, trace: trace, server: true)
        try await database.rewalkStaleStreaks(qualifySeconds: Double(config.qualifyMinutes * 60), now: clock.now)
        let hasher = try PasswordHasher(parameters: config.argon2, queueLimit: config.hashQueueLimit)
        let tokens = await TokenService(
            secret: config.jwtSecret, accessLifetime: config.accessTokenLifetime, refreshLifetime: config.refreshTokenLifetime, clock: clock)
        try await TwoFactorService.checkSealedSecrets(in: database, key: config.dataKey)
        let twoFactor = TwoFactorService(database: database, hasher: hasher, clock: clock, dataKey: config.dataKey)
        let accounts = AccountService(database: database, hasher: hasher, tokens: tokens, twoFactor: twoFactor, clock: clock, config: config)
        let views = try Views(
            directory: config.viewsDirectory.map { URL(fileURLWithPath: $0) } ?? Views.bundledDirectory, reloading: config.environment == .development,
            strict: !config.isProduction)
        let tasks = TaskService(database: database, clock: clock)
        let focus = FocusService(database: database, clock: clock, qualifyMinutes: config.qualifyMinutes)
        let streaks = StreakService(database: database, clock: clock, qualifyMinutes: config.qualifyMinutes, twoFactor: twoFactor)
        let admin = AdminService(database: database, clock: clock)
        let friends = FriendService(database: database, clock: clock)
        let keyValues = KeyValueService(database: database, clock: clock)
        let remote = config.remoteSuggester.map { RemoteSuggester(endpoint: $0, client: .shared) }
        let suggestions = SuggestService(
            database: database, remote: remote, remoteCalls: RateLimiter(limit: config.remoteSuggestionsPerHour, window: 3600), clock: clock,
            logger: logger)
        let liveRenderer = LiveEventRenderer(focus: focus, database: database, logger: logger)
        let liveEvents = LocalEventHub(heartbeat: config.eventsHeartbeat, clock: clock, render: liveRenderer.events)
        database.liveChanges.listen { liveEvents.publish($0) }
        return AppServices(
            config: config, database: database, accounts: accounts, tasks: tasks, focus: focus, streaks: streaks, admin: admin, friends: friends,
            keyValues: keyValues, suggestions: suggestions, exports: ExportService(database: database, clock: clock),
            imports: ImportService(database: database, clock: clock, qualifyMinutes: config.qualifyMinutes),
            calendarFeeds: CalendarFeedService(database: database, clock: clock), accessTokens: AccessTokenService(database: database, clock: clock),
            webhooks: WebhookService(database: database, clock: clock, urls: config.webhookURLGuard), liveEvents: liveEvents,
            liveRenderer: liveRenderer, openAPI: try OpenAPIController.bundled(), views: views,
            connections: ConnectionGuard(limit: config.maxConnections), logger: logger, testClock: testClock)
    }
}

extension AppServices {
    /// Who may open an event stream, for the connections' ``EventStreamHandler``.
    var eventStreamGate: EventStreamGate {
        EventStreamGate(hub: liveEvents, renderer: liveRenderer, accounts: accounts, accessTokens: accessTokens)
    }

    /// The background delivery of the webhook outbox.
    var webhookDispatcher: WebhookDispatcher {
        WebhookDispatcher(database: database, clock: focus.clock, urls: config.webhookURLGuard, settings: config.webhooks, logger: logger)
    }
}

extension AppServices {
    /// What runs beside the server: the webhook outbox's delivery, the security log's
    /// pruning, and on SQLite the WAL checkpoints (PostgreSQL checkpoints itself).
    var backgroundServices: [any Service] {
        var services: [any Service] = [webhookDispatcher, SecurityLogPruner(database: database, clock: focus.clock, logger: logger)]
        if let sqlite = database as? AppDatabase {
            services.append(WALCheckpointer(path: sqlite.path, interval: .milliseconds(250), logger: logger))
        }
        return services
    }
}

extension AppConfig {
    var webhookURLGuard: WebhookURLGuard { WebhookURLGuard(strict: isProduction && !webhookAllowPrivate) }
}

/// Builds the router: middleware, then the routes of every controller.
enum AppRouter {
    static func build(_ services: AppServices) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        let methods = RouteMethods()
        let errors = ErrorRenderer(views: services.views, logger: services.logger, accounts: services.accounts)
        if !services.config.trustedProxies.isEmpty {
            router.add(middleware: ForwardedClientMiddleware(proxies: services.config.trustedProxies))
        }
        router.add(middleware: SecurityHeadersMiddleware())
        PrometheusMetrics.bootstrap()
        router.add(middleware: RequestMetricsMiddleware())
        router.add(middleware: RequestLogMiddleware(logger: services.logger, errors: errors))
        router.add(middleware: MethodNotAllowedMiddleware(methods: methods))
        router.add(middleware: BodyLimitMiddleware())
        router.add(middleware: FileMiddleware(services.config.publicDirectory, urlBasePath: "/", searchForIndexHtml: false))
        HealthController(database: services.database, metricsToken: services.config.metricsToken, started: services.started, clock: services.focus.clock,
            liveEvents: services.liveEvents
        ).addRoutes(to: router)

        let reads = SignedInReads(focus: services.focus, tasks: services.tasks)
        let api = router.group("api/v1").add(middleware: BearerAuthMiddleware(accounts: services.accounts, accessTokens: services.accessTokens, reads: reads))
        let authenticatedAPI = api.group(context: AuthenticatedContext.self)
        services.openAPI.addRoutes(to: api)
        AccountAPIController(accounts: services.accounts).addRoutes(public: api, authenticated: authenticatedAPI)
        TaskAPIController(tasks: services.tasks).addRoutes(to: authenticatedAPI)
        FocusAPIController(focus: services.focus).addRoutes(to: authenticatedAPI)
        StreakAPIController(streaks: services.streaks).addRoutes(to: authenticatedAPI)
        FriendAPIController(friends: services.friends, focus: services.focus).addRoutes(to: authenticatedAPI)
        KeyValueAPIController(store: services.keyValues).addRoutes(to: authenticatedAPI)
        SuggestAPIController(suggestions: services.suggestions).addRoutes(to: authenticatedAPI)
        ExchangeAPIController(exports: services.exports, imports: services.imports, calendar: services.calendarFeeds, publicURL: services.config.publicURL)
            .addRoutes(to: authenticatedAPI)
        CalendarFeedController(calendar: services.calendarFeeds).addRoutes(to: router)
        AccessTokenAPIController(tokens: services.accessTokens).addRoutes(to: authenticatedAPI)
        WebhookAPIController(webhooks: services.webhooks).addRoutes(to: authenticatedAPI)
        AccountSecurityAPIController(accounts: services.accounts).addRoutes(to: authenticatedAPI)
        SecurityLogAPIController(database: services.database).addRoutes(user: authenticatedAPI, admin: authenticatedAPI.group(context: AdminContext.self))
        AdminAPIController(admin: services.admin).addRoutes(to: authenticatedAPI.group(context: AdminContext.self))
        if let clock = services.testClock {
            TestClockAPIController(clock: clock).addRoutes(to: authenticatedAPI.group(context: AdminContext.self))
        }

        let session = WebSessionMiddleware(accounts: services.accounts, reads: reads, secureCookies: services.config.isProduction)
        let web = router.group().add(middleware: session)
        EventStreamController().addRoutes(web: web, api: api)
        AuthPagesController(accounts: services.accounts, views: services.views, session: session).addRoutes(to: web)
        let signedIn = web.group(context: AuthenticatedContext.self)
        AccountPagesController(accounts: services.accounts, streaks: services.streaks, views: services.views, session: session).addRoutes(to: signedIn)
        StreakPagesController(accounts: services.accounts, streaks: services.streaks, views: services.views).addRoutes(to: signedIn)
        DashboardController(tasks: services.tasks, focus: services.focus, views: services.views).addRoutes(to: signedIn)
        TimerPagesController(focus: services.focus, views: services.views).addRoutes(to: signedIn)
        FriendPagesController(friends: services.friends, views: services.views).addRoutes(to: signedIn)
        DataPagesController(services: services).addRoutes(to: signedIn)
        ToolPagesController(streaks: services.streaks, tokens: services.accessTokens, views: services.views).addRoutes(to: signedIn)
        WebhookPagesController(streaks: services.streaks, webhooks: services.webhooks, views: services.views).addRoutes(to: signedIn)
        AccountSecurityPagesController(accounts: services.accounts, streaks: services.streaks, views: services.views, session: session).addRoutes(to: signedIn)
        AdminPagesController(admin: services.admin, database: services.database, views: services.views).addRoutes(to: signedIn.group(context: AdminContext.self))
        methods.record(router.routes.map { ($0.path, $0.method) })
        return router
    }

    static func application(_ services: AppServices) -> some ApplicationProtocol {
        Application(
            router: build(services),
            server: HTTPServerBuilder { responder in
                EventStreamChannel(
                    http1: HTTP1Channel(
                        responder: responder,
                        configuration: .init(
                            additionalChannelHandlers: [services.connections.handler(), OversizedHeadResponder()],
                            idleTimeout: TimeAmount(services.config.idleTimeout))),
                    gate: services.eventStreamGate)
            },
            configuration: .init(address: .hostname(services.config.host, port: services.config.port), serverName: "FocusQuest"),
            services: services.backgroundServices,
            logger: services.logger)
    }
}
