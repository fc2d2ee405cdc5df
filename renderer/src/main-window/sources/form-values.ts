// The source form's state, as text the inputs hold, and its conversion to what saveSource takes.
// Pure functions (no DOM), so they are tested on their own.
import type { SourceDto, SourceFieldDto, SourceInputDto, SourceTypeDto, SourceValueDto } from '../../../../shared/api.js';

/** A secret field: the environment name it is kept under, the value typed (never shown back),
 *  and how it is written now when the form leaves it alone. */
export interface SecretState {
  envName: string;
  value: string;
  /** keychain / inFile: written by hand in another way; left as it is unless a name is given. */
  current: 'env' | 'keychain' | 'inFile' | 'none';
}

export interface FormState {
  key: string;
  text: Record<string, string>;
  secrets: Record<string, SecretState>;
}

/** `SKRODE_<KEY>_<FIELD>`: upper case letters, digits and _, as environment names are. */
export function secretName(key: string, field: string): string {
  return envNameInput(`SKRODE_${key}_${field}`);
}

/** What the user types into an environment-name input, made into one. */
export function envNameInput(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '_')
    .replace(/^[^A-Z]+/, '')
    .slice(0, 100);
}

function textOf(f: SourceFieldDto, v: SourceValueDto | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('\n');
  if (typeof v === 'object') return '';
  if (f.kind === 'boolean') return v === true ? 'true' : v === false ? 'false' : String(v);
  return String(v);
}

export function initialForm(type: SourceTypeDto, existing: SourceDto | null, takenKeys: readonly string[]): FormState {
  let key = existing?.key ?? type.suggestedKey;
  if (!existing) for (let i = 2; takenKeys.includes(key); i++) key = `${type.suggestedKey}_${i}`;
  const text: Record<string, string> = {};
  const secrets: Record<string, SecretState> = {};
  for (const f of type.fields) {
    const v = existing?.values[f.name];
    if (f.secret) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        if ('env' in v) secrets[f.name] = { envName: v.env, value: '', current: 'env' };
        else secrets[f.name] = { envName: '', value: '', current: 'keychain' in v ? 'keychain' : 'inFile' };
      } else secrets[f.name] = { envName: existing ? '' : secretName(key, f.name), value: '', current: 'none' };
    } else text[f.name] = textOf(f, v);
  }
  return { key, text, secrets };
}

/** The values saveSource takes: text as typed (the main process judges it), lists one per line,
 *  booleans from their select, secrets by name only. */
export function formValues(type: SourceTypeDto, state: FormState): Record<string, SourceInputDto> {
  const out: Record<string, SourceInputDto> = {};
  for (const f of type.fields) {
    if (f.secret) {
      const s = state.secrets[f.name];
      if (!s) continue;
      if (s.envName !== '') out[f.name] = { env: s.envName };
      else out[f.name] = s.current === 'keychain' || s.current === 'inFile' ? { keep: true } : null;
      continue;
    }
    const t = state.text[f.name] ?? '';
    if (f.kind === 'list') out[f.name] = t.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    else if (f.kind === 'boolean') out[f.name] = t === 'true' ? true : t === 'false' ? false : null;
    else out[f.name] = t.trim() === '' ? null : t;
  }
  return out;
}

/** The secrets to store before saving: a typed value under its name. */
export function secretsToStore(type: SourceTypeDto, state: FormState): { field: string; name: string; value: string }[] {
  return type.fields.flatMap((f) => {
    const s = state.secrets[f.name];
    return f.secret && s && s.value !== '' && s.envName !== '' ? [{ field: f.name, name: s.envName, value: s.value }] : [];
  });
}

/** One line about a configured value, for the list of sources (secrets by name only). */
export function describeValue(v: SourceValueDto): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') {
    if ('env' in v) return `secret ${v.env}`;
    if ('keychain' in v) return `keychain ${v.keychain}`;
    return 'secret written in config.yml';
  }
  return String(v);
}
