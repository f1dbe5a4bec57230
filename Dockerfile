# The TrackOps runtime and API. TypeScript runs through tsx, so there is no build step; see docker-compose.yml for
# the services it needs. Without a .dockerignore, `COPY . .` would also copy node_modules and .kafka from the host.
FROM node:20-slim
WORKDIR /app

# Dependencies first, so editing the source does not invalidate the npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .

ENV HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000
CMD ["npx", "tsx", "scripts/run.ts"]
