import net from 'node:net';
import { runTidings, testPrefix, testRedisUrl } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Stands where Redis would be and counts who connects: a refused command line must connect to nothing. */
let connections = 0;
let redisUrl = '';
const listener = net.createServer((socket) => {
  connections++;
  socket.destroy();
});
beforeAll(async () => {
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  redisUrl = `redis://127.0.0.1:${(listener.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

const RUN_USAGE = 'usage: tidings run [--feed F]... [--reclassify] [--wait] [--timeout S]';

describe('a command line the CLI cannot read', () => {
  it.each([
    [['run', '--wait', '--timeout', 'abc'], "--timeout: 'abc' is not a whole number of seconds, 1 or more", RUN_USAGE],
    [['run', '--wait', '--timeout', '-5'], "--timeout: '-5' is not a whole number of seconds, 1 or more", RUN_USAGE],
    [['run', '--wait', '--timeout', '1.5'], "--timeout: '1.5' is not a whole number of seconds, 1 or more", RUN_USAGE],
    [['run', '--wait', '--timeout'], '--timeout needs a value (--timeout S)', RUN_USAGE],
    [['run', '--feed', '--wait'], '--feed needs a value (--feed F)', RUN_USAGE],
    [['run', '--json'], 'run has no option --json', RUN_USAGE],
    [['status', '--json=yes'], '--json takes no value', 'usage: tidings status [--json]'],
    [['start', '--port', '3000'], 'start has no option --port', 'usage: tidings start'],
    [
      ['demo', '--port', '70000'],
      "--port: '70000' is not a port number from 1 to 65535",
      'usage: tidings demo [--once] [--port N]',
    ],
    [
      ['classify', '--dtype', 'fp16', 'text'],
      "--dtype: 'fp16' is not one of fp32, q8",
      'usage: tidings classify [--model-dir DIR] [--labels "A,B"] [--dtype fp32|q8] "text"',
    ],
    [
      ['classify', '--model-dir', '/tmp'],
      'classify needs <text>',
      'usage: tidings classify [--model-dir DIR] [--labels "A,B"] [--dtype fp32|q8] "text"',
    ],
    [
      ['subscribers', 'add', '--name', 'Ann'],
      'subscribers add needs --topics A,B or --own "WORDS"',
      'usage: tidings subscribers add --name N --topics Crypto,IPO [--own "electric vehicles"] [--email a@example.com] [--webhook URL]',
    ],
    [
      ['subscribers', 'add', '--name', 'Ann', '--topics', 'Crypto', '--email', 'not-an-address'],
      'subscribers add: email: Invalid email address',
      'usage: tidings subscribers add --name N --topics Crypto,IPO [--own "electric vehicles"] [--email a@example.com] [--webhook URL]',
    ],
    [
      ['subscribers', 'list', '--name', 'Ann'],
      'subscribers list has no option --name',
      'usage: tidings subscribers list',
    ],
    [['subscribers', 'remove'], 'subscribers remove needs <id>', 'usage: tidings subscribers remove <id>'],
    [['feeds', 'add', '/etc/passwd'], "<url> '/etc/passwd' is not an http(s) URL", 'usage: tidings feeds add <url>'],
    [['feeds', 'list', 'extra'], "feeds list does not take 'extra'", 'usage: tidings feeds list'],
    [
      ['feeds', 'sync'],
      "unknown feeds command 'sync'",
      'usage: tidings feeds list | add <url> | remove <url> | import <file.opml> | export [--topic-feeds]',
    ],
    [['models', 'fetch', '--force'], 'models fetch has no option --force', 'usage: tidings models fetch'],
    [
      ['subscribers', 'rotate-secret', '../x'],
      "'../x' is not a subscription id (sub- and 16 hex digits)",
      'usage: tidings subscribers rotate-secret <id>',
    ],
    [['notify'], 'notify needs an action', 'usage: tidings notify test'],
    [['run', '--data-dir'], '--data-dir needs a value (--data-dir DIR)', RUN_USAGE],
    [
      ['--data-dir', '/tmp'],
      'no command given',
      "usage: tidings <command> [options]; 'tidings --help' lists the commands",
    ],
    [
      ['frobnicate'],
      "unknown command 'frobnicate'",
      "usage: tidings <command> [options]; 'tidings --help' lists the commands",
    ],
  ])(
    'tidings %j: exit 2 with what is wrong and the usage line, before any connection',
    async (args, problem, usage) => {
      const before = connections;
      const { code, stdout, stderr } = await runTidings(args, { REDIS_URL: redisUrl });
      expect(stderr).toBe(`tidings: ${problem}\n${usage}\n`);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(connections).toBe(before);
    },
  );

  it('lets a readable command line through to its connection (what the cases above are measured against)', async () => {
    const before = connections;
    const { code, stderr } = await runTidings(['run', '--wait', '--timeout', '90'], { REDIS_URL: redisUrl });
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach Redis at redis://127.0.0.1:');
    expect(connections).toBeGreaterThan(before);
  });

  it('refuses at once when Redis is a closed port, too: the line is read before anything is started', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { code, stderr } = await runTidings(['run', '--timeout', 'abc'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(code).toBe(2);
    expect(stderr).not.toContain('Redis');
    expect(stderr.split('\n')[1]).toBe(RUN_USAGE);
  });
});

describe('a command line the CLI reads', () => {
  it('--timeout S bounds run --wait: with no worker connected it gives up after S seconds', async () => {
    const { code, stderr } = await runTidings(['run', '--wait', '--timeout', '1'], {
      REDIS_URL: testRedisUrl(),
      TIDINGS_PREFIX: testPrefix(),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/run manual-\S+ did not finish within 1 s; check that the loader/);
  });

  it('<command> --help prints that command’s usage and exits 0, starting nothing', async () => {
    const before = connections;
    const { code, stdout } = await runTidings(['run', '--help'], { REDIS_URL: redisUrl });
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`Usage: ${RUN_USAGE.slice('usage: '.length)}`);
    expect(connections).toBe(before);
  });

  it('takes the flags before the command as well as after it', async () => {
    const { code, stderr } = await runTidings(['--data-dir', '/nonexistent-tidings', 'run', '--timeout', '5'], {
      REDIS_URL: redisUrl,
    });
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach Redis');
  });
});
