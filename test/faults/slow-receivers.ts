/**
 * Receivers that stall the notifier: two subscriber webhook hosts that trickle one header byte
 * a second, two subscriptions each (four deliveries, the notifier's concurrency), queued
 * before the operator's healthy webhooks and Slack, through real loader, classifier,
 * aggregator and notifier processes. Passes when every trickling attempt was cut off at the
 * 10 s deadline with its socket closed, no trickling host had two deliveries in flight at
 * once, and every healthy digest was delivered within HEALTHY_BOUND_MS of being queued.
 *
 * Importing this module registers the scenario with the fault suite (one line in run-faults.ts).
 */
import net from 'node:net';
import path from 'node:path';
import { startFeedServer, writeGeneratedFeed } from '@tidings/feed-fixtures';
import { DEFAULT_LABELS, deliveryId, type NotifyJob } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { waitFor } from '@tidings/testing';
import type { Job } from 'bullmq';
import { FaultStack, type Row } from './fault-stack.js';
import { FAULTS, SCENARIOS, type Scenario } from './scenarios.js';

const NAME = '12 receivers that trickle beside healthy ones';
const ARTICLES = 12;
/** The notifier's per-attempt deadline (DELIVERY_DEADLINE_MS), which the trickling attempts must end at. */
const DEADLINE_MS = 10_000;
/**
 * Below the deadline: a healthy delivery that waited behind even one trickling attempt would
 * take at least the whole deadline, one that did not takes milliseconds plus a few 200 ms
 * turns for its destination's slot (555 ms measured). The rest is room for a machine busy
 * with other work, so the bound tells the two apart without timing the machine.
 */
const HEALTHY_BOUND_MS = DEADLINE_MS * 0.8;
/** The operator's two webhooks and Slack, all on one healthy host. */
const HEALTHY = 3;

/**
 * A webhook host on loopback that answers every POST by trickling a status line and then a
 * header one byte a second, forever; with the fault left out, it answers 200 at once.
 */
