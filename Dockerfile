# One image for both services; docker-compose.yml picks the command.
FROM node:22-bookworm-slim
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile
USER node
EXPOSE 4000 4001
CMD ["pnpm", "--filter", "@enclavia/auth", "start"]
