// Argument schemas for every SkrodeApi method (zod 4): the receiving side (the Electron IPC
// helper, `skrode serve`) parses what it is sent against these before calling the API, so a
// compromised or buggy renderer can send nothing the implementation does not expect. Objects are
// strict (unknown keys are refused) and every string and number is bounded.

import { z } from 'zod';
import type { ApiMethod, SkrodeApi } from './api.js';

const id = z.string().min(1).max(512);
const limit = z.number().int().min(1).max(200);
/** An ISO date (2026-11-29) or date-time; checked again by the implementation. */
const isoTime = z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO date or date-time');
const noArgs = z.strictObject({}).optional();
/** A top-level key of config.yml that the Sources page may write. */
const configKey = z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ and - (starting with a letter or _)');
/** Environment-variable style, as `!skrode/env NAME` refers to it. */
const secretName = z.string().min(1).max(100).regex(/^[A-Z][A-Z0-9_]*$/, 'upper case letters, digits and _ (like SKRODE_MAIL_PASSWORD)');
const sourceInput = z.union([
  z.string().max(4096),
  z.number().finite(),
  z.boolean(),
  z.array(z.string().max(4096)).max(1000),
  z.strictObject({ env: secretName }),
  z.strictObject({ keep: z.literal(true) }),
  z.null(),
]);

export const apiSchemas = {
  lookup: z.strictObject({ query: z.string().max(500), limit: limit.optional() }),
  person: z.strictObject({ id }),
  activity: z.strictObject({ id, limit: limit.optional() }),
  searchPosts: z.strictObject({
    text: z.string().max(1000),
    person: id.optional(),
    service: z.string().min(1).max(64).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    direct: z.boolean().optional(),
    limit: limit.optional(),
  }),
  saveNote: z
    .strictObject({
      human: id.optional(),
      persona: id.optional(),
      noteId: z.number().int().min(1).optional(),
      text: z.string().max(100_000),
    })
    .refine((a) => (a.human === undefined) !== (a.persona === undefined), 'give exactly one of human or persona'),
  deleteNote: z.strictObject({ noteId: z.number().int().min(1) }),
  exportVcard: z.strictObject({ id, version: z.union([z.literal(3), z.literal(4)]).optional() }),
  status: noArgs,
  setIngestPaused: z.strictObject({ paused: z.boolean() }),
  importers: noArgs,
  startImport: z.strictObject({ path: z.string().min(1).max(4096), as: z.string().min(1).max(64).optional() }),
  importJob: z.strictObject({ id }),
  importJobs: noArgs,
  cancelImport: z.strictObject({ id }),
  hidePopup: noArgs,
  configuration: noArgs,
  settings: noArgs,
  // Accelerator syntax (Electron): modifiers and a key joined by '+'.
  saveSettings: z.strictObject({ hotkey: z.string().min(1).max(100).regex(/^[A-Za-z0-9]+(\+[A-Za-z0-9]+)*$/, 'an accelerator such as CommandOrControl+Shift+K').optional() }),
  sourceTypes: noArgs,
  sources: noArgs,
  saveSource: z.strictObject({
    key: configKey,
    tag: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_-]*\/[a-z][a-z0-9_.-]*$/, 'a tag such as skrode/feeds'),
    values: z.record(z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a key name'), sourceInput).refine((v) => Object.keys(v).length <= 64, 'at most 64 fields'),
    create: z.boolean(),
  }),
  removeSource: z.strictObject({ key: configKey, tag: z.string().min(1).max(64) }),
  secrets: noArgs,
  // The value is bounded but never echoed in an error: zod's messages name the path, not the input.
  saveSecret: z.strictObject({ name: secretName, value: z.string().min(1, 'the secret is empty').max(16_384, 'the secret is longer than 16384 characters') }),
  deleteSecret: z.strictObject({ name: secretName }),
  suggestions: z.strictObject({ limit: limit.optional() }).optional(),
  acceptSuggestion: z.strictObject({ address: z.string().min(3).max(320) }),
  dismissSuggestion: z.strictObject({ address: z.string().min(3).max(320) }),
} satisfies Record<ApiMethod, z.ZodType>;

/** The argument type of a method, as the implementation receives it. */
export type ApiArgs<M extends ApiMethod> = Parameters<SkrodeApi[M]>[0];

export class ApiArgsError extends Error {
  override name = 'ApiArgsError';
}

/** Validate what a caller sent for `method`; throws ApiArgsError with a readable reason. */
export function parseApiArgs<M extends ApiMethod>(method: M, raw: unknown): ApiArgs<M> {
  const schema = apiSchemas[method] as z.ZodType;
  const r = schema.safeParse(raw);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
    throw new ApiArgsError(`${method}: bad arguments: ${why}`);
  }
  return r.data as ApiArgs<M>;
}
