import { describe, expect, it } from 'vitest';
import type { SourceDto, SourceTypeDto } from '../../../../shared/api.js';
import { describeValue, envNameInput, formValues, initialForm, secretName, secretsToStore } from './form-values.js';

const field = (name: string, kind: SourceTypeDto['fields'][number]['kind'], secret = false) => ({ name, label: name, hint: null, kind, optional: true, expects: 'x', secret, default: null });
const imap: SourceTypeDto = {
  tag: 'skrode/imap',
  label: 'Email over IMAP',
  description: '',
  suggestedKey: 'mail',
  worker: true,
  fields: [field('host', 'string'), field('port', 'integer'), field('secure', 'boolean'), field('password', 'string', true), field('folders', 'list')],
};

describe('the source form', () => {
  it('starts a new source with a free name and secret names derived from it', () => {
    const s = initialForm(imap, null, ['mail', 'mail_2']);
    expect(s.key).toBe('mail_3');
    expect(s.secrets.password).toEqual({ envName: 'SKRODE_MAIL_3_PASSWORD', value: '', current: 'none' });
    expect(s.text).toEqual({ host: '', port: '', secure: '', folders: '' });
  });

  it('turns the inputs into saveSource values: numbers as typed, lists by line, booleans, secrets by name', () => {
    const s = initialForm(imap, null, []);
    s.text = { host: ' imap.example.org ', port: '993', secure: 'false', folders: 'INBOX\n\n Sent \n' };
    s.secrets.password = { envName: 'SKRODE_MAIL_PASSWORD', value: 'hunter2', current: 'none' };
    const values = formValues(imap, s);
    expect(values).toEqual({ host: ' imap.example.org ', port: '993', secure: false, password: { env: 'SKRODE_MAIL_PASSWORD' }, folders: ['INBOX', 'Sent'] });
    expect(JSON.stringify(values)).not.toContain('hunter2');
    expect(secretsToStore(imap, s)).toEqual([{ field: 'password', name: 'SKRODE_MAIL_PASSWORD', value: 'hunter2' }]);
  });

  it('edits an existing source: values shown, secrets never, hand-written secrets kept', () => {
    const existing: SourceDto = { key: 'work', tag: 'skrode/imap', label: '', listed: true, line: 3, values: { host: 'imap.example.org', port: 143, secure: false, password: { inFile: true }, folders: ['INBOX'] } };
    const s = initialForm(imap, existing, ['work']);
    expect(s.key).toBe('work');
    expect(s.text).toEqual({ host: 'imap.example.org', port: '143', secure: 'false', folders: 'INBOX' });
    expect(s.secrets.password).toEqual({ envName: '', value: '', current: 'inFile' });
    expect(formValues(imap, s).password).toEqual({ keep: true });
    const cleared = { ...s, text: { ...s.text, port: '  ' } };
    expect(formValues(imap, cleared).port).toBeNull();
  });

  it('makes environment names of what is typed, and describes values by name only', () => {
    expect(secretName('work-mail', 'password')).toBe('SKRODE_WORK_MAIL_PASSWORD');
    expect(envNameInput('1my token')).toBe('MY_TOKEN');
    expect(describeValue({ env: 'SKRODE_X' })).toBe('secret SKRODE_X');
    expect(describeValue({ inFile: true })).toBe('secret written in config.yml');
    expect(describeValue(['a', 'b'])).toBe('a, b');
  });
});
