// A stand-in for Lean's Link SDK (`Lean.connect` / `Lean.reconnect`) that a browser can open: one self-contained HTML page.
import type { ServerResponse } from 'node:http';
import { SANDBOX_BANKS } from './banks.js';

export const LINK_PAGE_PATH = '/sandbox/link';

/** The bank names the page shows, embedded as JSON (`<` escaped, so no text can close the script). */
const BANK_NAMES = JSON.stringify(Object.fromEntries(SANDBOX_BANKS.map((bank) => [bank.identifier, bank.name]))).replace(/</g, '\\u003c');

// Reads its query in the browser and writes only through textContent: nothing of the URL becomes markup.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Lean sandbox Link</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #001e26; color: #fff; display: flex; min-height: 100vh; align-items: center; justify-content: center; }
  main { background: #fff; color: #1a1a1a; border-radius: 12px; padding: 24px 28px; width: min(420px, 90vw); box-shadow: 0 8px 30px rgba(0,0,0,.3); }
  h1 { font-size: 1.2rem; margin: 0 0 4px; }
  p.note { color: #555; font-size: .85rem; margin: 0 0 16px; }
  ul { padding-left: 20px; }
  .actions { display: flex; gap: 12px; margin-top: 20px; }
  button { flex: 1; font-size: 1rem; padding: 10px; border-radius: 8px; border: 1px solid #0b7a43; cursor: pointer; }
  button.primary { background: #1beb75; color: #001e26; font-weight: 600; }
  button.secondary { background: #fff; color: #0b7a43; }
  button:disabled { opacity: .5; cursor: default; }
  #status { margin-top: 14px; min-height: 1.2em; font-size: .9rem; }
  #status.error { color: #b00020; }
</style>
</head>
<body>
<main>
  <h1 id="title">Link your bank</h1>
  <p class="note">Lean sandbox: this page stands in for Lean's Link SDK. No real bank is contacted.</p>
  <div><strong>Bank:</strong> <span id="bank">any</span></div>
  <div id="permissions-block"><strong>Permissions:</strong><ul id="permissions"></ul></div>
  <div class="actions">
    <button id="go" class="primary" type="button">Link</button>
    <button id="cancel" class="secondary" type="button">Cancel</button>
  </div>
  <div id="status" role="status"></div>
</main>
<script>
(function () {
  var BANKS = ${BANK_NAMES};
  var query = new URLSearchParams(window.location.search);
  // Only a development origin is answered (as the emulator's CORS allows): never '*' or another site.
  var asked = query.get('origin');
  var origin = asked && /^http:[/][/](localhost|127[.]0[.]0[.]1)(:[0-9]{1,5})?$/.test(asked) ? asked : null;
  var reconnectId = query.get('reconnect_id');
  var method = reconnectId ? 'RECONNECT' : 'CONNECT';
  var go = document.getElementById('go');
  var cancel = document.getElementById('cancel');
  var status = document.getElementById('status');
  var options = null;

  function show(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }
  function tell(message) {
    var msg = { source: 'lean-sandbox-link', status: message.status, method: method };
    if (message.entity_id) msg.entity_id = message.entity_id;
    if (message.message) msg.message = message.message;
    if (!origin) return;
    [window.opener, window.parent !== window ? window.parent : null].forEach(function (target) {
      if (!target) return;
      try { target.postMessage(msg, origin); } catch (e) { show('Cannot answer the app at ' + origin, true); }
    });
  }
  function finish(message) {
    go.disabled = true;
    cancel.disabled = true;
    tell(message);
  }

  if (method === 'RECONNECT') {
    document.getElementById('title').textContent = 'Reconnect your bank';
    go.textContent = 'Reconnect';
    document.getElementById('permissions-block').hidden = true;
  } else {
    try { options = JSON.parse(query.get('options') || 'null'); } catch (e) { options = null; }
    if (!options || typeof options !== 'object') {
      go.disabled = true;
      show('No link options: open this page with ?options=<the options of prepareLink, as JSON>.', true);
    } else {
      var identifier = typeof options.bank_identifier === 'string' ? options.bank_identifier : null;
      document.getElementById('bank').textContent = identifier ? (BANKS[identifier] || identifier) + ' (' + identifier + ')' : 'any';
      var list = document.getElementById('permissions');
      (Array.isArray(options.permissions) ? options.permissions : []).forEach(function (permission) {
        var item = document.createElement('li');
        item.textContent = String(permission);
        list.appendChild(item);
      });
    }
  }
  if (!origin) show('No origin given: the app will not be told the outcome.', true);

  go.addEventListener('click', function () {
    go.disabled = true;
    show('Working…', false);
    var request = method === 'RECONNECT'
      ? fetch('/sandbox/reconnect/' + encodeURIComponent(reconnectId), { method: 'POST' })
      : fetch('/sandbox/connect', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) });
    request
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) { return { ok: response.ok, body: body || {} }; });
      })
      .then(function (answer) {
        if (answer.ok) {
          var entityId = answer.body.entity_id || answer.body.id;
          show(method === 'RECONNECT' ? 'Reconnected.' : 'Linked.', false);
          finish({ status: 'SUCCESS', entity_id: typeof entityId === 'string' ? entityId : undefined });
        } else {
          var text = String(answer.body.message || answer.body.status || 'The sandbox refused the request.');
          show(text, true);
          finish({ status: 'ERROR', message: text });
        }
      })
      .catch(function () {
        show('The sandbox did not answer.', true);
        finish({ status: 'ERROR', message: 'The sandbox did not answer.' });
      });
  });
  cancel.addEventListener('click', function () {
    show('Cancelled.', false);
    finish({ status: 'CANCELLED' });
  });
})();
</script>
</body>
</html>
`;

/** `GET /sandbox/link`: the page; it may be framed by any page (a web app of another origin embeds it). */
export function serveLinkPage(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(PAGE),
    'cache-control': 'no-store',
    // Framed by a development app only, as Lean.connect's overlay is by the app that opened it.
    'content-security-policy': 'frame-ancestors http://localhost:* http://127.0.0.1:*',
  });
  res.end(PAGE);
}
