# llmsec as a container image: `docker run --rm -v /:/host:ro llmsec audit --root /host`.
# Build stage: compile and pack exactly what npm would publish.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm pack --pack-destination /tmp && tar -xzf /tmp/llmsec-*.tgz -C /tmp

# Runtime stage: the packed files and production dependencies only (no GGUF runtime, no compiler),
# owned by root and run as an unprivileged user, so a read-only root filesystem works.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /opt/llmsec
COPY --from=build /tmp/package/ ./
COPY --from=build /src/package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force \
    && ln -s /opt/llmsec/bin/run.js /usr/local/bin/llmsec
USER node
ENTRYPOINT ["llmsec"]
CMD ["--help"]
