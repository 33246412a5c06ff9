# Build stage: SQLite, libpq and OpenSSL are compiled in (bundled), so no -dev packages.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 propdesk \
 && mkdir /data && chown propdesk /data
COPY --from=build /src/target/release/propdesk /usr/local/bin/propdesk
USER propdesk
ENV BIND=0.0.0.0:8080 DATA_DIR=/data
EXPOSE 8080
CMD ["propdesk", "serve"]
