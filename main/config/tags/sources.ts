// Tags that sources bring (e.g. `!skrode/imap`) must be registered before a config using them is
// loaded, or the tag is reported as unknown. Each source adds ONE line here importing its small
// tag module (the tag definition only: no client libraries, so loading a config stays cheap).
import '../../sources/feeds/feeds-tag.js';
import '../../sources/email/imap-tag.js';
export {};
