// Revoking on a real Soketi with the official pusher-js client: alice is in
// project-1 and project-2; the app's admin removes her from project-1
// (`POST /admin/access`), the app's Revoker terminates her connections
// through Soketi's HTTP API, and this front end reconnects as a page would
// (pusher-js does not reconnect by itself after code 4009). Driven by
// tests/revoke_e2e.rs; prints one JSON line.
//
// Environment: APP_URL, SOKETI_PORT, APP_ID, APP_KEY, APP_SECRET.
'use strict';

const Pusher = require('pusher-js');
const PusherServer = require('pusher');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const APP_URL = env('APP_URL');
const SOKETI_PORT = Number(env('SOKETI_PORT'));
const TIMEOUT_MS = 10000;

// Node's XMLHttpRequest refuses a `Cookie` header unless told otherwise; a
// browser sends the session cookie by itself.
const createXHR = Pusher.Runtime.createXHR;
Pusher.Runtime.createXHR = function (...args) {
  const xhr = createXHR.apply(this, args);
  xhr.setDisableHeaderCheck(true);
  return xhr;
};

async function login(user) {
  const res = await fetch(`${APP_URL}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie').split(';')[0];
}

async function setAccess(cookie, user, project, access) {
  const res = await fetch(`${APP_URL}/admin/access`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ user, project, access }),
  });
  return { status: res.status, body: await res.json() };
}

const timeout = (what) =>
  new Promise((resolve) => setTimeout(() => resolve({ error: `timeout: ${what}` }), TIMEOUT_MS));

/** The next subscription outcome of `channel`: `ok` or pusher-js's error. */
function subscription(channel) {
  return Promise.race([
    new Promise((resolve) => {
      const done = (result) => {
        channel.unbind('pusher:subscription_succeeded', ok);
        channel.unbind('pusher:subscription_error', failed);
        resolve(result);
      };
      const ok = () => done({ ok: true });
      const failed = (error) => done({ status: error.status });
      channel.bind('pusher:subscription_succeeded', ok);
      channel.bind('pusher:subscription_error', failed);
    }),
    timeout(`subscribe ${channel.name}`),
  ]);
}

/** Whether `event` arrives on `channel` within `ms`. */
function receives(channel, event, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { channel.unbind(event, got); resolve(false); }, ms);
    const got = () => { clearTimeout(timer); channel.unbind(event, got); resolve(true); };
    channel.bind(event, got);
  });
}

async function main() {
  const out = {};
  const alice = await login('alice');
  const admin = await login('admin');
  const server = new PusherServer({
    appId: env('APP_ID'), key: env('APP_KEY'), secret: env('APP_SECRET'),
    host: '127.0.0.1', port: String(SOKETI_PORT), useTLS: false,
  });
  // alice writes both projects (an upgrade: nothing to revoke).
  out.upgrade = await setAccess(admin, 'alice', 2, 'write');

  const headers = { Cookie: alice };
  const pusher = new Pusher(env('APP_KEY'), {
    cluster: 'mt1', wsHost: '127.0.0.1', wsPort: SOKETI_PORT, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: { endpoint: `${APP_URL}/pusher/auth`, transport: 'ajax', headers },
    userAuthentication: { endpoint: `${APP_URL}/pusher/user-auth`, transport: 'ajax', headers },
  });
  // What a page does: pusher-js treats 4000-4099 as final; connect again, and
  // pusher-js signs in and re-subscribes every channel through the rules.
  let closed = null;
  const terminated = new Promise((resolve) => {
    pusher.connection.bind('error', (error) => {
      if (error?.data?.code === 4009) closed = { code: 4009, at: Date.now() };
    });
    pusher.connection.bind('state_change', ({ current }) => {
      if (current === 'disconnected' && closed) {
        resolve(closed);
        pusher.connect();
      }
    });
  });
  pusher.signin();
  const one = pusher.subscribe('private-project-1');
  const two = pusher.subscribe('private-project-2');
  const [first1, first2] = [subscription(one), subscription(two)];
  out.before = { project1: await first1, project2: await first2 };
  await pusher.user.signinDonePromise;
  const before1 = receives(one, 'ping', 3000);
  const before2 = receives(two, 'ping', 3000);
  await server.trigger(['private-project-1', 'private-project-2'], 'ping', {});
  out.before.project1_event = await before1;
  out.before.project2_event = await before2;

  // The admin removes alice from project-1.
  const again1 = subscription(one);
  const again2 = subscription(two);
  const started = Date.now();
  out.revoke = await setAccess(admin, 'alice', 1, null);
  const end = await Promise.race([terminated, timeout('terminated')]);
  out.terminated = { code: end.code ?? end.error };
  out.terminated_ms = end.at ? end.at - started : null;
  out.after = { project1: await again1, project2: await again2 };
  out.resubscribed_ms = Date.now() - started;
  const after1 = receives(one, 'ping', 1500);
  const after2 = receives(two, 'ping', 1500);
  await server.trigger(['private-project-1', 'private-project-2'], 'ping', {});
  out.after.project1_event = await after1;
  out.after.project2_event = await after2;
  pusher.disconnect();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => setTimeout(() => process.exit(0), 100),
  (error) => {
    process.stdout.write(`${JSON.stringify({ fatal: String(error && error.stack || error) })}\n`);
    process.exit(1);
  },
);
