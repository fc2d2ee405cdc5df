// Renderer entry: install the API (the preload's, else the HTTP client under `skrode serve`) and
// show the window the hash names: `#/popup` (the lookup popup) or `#/main/<page>`.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { installApi } from './api/index.js';
import { MainWindow, PAGES, type PageKey } from './main-window/MainWindow.js';
import { Popup } from './popup/Popup.js';
import './styles.css';

type Route = { window: 'popup' } | { window: 'main'; page: PageKey };

export function parseRoute(hash: string): Route {
  if (hash.startsWith('#/popup')) return { window: 'popup' };
  const page = hash.match(/^#\/main\/([a-z]+)/)?.[1];
  const known = PAGES.find((p) => p.key === page);
  return { window: 'main', page: known ? known.key : 'people' };
}

function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = route.window === 'popup' ? 'Skrode lookup' : `Skrode: ${PAGES.find((p) => p.key === route.page)?.title ?? ''}`;
    document.body.className = route.window === 'popup' ? 'popup-window' : 'main-body';
  }, [route]);
  return route.window === 'popup' ? <Popup window /> : <MainWindow page={route.page} />;
}

installApi();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
