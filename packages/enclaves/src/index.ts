export { type EnclaveSummary, listEnclaves } from './queries.js';
