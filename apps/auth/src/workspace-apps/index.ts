export { type AppChange, appChange, appNotFound, updateApp } from './decisions.js';
export { type AppRow, appLabel, findApp, type ListedApp, listApps, recordContact } from './inventory.js';
export { appJson } from './json.js';
export { type AppStatus, appStanding, type IdentifiedBy, identifiedBy } from './standing.js';
