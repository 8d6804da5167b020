// Can a reader publish? The official pusher-js client against a real
// Soketi whose app relays client events or not (CLIENT_EVENTS=on|off),
// authorized by roomauth with the same stance. Driven by
// tests/pusher_e2e.rs, which reads the one JSON line printed here.
//
// alice reads project-2, bob writes it. bob has two connections: bob1
// sends, bob2 listens to everything the server delivers on its socket.
// alice tries to publish on each channel kind however a hostile client
// would (raw `client-*` frames, subscribed or not); bob1 publishes too.
// Printed: each subscription's outcome, every client event bob2 received
// (with the sender Soketi names), and the errors Soketi sent each sender.
//
// Environment: APP_URL, SOKETI_PORT, APP_KEY, APP_ID, APP_SECRET,
// MASTER_KEY_BASE64, CLIENT_EVENTS.
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
const SETTLE_MS = 1000;
const CLIENT_EVENTS = env('CLIENT_EVENTS');
const CHANNELS = ['private-project-2', 'presence-project-2', 'private-encrypted-project-2'];

// pusher-js's Node XHR refuses `Cookie` unless told otherwise.
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

function timeout(what) {
  return new Promise((resolve) =>
    setTimeout(() => resolve({ error: `timeout: ${what}` }), TIMEOUT_MS));
}

function connect(cookie) {
  const pusher = new Pusher(env('APP_KEY'), {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: SOKETI_PORT,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: `${APP_URL}/pusher/auth`, transport: 'ajax', headers: { Cookie: cookie },
    },
  });
  // Every `pusher:error` Soketi sends this socket (4301: client events off).
  const errors = [];
  pusher.connection.bind('error', (error) => errors.push(error && error.data));
  const ready = Promise.race([
    new Promise((resolve) => pusher.connection.bind('connected', () => resolve({ ok: true }))),
    timeout('connect'),
  ]);
  return { pusher, errors, ready };
}

function subscribe(pusher, name) {
  const channel = pusher.subscribe(name);
  return Promise.race([
    new Promise((resolve) => {
      channel.bind('pusher:subscription_succeeded', () => resolve({ ok: true }));
      channel.bind('pusher:subscription_error', (error) => resolve({ error }));
    }),
    timeout(`subscribe ${name}`),
  ]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const out = { alice: {}, bob1: {}, bob2: {}, received: [], reader_got: {} };
  const [alice, bob] = [await login('alice'), await login('bob')];
  const a = connect(alice);
  const b1 = connect(bob);
  const b2 = connect(bob);
  for (const c of [a, b1, b2]) {
    const ready = await c.ready;
    if (!ready.ok) throw new Error(JSON.stringify(ready));
  }
  // Everything the server delivers to bob2, before decryption: a client
  // event that reaches it is counted whether or not it would decrypt.
  b2.pusher.connection.bind('message', (message) => {
    if (message.event && message.event.startsWith('client-')) {
      out.received.push({ channel: message.channel, event: message.event, user_id: message.user_id });
    }
  });
  for (const name of CHANNELS) {
    out.bob2[name] = await subscribe(b2.pusher, name);
    out.bob1[name] = await subscribe(b1.pusher, name);
    out.alice[name] = await subscribe(a.pusher, name);
  }

  // A reader that subscribed still receives what the app publishes.
  const server = new PusherServer({
    appId: env('APP_ID'), key: env('APP_KEY'), secret: env('APP_SECRET'),
    host: '127.0.0.1', port: String(SOKETI_PORT), useTLS: false,
    encryptionMasterKeyBase64: env('MASTER_KEY_BASE64'),
  });
  for (const name of CHANNELS) {
    if (!out.alice[name].ok) continue;
    const got = Promise.race([
      new Promise((resolve) => a.pusher.channel(name).bind('news', (data) => resolve({ data }))),
      timeout(`news on ${name}`),
    ]);
    await server.trigger(name, 'news', { n: 1 });
    out.reader_got[name] = await got;
  }

  // Publishing: raw frames, as a hostile client sends them (pusher-js's
  // own `trigger` refuses encrypted channels; the server decides here).
  for (const name of CHANNELS) {
    a.pusher.send_event('client-from-alice', { from: 'alice' }, name);
    b1.pusher.send_event('client-from-bob', { from: 'bob' }, name);
  }
  // Wait for the server's answers to bob's events (relayed with client
  // events on, refused with them off), then a while longer for any of
  // alice's that would follow.
  const done = CLIENT_EVENTS === 'on'
    ? () => out.received.filter((e) => e.event === 'client-from-bob').length >= CHANNELS.length
    : () => b1.errors.length >= CHANNELS.length && a.errors.length >= CHANNELS.length;
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done() && Date.now() < deadline) await sleep(50);
  await sleep(SETTLE_MS);
  out.errors = { alice: a.errors, bob1: b1.errors };
  for (const c of [a, b1, b2]) c.pusher.disconnect();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => setTimeout(() => process.exit(0), 100),
  (error) => {
    process.stdout.write(`${JSON.stringify({ fatal: String(error && error.stack || error) })}\n`);
    process.exit(1);
  },
);
