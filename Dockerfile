# Multi-stage build: compile in the Swift image, run in a slim Debian with the two C libraries.
FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libargon2-dev libsqlite3-dev libqrencode-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
    && mkdir -p /out \
    && cp .build/release/focusquest /out/ \
    && cp -R .build/release/FocusQuest_WebApp.resources /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libargon2-1 libsqlite3-0 libqrencode4 libstdc++6 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app focusquest \
    && mkdir -p /data && chown focusquest /data
WORKDIR /app
COPY --from=build /out/ /app/
COPY Public /app/Public
USER focusquest
ENV APP_ENV=production HOST=0.0.0.0 PORT=8080 DATABASE_PATH=/data/focusquest.sqlite PUBLIC_DIR=/app/Public
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["/app/focusquest"]
CMD ["serve"]
