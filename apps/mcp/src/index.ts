export { buildMcpApp, type McpAppDeps } from './app.js';
export { loadMcpConfig, type McpConfig } from './config.js';
