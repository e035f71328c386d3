export { loadStandaloneConfig, type StandaloneConfig } from './config.js';
export { type RunningServices, startServices } from './start.js';
