// A person: names over time, accounts (each one copyable), first and last seen, the last
// interaction, recent posts, the user's notes (editable) and "Export vCard". Used by the popup
// (compact, with Esc/Back to return to the list) and by the main window.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PersonActivityDto } from '../../../shared/api.js';
import type { NoteDto, PersonDto } from '../../../shared/people.js';
import { api, errorMessage } from '../api/index.js';
import { copyText } from '../components/clipboard.js';
import { PostItem } from '../components/PostItem.js';
import { ServiceIcon } from '../components/ServiceIcon.js';
import { displayName, formatDate, formatDateTime, handleOf, namesOverTime, personasOf, seenRange } from '../format.js';

function download(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function NoteEditor({ person, note, onSaved, onCancel }: { person: PersonDto; note: NoteDto | null; onSaved: () => void; onCancel?: () => void }) {
  const [text, setText] = useState(note?.text ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      const target = person.kind === 'human' ? { human: person.id } : { persona: person.id };
      await api().saveNote({ ...target, ...(note ? { noteId: note.id } : {}), text });
      setError(null);
      if (!note) setText('');
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const id = `note-${note?.id ?? 'new'}`;
  return (
    <div className="note-editor">
      <label htmlFor={id} className={note ? 'visually-hidden' : ''}>
        {note ? 'Edit note' : 'Add a note'}
      </label>
      <textarea
        id={id}
        value={text}
        rows={3}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape' && onCancel) {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <div className="row">
        <button type="button" onClick={() => void save()} disabled={text.trim() === '' && !note}>
          {note ? 'Save note' : 'Add note'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

function Notes({ person, reload }: { person: PersonDto; reload: () => void }) {
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <section aria-labelledby="notes-h">
      <h3 id="notes-h">Notes</h3>
      <ul className="notes">
        {person.notes.map((n) =>
          editing === n.id ? (
            <li key={n.id}>
              <NoteEditor
                person={person}
                note={n}
                onSaved={() => {
                  setEditing(null);
                  reload();
                }}
                onCancel={() => setEditing(null)}
              />
            </li>
          ) : (
            <li key={n.id}>
              <p className="note-text">{n.text}</p>
              <div className="row">
                <span className="muted">{formatDate(n.updatedAt)}</span>
                <button type="button" onClick={() => setEditing(n.id)} aria-label={`Edit note: ${n.text.slice(0, 40)}`}>
                  Edit
                </button>
                <button
                  type="button"
                  aria-label={`Delete note: ${n.text.slice(0, 40)}`}
                  onClick={() => {
                    void api()
                      .deleteNote({ noteId: n.id })
                      .then(reload);
                  }}
                >
                  Delete
                </button>
              </div>
            </li>
          ),
        )}
      </ul>
      <NoteEditor person={person} note={null} onSaved={reload} />
    </section>
  );
}

export function PersonView({ id, compact, onBack }: { id: string; compact?: boolean; onBack?: () => void }) {
  const [person, setPerson] = useState<PersonDto | null | undefined>(undefined);
  const [activity, setActivity] = useState<PersonActivityDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      const [p, a] = await Promise.all([api().person({ id }), api().activity({ id, limit: compact ? 5 : 20 })]);
      setPerson(p);
      setActivity(a);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [id, compact]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (person) heading.current?.focus();
  }, [person]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape' && onBack && !(e.target instanceof HTMLTextAreaElement)) {
      e.preventDefault();
      onBack();
    }
  };

  if (error) return <p role="alert">{error}</p>;
  if (person === undefined) return <p role="status">Loading…</p>;
  if (person === null) return <p role="alert">This person is no longer in the store.</p>;

  const name = displayName(person);
  const seen = seenRange(person);
  const names = namesOverTime(person);
  const copy = async (text: string) => {
    try {
      await copyText(text);
      setNotice(`Copied ${text}`);
    } catch (e) {
      setNotice(`Could not copy: ${errorMessage(e)}`);
    }
  };
  const exportCard = async () => {
    try {
      const card = await api().exportVcard({ id: person.id, version: 4 });
      download(card.filename, card.content, 'text/vcard');
      setNotice(`Exported ${card.filename}`);
    } catch (e) {
      setNotice(`Export failed: ${errorMessage(e)}`);
    }
  };
  const last = activity?.lastInteraction ?? null;

  return (
    <article className={compact ? 'person compact' : 'person'} aria-labelledby="person-name" onKeyDown={onKeyDown}>
      <header className="person-head">
        {onBack && (
          <button type="button" className="back" onClick={onBack} aria-label="Back to results">
            ← Back
          </button>
        )}
        <h2 id="person-name" ref={heading} tabIndex={-1}>
          {name}
        </h2>
        <button type="button" onClick={() => void exportCard()}>
          Export vCard
        </button>
      </header>
      <dl className="facts">
        <dt>First seen</dt>
        <dd data-testid="first-seen">{formatDate(seen.first)}</dd>
        <dt>Last seen</dt>
        <dd data-testid="last-seen">{formatDate(seen.last)}</dd>
        <dt>Last interaction</dt>
        <dd data-testid="last-interaction">
          {last
            ? `${formatDateTime(last.at)}: ${last.kind === 'direct' ? (last.by === 'them' ? 'message from them' : 'message to them') : `${last.kind} ${last.by === 'them' ? 'by them' : 'of their post'}`}`
            : 'none recorded'}
        </dd>
      </dl>
      <div className="notice" role="status" aria-live="polite" data-testid="person-notice">
        {notice}
      </div>

      <section aria-labelledby="accounts-h">
        <h3 id="accounts-h">Accounts</h3>
        {personasOf(person).map((p) => (
          <div key={p.id} className="persona">
            {person.kind === 'human' && <h4 className="persona-rel">{p.rel === 'owns' ? 'their own' : (p.rel ?? 'persona')}</h4>}
            <ul className="accounts">
              {p.accounts.map((a) => (
                <li key={a.externalId}>
                  <button type="button" className="account" onClick={() => void copy(handleOf(a))} aria-label={`Copy ${handleOf(a)} (${a.servicePretty})`}>
                    <ServiceIcon service={a.service} label={a.servicePretty} />
                    <span>{handleOf(a)}</span>
                    <span className="muted">{a.servicePretty}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>

      <section aria-labelledby="names-h">
        <h3 id="names-h">Names over time</h3>
        <table className="names">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Service</th>
              <th scope="col">Seen</th>
            </tr>
          </thead>
          <tbody>
            {names.map((n, i) => (
              <tr key={i}>
                <td>{n.name}</td>
                <td>{n.kind}</td>
                <td>{n.servicePretty}</td>
                <td>
                  {formatDate(n.firstSeen)} – {formatDate(n.lastSeen)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="posts-h">
        <h3 id="posts-h">Recent posts</h3>
        {activity && activity.posts.length === 0 && <p className="muted">No posts recorded.</p>}
        <ul className="posts">
          {activity?.posts.map((p) => (
            <PostItem key={p.externalId} post={p} />
          ))}
        </ul>
      </section>

      <Notes person={person} reload={() => void load()} />
    </article>
  );
}
