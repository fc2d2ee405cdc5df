import { snippetParts } from '../format.js';

/** Search snippet with its matches in <mark>; the text is rendered as text, never as HTML. */
export function Snippet({ text }: { text: string }) {
  return (
    <span className="snippet">
      {snippetParts(text).map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}
