export { buildMcpApp, type McpAppDeps } from './app.js';
export { loadMcpConfig, type McpConfig, mcpListener } from './config.js';
