// The form of one source, derived from its kind's fields (saveSource checks it with the config
// loader; a problem is shown next to its field and focused). Secret fields take the name the
// secret is kept under and, where a keychain exists (the desktop app), its value, which goes to
// saveSecret and never into config.yml; under `skrode serve` the value input is off and says why.
import { useRef, useState } from 'react';
import type { SecretsDto, SourceDto, SourceFieldDto, SourceTypeDto } from '../../../../shared/api.js';
import { api, errorMessage } from '../../api/index.js';
import { envNameInput, formValues, initialForm, secretsToStore, type FormState } from './form-values.js';

type Errors = Record<string, string>;

const inputId = (name: string) => `source-field-${name}`;

function Help({ id, field, error }: { id: string; field: SourceFieldDto; error: string | undefined }) {
  const statesDefault = field.default !== null && !(field.hint ?? '').includes('default');
  const parts = [field.hint, field.optional ? `optional${statesDefault ? `, default ${String(field.default)}` : ''}` : 'required'].filter(Boolean);
  return (
    <>
      <small id={`${id}-help`} className="muted">
        {parts.join('; ')}
      </small>
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </>
  );
}

function describedBy(id: string, error: string | undefined): string {
  return error ? `${id}-help ${id}-error` : `${id}-help`;
}

export function SourceForm(props: {
  type: SourceTypeDto;
  existing: SourceDto | null;
  takenKeys: readonly string[];
  secrets: SecretsDto | null;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const { type, existing } = props;
  const [state, setState] = useState<FormState>(() => initialForm(type, existing, props.takenKeys));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const canStore = props.secrets?.canStore ?? false;

  const setText = (name: string, value: string) => setState((s) => ({ ...s, text: { ...s.text, [name]: value } }));
  const setSecret = (name: string, patch: Partial<FormState['secrets'][string]>) =>
    setState((s) => ({ ...s, secrets: { ...s.secrets, [name]: { ...s.secrets[name]!, ...patch } } }));

  const showErrors = (list: { field: string | null; message: string }[]) => {
    const byField: Errors = {};
    const general: string[] = [];
    for (const e of list) {
      if (e.field === 'key') byField.key = e.message;
      else if (e.field && type.fields.some((f) => f.name === e.field)) byField[e.field] = e.message;
      else general.push(e.message);
    }
    setErrors(byField);
    setFormError(general.length > 0 ? general.join(' ') : null);
    // The first field with a problem gets the focus, so a keyboard user lands on it.
    const first = Object.keys(byField)[0];
    requestAnimationFrame(() => {
      const el = first ? formRef.current?.querySelector<HTMLElement>(`#${first === 'key' ? 'source-key' : inputId(first)}`) : null;
      el?.focus();
    });
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      // Secret values first, to the keychain; config.yml then names them.
      for (const s of secretsToStore(type, state)) {
        try {
          await api().saveSecret({ name: s.name, value: s.value });
        } catch (err) {
          showErrors([{ field: s.field, message: errorMessage(err) }]);
          return;
        }
      }
      const r = await api().saveSource({ key: state.key, tag: type.tag, values: formValues(type, state), create: existing === null });
      if (!r.ok) {
        showErrors(r.errors);
        return;
      }
      props.onDone(`Saved ${state.key} to ${r.file}. ${r.ingestion}`);
    } catch (err) {
      setErrors({});
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const title = existing ? `Edit ${existing.key}` : `New source: ${type.label}`;
  return (
    <form ref={formRef} className="source-form" aria-labelledby="source-form-h" onSubmit={(e) => void submit(e)} noValidate>
      <h4 id="source-form-h">{title}</h4>
      <p className="muted">{type.description}</p>
      <div className="field">
        <label htmlFor="source-key">Name in config.yml</label>
        <input
          id="source-key"
          value={state.key}
          readOnly={existing !== null}
          aria-invalid={errors.key ? true : undefined}
          aria-describedby={errors.key ? 'source-key-help source-key-error' : 'source-key-help'}
          onChange={(e) => setState((s) => ({ ...s, key: e.target.value }))}
        />
        <small id="source-key-help" className="muted">
          {existing ? 'The key this source is written under.' : 'Letters, digits, _ and -; the key this source is written under.'}
        </small>
        {errors.key && (
          <small id="source-key-error" className="field-error">
            {errors.key}
          </small>
        )}
      </div>
      {type.fields.map((f) => {
        const id = inputId(f.name);
        const error = errors[f.name];
        const invalid = error ? true : undefined;
        if (f.secret) {
          const s = state.secrets[f.name]!;
          return (
            <fieldset key={f.name} className="secret-field">
              <legend>{f.label} (secret)</legend>
              <div className="field">
                <label htmlFor={`${id}-name`}>
                  Kept under the name<span className="visually-hidden"> ({f.label})</span>
                </label>
                <input
                  id={`${id}-name`}
                  value={s.envName}
                  placeholder={s.current === 'none' || s.current === 'env' ? '' : 'leave empty to keep it as written'}
                  aria-describedby={`${id}-help`}
                  onChange={(e) => setSecret(f.name, { envName: envNameInput(e.target.value) })}
                />
              </div>
              <div className="field">
                <label htmlFor={id}>{f.label}</label>
                <input
                  id={id}
                  type="password"
                  autoComplete="off"
                  value={s.value}
                  disabled={!canStore}
                  aria-invalid={invalid}
                  aria-describedby={`${describedBy(id, error)} ${id}-where`}
                  onChange={(e) => setSecret(f.name, { value: e.target.value })}
                />
              </div>
              <Help id={id} field={f} error={error} />
              <small id={`${id}-where`} className="muted">
                {canStore
                  ? `Stored encrypted with the system keychain; config.yml says !skrode/env ${s.envName || 'NAME'}.${s.current !== 'none' ? ' Leave the value empty to keep the stored one.' : ''}`
                  : `Not stored here: ${props.secrets?.reason ?? 'no keychain is available'} config.yml says !skrode/env ${s.envName || 'NAME'}.`}
              </small>
            </fieldset>
          );
        }
        return (
          <div key={f.name} className="field">
            <label htmlFor={id}>{f.label}</label>
            {f.kind === 'list' ? (
              <textarea id={id} rows={3} value={state.text[f.name] ?? ''} aria-invalid={invalid} aria-describedby={describedBy(id, error)} onChange={(e) => setText(f.name, e.target.value)} />
            ) : f.kind === 'boolean' || f.kind === 'choice' ? (
              <select id={id} value={state.text[f.name] ?? ''} aria-invalid={invalid} aria-describedby={describedBy(id, error)} onChange={(e) => setText(f.name, e.target.value)}>
                <option value="">{f.optional ? 'default' : 'choose'}</option>
                {(f.kind === 'boolean' ? ['true', 'false'] : (f.choices ?? [])).map((c) => (
                  <option key={c} value={c}>
                    {f.kind === 'boolean' ? (c === 'true' ? 'yes' : 'no') : c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                inputMode={f.kind === 'integer' || f.kind === 'number' ? 'numeric' : undefined}
                value={state.text[f.name] ?? ''}
                aria-invalid={invalid}
                aria-describedby={describedBy(id, error)}
                onChange={(e) => setText(f.name, e.target.value)}
              />
            )}
            <Help id={id} field={f} error={error} />
          </div>
        );
      })}
      {formError && <p role="alert">{formError}</p>}
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save changes' : 'Add source'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
