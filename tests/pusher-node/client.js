// The official pusher-js client (and the pusher-js-auth batch plugin)
// against a real Soketi server, authorized by roomauth. Driven by
// tests/pusher_e2e.rs, which starts Soketi and the app and reads the one
// JSON line this script prints: what each channel, the sign-in and the
// events did.
//
// Environment: APP_URL (the roomauth app, e.g. http://127.0.0.1:8090),
// SOKETI_PORT, APP_ID, APP_KEY, APP_SECRET, MASTER_KEY_BASE64 (to publish
// through Soketi's HTTP API with the official `pusher` SDK),
// FORGED_AUTH_URL (an endpoint that signs with another secret),
// BATCH_AUTH_URL (the batch endpoint).
'use strict';

const Pusher = require('pusher-js');
const PusherBatchAuthorizer = require('pusher-js-auth');
const PusherServer = require('pusher');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const APP_URL = env('APP_URL');
const SOKETI_PORT = Number(env('SOKETI_PORT'));
const TIMEOUT_MS = 10000;

// Node has no cookie jar: a browser sends the session cookie by itself,
// here pusher-js's own XHR transport is allowed to send it as a header
// (its Node XMLHttpRequest refuses `Cookie` by default). Every auth
// request is counted by URL.
const requests = {};
const createXHR = Pusher.Runtime.createXHR;
Pusher.Runtime.createXHR = function (...args) {
  const xhr = createXHR.apply(this, args);
  xhr.setDisableHeaderCheck(true);
  const open = xhr.open;
  xhr.open = function (method, url, ...rest) {
    requests[url] = (requests[url] || 0) + 1;
    return open.call(this, method, url, ...rest);
  };
  return xhr;
};

async function login(user) {
  const res = await fetch(`${APP_URL}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error(`login ${user}: no cookie`);
  return cookie.split(';')[0];
}

function client(options) {
  return new Pusher(env('APP_KEY'), {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: SOKETI_PORT,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    ...options,
  });
}

function timeout(what) {
  return new Promise((resolve) =>
    setTimeout(() => resolve({ error: `timeout: ${what}` }), TIMEOUT_MS));
}

function connected(pusher) {
  return Promise.race([
    new Promise((resolve) => pusher.connection.bind('connected', () => resolve({ ok: true }))),
    timeout('connect'),
  ]);
}

// `ok` (with members for presence) or the subscription error as pusher-js
// reports it: {type, error, status}.
function subscribe(pusher, name) {
  const channel = pusher.subscribe(name);
  return Promise.race([
    new Promise((resolve) => {
      channel.bind('pusher:subscription_succeeded', (members) => {
        const result = { ok: true };
        if (name.startsWith('presence-')) {
          result.members = {};
          members.each((m) => { result.members[m.id] = m.info; });
          result.me = members.me;
        }
        resolve(result);
      });
      channel.bind('pusher:subscription_error', (error) => resolve({ error }));
    }),
    timeout(`subscribe ${name}`),
  ]);
}

function nextEvent(pusher, channel, event) {
  return Promise.race([
    new Promise((resolve) => pusher.channel(channel).bind(event, (data) => resolve({ data }))),
    timeout(`${event} on ${channel}`),
  ]);
}

async function main() {
  const out = {};
  const alice = await login('alice');
  const headers = { Cookie: alice };

  // alice: private, presence, encrypted on project-1; project-3 refused.
  const pusher = client({
    channelAuthorization: { endpoint: `${APP_URL}/pusher/auth`, transport: 'ajax', headers },
    userAuthentication: { endpoint: `${APP_URL}/pusher/user-auth`, transport: 'ajax', headers },
  });
  out.connect = await connected(pusher);
  out.socket_id = pusher.connection.socket_id;
  pusher.signin();
  out.signin = await Promise.race([
    pusher.user.signinDonePromise.then(() => ({ user_data: pusher.user.user_data })),
    timeout('signin'),
  ]);
  for (const name of [
    'private-project-1', 'presence-project-1', 'private-encrypted-project-1',
    'private-project-3', 'presence-project-3',
  ]) {
    out[name] = await subscribe(pusher, name);
  }

  // Events published through Soketi's HTTP API by the official server SDK;
  // the encrypted one is sealed with the channel's key derived from the
  // master key, and pusher-js opens it with the shared_secret roomauth sent.
  const server = new PusherServer({
    appId: env('APP_ID'), key: env('APP_KEY'), secret: env('APP_SECRET'),
    host: '127.0.0.1', port: String(SOKETI_PORT), useTLS: false,
    encryptionMasterKeyBase64: env('MASTER_KEY_BASE64'),
  });
  const plain = nextEvent(pusher, 'private-project-1', 'greet');
  const sealed = nextEvent(pusher, 'private-encrypted-project-1', 'secret');
  await server.trigger('private-project-1', 'greet', { hello: 'world' });
  await server.trigger('private-encrypted-project-1', 'secret', { answer: 42 });
  out.event_private = await plain;
  out.event_encrypted = await sealed;
  pusher.disconnect();

  // No session: pusher-js reports the endpoint's 401.
  const anonymous = client({
    channelAuthorization: { endpoint: `${APP_URL}/pusher/auth`, transport: 'ajax' },
  });
  await connected(anonymous);
  out.anonymous = await subscribe(anonymous, 'private-project-1');
  anonymous.disconnect();

  // A signature made with another secret: Soketi refuses it.
  const forged = client({
    channelAuthorization: { endpoint: env('FORGED_AUTH_URL'), transport: 'ajax', headers },
  });
  await connected(forged);
  out.forged = await subscribe(forged, 'private-project-1');
  forged.disconnect();

  // The batch plugin: several channels, one request, each answered alone.
  const batchUrl = env('BATCH_AUTH_URL');
  const batch = client({
    authorizer: PusherBatchAuthorizer,
    authEndpoint: batchUrl,
    authDelay: 50,
    auth: { headers },
  });
  await connected(batch);
  const names = ['private-project-1', 'presence-project-2', 'private-encrypted-project-1', 'private-project-3'];
  const results = await Promise.all(names.map((name) => subscribe(batch, name)));
  out.batch = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  out.batch_requests = requests[batchUrl] || 0;
  batch.disconnect();

  out.requests = requests;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => setTimeout(() => process.exit(0), 100),
  (error) => {
    process.stdout.write(`${JSON.stringify({ fatal: String(error && error.stack || error) })}\n`);
    process.exit(1);
  },
);
