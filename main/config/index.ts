// Skrode's config.yml: a YAML file with `!skrode/...` tags whose objects are built lazily.
//
//   const config = loadConfig({ config: opts.config });   // parse + check, builds nothing
//   const store = config.store();                         // {kind:'sqlite', path} | {kind:'postgres', url, schema}
//   const q = config.queue('tweet_id_queue');             // built on first use, memoised
//   const worker = config.section('twitter_user_ids');    // a plain mapping; .get('source') builds
//
// Sources add their own tags with registerTag (./registry.ts) before loading a config.
export { Config, loadConfig, loadConfigText, type LoadConfigOptions, type StoreDescriptor } from './config.js';
export { ConfigSection } from './section.js';
export { ConfigError, formatPos, formatKeyPath, type SourcePos, type KeyPath } from './error.js';
export { findConfig, CONFIG_FILE_NAME, type ConfigOrigin, type FoundConfig, type FindConfigOptions } from './find.js';
export { registerTag, getTag, knownTags, type TagDefinition, type TagKind, type BuildContext, type SafeParseSchema } from './registry.js';
export { Lazy, tagOf, redact } from './lazy.js';
export * as fields from './fields.js';
export * from './tags/index.js';
