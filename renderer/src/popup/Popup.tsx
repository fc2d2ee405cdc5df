// The lookup popup: type, see people while typing (grouped human → personas → accounts), move
// with the arrow keys, Enter to open a person, Esc to go back or clear, Ctrl+C to copy the
// matched handle and Ctrl+Shift+C the person's address. Keyboard only; mouse works too.
import { useEffect, useRef, useState } from 'react';
import type { LookupHit } from '../../../shared/people.js';
import { copyText } from '../components/clipboard.js';
import { ServiceIcon } from '../components/ServiceIcon.js';
import { addressLine, displayName, handleOf, personasOf } from '../format.js';
import { api } from '../api/index.js';
import { PersonView } from '../person/PersonView.js';
import { useLookup } from './lookup-store.js';

const MAX_ACCOUNTS_SHOWN = 6;

function HitOption({ hit, index, selected, onPick }: { hit: LookupHit; index: number; selected: boolean; onPick: () => void }) {
  const personas = personasOf(hit.person);
  let shown = 0;
  return (
    <li
      id={`hit-${index}`}
      role="option"
      aria-selected={selected}
      className={selected ? 'hit selected' : 'hit'}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onPick}
    >
      <div className="hit-head">
        <span className="hit-name">{displayName(hit.person)}</span>
        <span className="hit-matched">
          {hit.matched.tier === 'exact' ? '' : `${hit.matched.tier}: `}
          {hit.matched.name}
        </span>
      </div>
      {personas.map((p) => {
        const accounts = p.accounts.slice(0, Math.max(0, MAX_ACCOUNTS_SHOWN - shown));
        shown += accounts.length;
        if (accounts.length === 0) return null;
        return (
          <div className="hit-persona" key={p.id}>
            {personas.length > 1 && <span className="persona-rel">{p.rel ?? 'persona'}</span>}
            {accounts.map((a) => (
              <span className="hit-account" key={a.externalId}>
                <ServiceIcon service={a.service} label={a.servicePretty} />
                {handleOf(a)}
              </span>
            ))}
          </div>
        );
      })}
    </li>
  );
}

export function Popup({ window: isPopupWindow = false }: { window?: boolean }) {
  const { query, shownQuery, hits, selected, busy, error, openId, setQuery, move, select, open } = useLookup();
  const input = useRef<HTMLInputElement>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    // Back in the list (or shown again): focus the box with its text selected, so typing
    // starts a new lookup and arrows carry on with the old one.
    if (openId === null) input.current?.select();
  }, [openId]);

  useEffect(() => {
    document.getElementById(`hit-${selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const copy = async (text: string, what: string) => {
    try {
      await copyText(text);
      setNotice(`Copied ${what}: ${text}`);
    } catch (e) {
      setNotice(`Could not copy: ${(e as Error).message}`);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const hit = hits[selected];
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      move(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(-1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (hit) open(hit.person.id);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (query !== '') setQuery('');
      // Nothing left to undo: the popup window asks to be hidden (the desktop app does it).
      else if (isPopupWindow) void api().hidePopup().catch(() => {});
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c' && hit) {
      const el = e.currentTarget;
      if (el.selectionStart !== el.selectionEnd) return; // the user is copying text they typed
      e.preventDefault();
      if (e.shiftKey) {
        const line = addressLine(hit.person);
        if (line) void copy(line, 'address');
        else setNotice('No address known for this person');
      } else void copy(hit.matched.name, 'handle');
    }
  };

  if (openId !== null) {
    return (
      <main className="popup" aria-label="Skrode lookup">
        <PersonView
          id={openId}
          compact
          onBack={() => {
            open(null);
          }}
        />
      </main>
    );
  }

  const status = error
    ? `Error: ${error}`
    : query.trim() === ''
      ? 'Type a name, @handle, address or number'
      : shownQuery !== query || busy
        ? 'Looking…'
        : hits.length === 0
          ? 'Nobody matches'
          : `${hits.length} ${hits.length === 1 ? 'person' : 'people'}`;

  return (
    <main className="popup" aria-label="Skrode lookup">
      <label className="visually-hidden" htmlFor="lookup-input">
        Look up a person
      </label>
      <input
        id="lookup-input"
        ref={input}
        className="lookup-input"
        type="search"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="lookup-results"
        aria-activedescendant={hits.length > 0 ? `hit-${selected}` : undefined}
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        placeholder="Name, @handle, address or number"
        value={query}
        onChange={(e) => {
          setNotice('');
          setQuery(e.target.value);
        }}
        onKeyDown={onKeyDown}
      />
      <div className="lookup-status" role="status" aria-live="polite" data-testid="lookup-status">
        {status}
      </div>
      <ul id="lookup-results" role="listbox" aria-label="People found" className="hits" data-query={shownQuery}>
        {hits.map((h, i) => (
          <HitOption
            key={h.person.id}
            hit={h}
            index={i}
            selected={i === selected}
            onPick={() => {
              select(i);
              open(h.person.id);
            }}
          />
        ))}
      </ul>
      <div className="notice" role="status" aria-live="polite" data-testid="notice">
        {notice}
      </div>
      <p className="keys" aria-hidden="true">
        ↑↓ choose · Enter open · Ctrl+C copy handle · Ctrl+Shift+C copy address · Esc clear
      </p>
    </main>
  );
}
