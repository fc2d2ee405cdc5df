// `!skrode/env NAME`: a value (usually a secret) read from the environment when the object that
// uses it is built, never at load time. `!skrode/env {name: NAME, default: x}` gives a fallback.
import { object, optional, string } from '../fields.js';
import { registerTag } from '../registry.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envTag = registerTag({
  tag: 'skrode/env',
  kinds: ['scalar', 'map'],
  summary: 'the name of an environment variable',
  secretSource: true,
  fromScalar: (name) => ({ name: name.trim() }),
  shape: object({
    name: string({ pattern: ENV_NAME, expects: 'an environment variable name (letters, digits and _)' }),
    default: optional(string()),
  }),
  build({ name, default: fallback }, ctx): string {
    const value = ctx.env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw ctx.error(`environment variable ${name} is not set`);
  },
});