async function tricklingHost() {
  let open = 0;
  let mostAtOnce = 0;
  let connections = 0;
  let mostTrickled = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    open++;
    mostAtOnce = Math.max(mostAtOnce, open);
    sockets.add(socket);
    let trickled = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', () => {});
    socket.on('close', () => {
      open--;
      sockets.delete(socket);
      clearInterval(timer);
    });
    socket.once('data', () => {
      if (!FAULTS.inject) return void socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      socket.write('HTTP/1.1 200 OK\r\nx-slow: ');
      timer = setInterval(() => {
        socket.write('a');
        mostTrickled = Math.max(mostTrickled, ++trickled);
      }, 1_000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    stats: () => ({ open, mostAtOnce, connections, mostTrickled }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function run(): Promise<Row> {
  const hosts = [await tricklingHost(), await tricklingHost()];
  const healthy = await startFeedServer({
    '/op0': (_req, res) => void res.writeHead(200).end(),
    '/op1': (_req, res) => void res.writeHead(200).end(),
    '/slack': (_req, res) => void res.writeHead(200).end('ok'),
  });
  const operatorHooks = ['/op0', '/op1'].map((p) => healthy.url(p));
  const c = await new FaultStack({
    NOTIFY_ATTEMPTS: '1',
    FEED_ALLOW_PRIVATE: 'true',
    NOTIFY_WEBHOOK_URLS: operatorHooks.join(','),
    NOTIFY_SLACK_WEBHOOK_URL: healthy.url('/slack'),
  }).start();
  try {
    const env = { FEED_URLS: writeGeneratedFeed(path.join(c.dir, 'f.xml'), ARTICLES, { tag: 'f' }) };
    const topics = DEFAULT_LABELS.split(',');
    const subscriptions = new SubscriptionStore(c.client, c.prefix, { labels: topics });
    // Subscribers' deliveries are queued before the operator's, so the trickling ones reach the workers first.
    const trickling: { id: string }[] = [];
    for (const [h, host] of hosts.entries()) {
      for (const n of [0, 1]) {
        trickling.push(await subscriptions.create({ name: `slow ${h}.${n}`, topics, webhookUrl: host.url(`/${n}`) }));
      }
    }
    for (const name of ['classifier', 'loader', 'aggregator', 'notifier'] as const) c.spawn(name, env);
    const runId = await c.trigger();
    const finished = await c.waitForRun(runId);
    const job = (destination: NotifyJob['destination']) => c.notify.getJob(deliveryId({ runId, destination }));
    const healthyJobs = () =>
      Promise.all([
        ...operatorHooks.map((_, index) => job({ kind: 'operator-webhook', index })),
        job({ kind: 'slack' }),
      ]);
    const slowJobs = () => Promise.all(trickling.map((sub) => job({ kind: 'webhook', subscriptionId: sub.id })));
    const settled = async (jobs: (Job | undefined)[]) => jobs.every((j) => j?.finishedOn !== undefined) || undefined;
    await waitFor(async () => settled(await healthyJobs()), {
      what: 'the healthy deliveries',
      timeoutMs: 60_000,
    }).catch(() => undefined);
    // Two hosts, one slot each: the four trickling deliveries end in two rounds of one deadline.
    await waitFor(async () => settled(await slowJobs()), {
      what: 'the trickling deliveries',
      timeoutMs: 4 * DEADLINE_MS + 30_000,
    }).catch(() => undefined);

    // The receiver hears of a socket closed a moment after the notifier has recorded the failure.
    await waitFor(() => hosts.every((h) => h.stats().open === 0) || undefined, {
      what: 'the trickling sockets to close',
      timeoutMs: 2_000,
    }).catch(() => undefined);
    const fast = await healthyJobs();
    const slow = await slowJobs();
    const waits = fast.map((j) =>
      j?.finishedOn === undefined ? Number.POSITIVE_INFINITY : j.finishedOn - j.timestamp,
    );
    const slowest = Math.max(...waits);
    const hits = ['/op0', '/op1', '/slack'].reduce((n, p) => n + healthy.hits(p), 0);
    const stats = hosts.map((h) => h.stats());
    const problems: string[] = [];
    const check = (ok: boolean, problem: string) => void (ok || problems.push(problem));
    check(
      stats.every((s) => s.mostTrickled >= 3),
      `trickled at most ${stats.map((s) => s.mostTrickled).join('/')} bytes on one connection: the receivers never stalled an attempt`,
    );
    const states = await Promise.all(slow.map((j) => j?.getState()));
    check(
      states.every((s) => s === 'failed') &&
        slow.every((j) => (j?.failedReason ?? '').includes(`no answer within the ${DEADLINE_MS} ms deadline`)),
      `trickling deliveries ended ${states.join(', ')} (${slow[0]?.failedReason ?? 'no reason'}), not failed at the deadline`,
    );
    check(
      slow.every((j, i) => (j?.failedReason ?? '').includes(new URL(hosts[Math.floor(i / 2)]?.url('/') ?? '').host)),
      'a trickling delivery’s reason does not name its destination',
    );
    check(
      stats.every((s) => s.open === 0),
      `${stats.map((s) => s.open).join('+')} trickling sockets still open after their deliveries failed`,
    );
    check(
      stats.every((s) => s.mostAtOnce <= 1),
      `a trickling host had ${Math.max(...stats.map((s) => s.mostAtOnce))} deliveries in flight at once, not 1`,
    );
    check(
      slowest <= HEALTHY_BOUND_MS && hits === HEALTHY,
      `the healthy digests took up to ${slowest} ms from queued to delivered (bound ${HEALTHY_BOUND_MS} ms), ${hits} of ${HEALTHY} delivered`,
    );
    return await c.measure(NAME, [finished], ARTICLES, {
      problems,
      note: `${hits} of ${HEALTHY} healthy digests delivered, the slowest ${slowest} ms after it was queued; 4 trickling deliveries ${states.join('/')} over ${stats.reduce((n, s) => n + s.connections, 0)} connections, at most ${Math.max(...stats.map((s) => s.mostAtOnce))} per host at once`,
    });
  } finally {
    await c.stop();
    await healthy.close();
    for (const host of hosts) await host.close();
  }
}

export const SLOW_RECEIVERS: Scenario = { name: NAME, run };
SCENARIOS.push(SLOW_RECEIVERS);
