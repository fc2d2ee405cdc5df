import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMaildirs, maildirFlags } from './maildir-importer.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/email');

describe('Maildir discovery', () => {
  it('finds the root Maildir and Maildir++ subfolders, not tmp/', async () => {
    const root = join(FIXTURES, 'maildir');
    const found = await findMaildirs(root);
    expect(found.map((f) => f.name)).toEqual(['INBOX', 'Sent']);
  });

  it('reads flags from file names', () => {
    expect(maildirFlags('1767600000.M1P1.host:2,RS')).toBe('RS');
    expect(maildirFlags('1767600001.M2P1.host')).toBe('');
  });
});
