# Multi-stage build: the binary embeds the schema, the reference data and
# the web page, so the runtime image needs nothing beside it.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/phusong ./cmd/phusong

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /nonexistent phusong
COPY --from=build /out/phusong /usr/local/bin/phusong
USER phusong
ENV PHUSONG_ADDR=:8080 PHUSONG_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["/usr/local/bin/phusong", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/phusong"]
CMD ["serve"]
