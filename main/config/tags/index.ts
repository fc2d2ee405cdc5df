// The built-in tags. Importing this module registers them.
export * from './env.js';
export * from './keychain.js';
export * from './sqlite.js';
export * from './sql.js';
export * from './redis.js';
export * from './queue.js';
export * from './twitter.js';
import './sources.js';
