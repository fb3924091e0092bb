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

  // Only the topic page follows runs; the subscriber's page loads this script for its preview.
  if ('EventSource' in window && document.getElementById('content')) {
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

// Preview of an own topic before it is saved: the count of matches among the last days'
// articles and the best of them, asked of a classifier through the dashboard. Everything
// shown is set as text, and a link is made only of an http(s) address.
(() => {
  const httpLink = (text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  };
  // The line the caret is on; a blank one means the last topic written.
  const topicAt = (field) => {
    const value = field.value;
    if (field.tagName !== 'TEXTAREA') return value;
    const lines = value.split(/\r?\n/);
    const caretLine = value.slice(0, field.selectionStart ?? value.length).split(/\r?\n/).length - 1;
    const here = lines[caretLine] ?? '';
    return here.trim() ? here : ([...lines].reverse().find((l) => l.trim()) ?? '');
  };
  const line = (tag, text, className) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    return el;
  };
  const show = (out, preview) => {
    const words = `“${preview.words}”`;
    out.append(
      line(
        'p',
        `${words} matches ${preview.matched} of the ${preview.scored} newest articles of the last ${preview.days} days (score at least ${preview.threshold}).`,
        'preview-count',
      ),
    );
    if (preview.scored < preview.considered)
      out.append(
        line('p', `Time ran out after ${preview.scored} of ${preview.considered} articles.`, 'preview-partial'),
      );
    if (preview.top.length === 0) return;
    const list = document.createElement('ol');
    list.className = 'preview-matches';
    for (const match of preview.top) {
      const item = document.createElement('li');
      const href = httpLink(match.link);
      const title = href ? document.createElement('a') : document.createElement('span');
      title.textContent = match.title;
      if (href) title.href = href;
      item.append(
        title,
        line('small', ` ${String(match.published).slice(0, 10)} · match ${Math.round(match.score * 100)}%`),
      );
      list.append(item);
    }
    out.append(list);
  };

  for (const button of document.querySelectorAll('button[data-preview-for]')) {
    const field = document.getElementById(button.dataset.previewFor);
    const out = document.getElementById(`${button.dataset.previewFor}-preview`);
    if (!field || !out) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      button.disabled = true;
      out.hidden = false;
      out.replaceChildren(line('p', 'Previewing…'));
      try {
        const response = await fetch(button.dataset.previewUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ownTopic: topicAt(field) }),
        });
        const body = await response.json().catch(() => ({}));
        out.replaceChildren();
        if (response.ok) show(out, body);
        else out.append(line('p', body.message || `No preview (HTTP ${response.status}).`, 'bad'));
      } catch {
        out.replaceChildren(line('p', 'No preview: the dashboard did not answer.', 'bad'));
      } finally {
        button.disabled = false;
      }
    });
  }
})();

// Votes on a topic ("not about", "belongs in", "relevant"): the forms work without this
// script; with it, the vote is sent as JSON to the same address and answered in place.
(() => {
  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('vote')) return;
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form, event.submitter ?? undefined));
    if (fields.verdict !== 'belongs-in') delete fields.belongsIn;
    const out = form.querySelector('.vote-result');
    const say = (text, bad) => {
      if (!out) return;
      out.textContent = text;
      out.classList.toggle('bad', bad);
    };
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fields),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) say('Thanks: recorded (a new vote replaces it).', false);
      else say(body.message || `Not recorded (HTTP ${response.status}).`, true);
    } catch {
      say('Not recorded: the dashboard did not answer.', true);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
})();
