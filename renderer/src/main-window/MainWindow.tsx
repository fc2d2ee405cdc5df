// The main window: people lookup, post search, sources and import, suggested contacts, ingestion
// status, settings.
// Pages are hash routes (#/main/<page>) so the same build serves under app:// and under serve.
import { Popup } from '../popup/Popup.js';
import { SearchPage } from './SearchPage.js';
import { SettingsPage } from './SettingsPage.js';
import { SourcesPage } from './SourcesPage.js';
import { StatusPage } from './StatusPage.js';
import { SuggestionsPage } from './SuggestionsPage.js';

export const PAGES = [
  { key: 'people', title: 'People' },
  { key: 'search', title: 'Posts' },
  { key: 'sources', title: 'Sources' },
  { key: 'suggestions', title: 'Suggestions' },
  { key: 'status', title: 'Status' },
  { key: 'settings', title: 'Settings' },
] as const;

export type PageKey = (typeof PAGES)[number]['key'];

export function MainWindow({ page }: { page: PageKey }) {
  return (
    <div className="main-window">
      <header className="topbar">
        <h1>Skrode</h1>
        <nav aria-label="Sections">
          <ul>
            {PAGES.map((p) => (
              <li key={p.key}>
                <a href={`#/main/${p.key}`} aria-current={p.key === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <div className="content">
        {page === 'people' && <Popup />}
        {page === 'search' && <SearchPage />}
        {page === 'sources' && <SourcesPage />}
        {page === 'suggestions' && <SuggestionsPage />}
        {page === 'status' && <StatusPage />}
        {page === 'settings' && <SettingsPage />}
      </div>
    </div>
  );
}
