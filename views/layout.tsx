import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

export interface PageUser {
  username: string;
  role: 'admin' | 'user';
}

export interface LayoutProps {
  title: string;
  user: PageUser | null;
  children?: Child;
}

const navLinks: { href: string; label: string; adminOnly?: boolean }[] = [
  { href: '/', label: 'Home' },
  { href: '/containers', label: 'Containers' },
  { href: '/images', label: 'Images' },
  { href: '/logs', label: 'Logs' },
  { href: '/audit', label: 'Audit' },
  { href: '/hosts', label: 'Hosts', adminOnly: true },
];

/** Standards mode: without a doctype, browsers lay the page out in quirks mode. */
const DOCTYPE = raw('<!DOCTYPE html>');

/** The full page around every view: navigation, who is signed in, and the message area. */
export function Layout({ title, user, children }: LayoutProps) {
  return (
    <>
      {DOCTYPE}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <title>{`${title} · Berth`}</title>
          <link rel="stylesheet" href="/static/pico.classless.min.css" />
          <link rel="stylesheet" href="/static/berth.css" />
          {/* Not deferred, so the SSE extension is registered before htmx processes the page: a deferred
              htmx starts on a timer that can fire before a slower hx-sse.js has run, and then an
              element with hx-sse:connect in the first page never connects. */}
          <script src="/static/htmx.min.js"></script>
          <script src="/static/hx-sse.min.js"></script>
        </head>
        <body>
          <header>
            <nav>
              <ul>
                <li>
                  <strong>Berth</strong>
                </li>
                {user &&
                  navLinks
                    .filter((l) => !l.adminOnly || user.role === 'admin')
                    .map((l) => (
                      <li>
                        <a href={l.href}>{l.label}</a>
                      </li>
                    ))}
              </ul>
              {user && (
                <ul>
                  <li>
                    <a href="/account" data-testid="current-user" title="Your account">
                      {user.username} <small>({user.role})</small>
                    </a>
                  </li>
                  <li>
                    <form method="post" action="/logout" class="inline">
                      <button type="submit" class="secondary">
                        Log out
                      </button>
                    </form>
                  </li>
                </ul>
              )}
            </nav>
          </header>
          <main>
            <div id="messages" aria-live="polite"></div>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
