// Live refresh for the topic page: the page works without this script; with it, "Run now"
// starts a run without leaving the page and every finished run swaps in the new content.
(() => {
  // Behind a reverse proxy the dashboard may live under a path (DASHBOARD_PUBLIC_URL).
  const base = document.body.dataset.base || '';
  let started;
  const notice = (text) => {
    const el = document.getElementById('notice');
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
  };

  async function refresh() {
    const response = await fetch(location.pathname + location.search, { headers: { accept: 'text/html' } });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const id of ['content', 'workers']) {
      const fresh = doc.getElementById(id);
      const current = document.getElementById(id);
      if (fresh && current) current.replaceWith(fresh);
    }
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== 'run-now') return;
    event.preventDefault();
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const response = await fetch(`${base}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        started = body.runId;
        await refresh();
        notice(`Run ${body.runId} started; the page updates when it finishes.`);
      } else {
        notice(body.message || `Could not start a run (HTTP ${response.status}).`);
      }
    } finally {
      if (button) button.disabled = false;
    }
  });

  if ('EventSource' in window) {
    const events = new EventSource(`${base}/events`);
    events.addEventListener('run-finished', (event) => {
      const { runId, counts } = JSON.parse(event.data);
      refresh()
        .then(() => {
          if (runId && runId === started) {
            notice(
              `Run ${runId} finished: ${counts.new} new, ${counts.classified} classified, ${counts.failed} failed.`,
            );
          }
        })
        .catch(() => {});
    });
  }
})();
