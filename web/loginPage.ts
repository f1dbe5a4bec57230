/**
 * The page `/viz` shows instead of the visualizer to a browser without a valid session: one password field for an
 * API key, posted to `/viz/session`. No script and nothing from elsewhere (the visualizer's CSP applies).
 */
export type LoginNotice = 'refused' | 'expired' | 'forbidden' | 'loggedOut' | 'tooLarge' | 'unavailable';

const NOTICES: Record<LoginNotice, { text: string; error: boolean }> = {
  refused: { text: 'That key was refused: it is unknown, malformed or revoked.', error: true },
  expired: {
    text: "This browser's key was refused (it may have been revoked). Log in again with a valid key.",
    error: true,
  },
  forbidden: {
    text: "That key's role may not use the visualizer: log in with an admin or operator key.",
    error: true,
  },
  loggedOut: { text: 'Logged out.', error: false },
  tooLarge: { text: 'That is far longer than any API key.', error: true },
  unavailable: { text: 'The key could not be checked just now; try again.', error: true },
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

export function renderLoginPage(notice?: LoginNotice): string {
  const shown = notice ? NOTICES[notice] : undefined;
  const message = shown
    ? `<p class="notice${shown.error ? ' error' : ''}" role="alert" data-testid="login-message">${escapeHtml(shown.text)}</p>`
    : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>TrackOps · log in</title>
    <link rel="icon" href="data:," />
    <style>
      html, body { height: 100%; margin: 0; }
      body {
        font: 14px/1.45 system-ui, Helvetica, Arial, sans-serif;
        color: #1f2933;
        background: #f0f4f8;
        display: grid;
        place-items: center;
      }
      main { background: #fff; border: 1px solid #d9e2ec; border-radius: 10px; padding: 24px 28px; width: 360px; }
      h1 { font-size: 17px; margin: 0 0 4px; }
      p { margin: 0 0 14px; color: #616e7c; }
      .notice { color: #15803d; }
      .notice.error { color: #b91c1c; }
      label { display: block; font-weight: 600; margin-bottom: 6px; }
      input, button { font: inherit; width: 100%; border-radius: 6px; padding: 6px 8px; }
      input { border: 1px solid #d9e2ec; margin-bottom: 12px; }
      button { background: #2563eb; border: 1px solid #2563eb; color: #fff; cursor: pointer; }
    </style>
  </head>
  <body>
    <main>
      <h1>TrackOps visualizer</h1>
      <p>Log in with an API key. <code>npm start</code> writes the admin key to <code>.trackops/admin.key</code>.</p>
      ${message}
      <form method="post" action="/viz/session" data-testid="login-form">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required autofocus data-testid="login-key" />
        <button type="submit" data-testid="login-submit">Log in</button>
      </form>
    </main>
  </body>
</html>
`;
}
