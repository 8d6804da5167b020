// Pusher channel authorization as the Pusher docs write it: Express,
// `express.urlencoded`, a signed session cookie (cookie-parser), and the
// official SDK's `authorizeChannel`. The baseline of roomauth's Pusher
// load comparison (examples/load/pusher.sh, BENCHMARKS.md); it answers the
// same demo data as examples/realtime:
//
//   alice writes project-1 and reads project-2, bob writes project-2,
//   carol is in no project; presence user_info is {"name": "Alice"}, ...
//
// 1. The user from the signed `session` cookie; none -> 401.
// 2. The room from the channel name after its prefix (`private-encrypted-`,
//    `private-`, `presence-`); a member of `project-<id>` -> signed by the
//    SDK (which validates socket_id and channel_name), else 403.
//
//   npm ci
//   PORT=8083 node server.js
//
// PORT (default 8083, 0 picks a free port), SESSION_SECRET (default:
// random), PUSHER_APP_KEY / PUSHER_APP_SECRET / PUSHER_ENCRYPTION_MASTER_KEY_BASE64
// (defaults: Soketi's app-key / app-secret and a dev key); the first line on
// stdout names the address.
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const cookieParser = require('cookie-parser');
const Pusher = require('pusher');

const PORT = Number(process.env.PORT ?? 8083);
const SESSION_SECRET = process.env.SESSION_SECRET ?? crypto.randomBytes(64).toString('hex');

const pusher = new Pusher({
  appId: 'app-id',
  key: process.env.PUSHER_APP_KEY ?? 'app-key',
  secret: process.env.PUSHER_APP_SECRET ?? 'app-secret',
  encryptionMasterKeyBase64:
    process.env.PUSHER_ENCRYPTION_MASTER_KEY_BASE64 ?? 'cm9vbWF1dGgtZGV2LW1hc3Rlci1rZXktMzItYnl0ZXM=',
  cluster: 'mt1',
});

const users = new Map([
  ['alice', { name: 'Alice', projects: new Set([1, 2]) }],
  ['bob', { name: 'Bob', projects: new Set([2]) }],
  ['carol', { name: 'Carol', projects: new Set() }],
]);

function room(channel) {
  for (const prefix of ['private-encrypted-', 'private-', 'presence-']) {
    if (channel.startsWith(prefix)) return channel.slice(prefix.length);
  }
  return null;
}

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16kb' }));
app.use(express.urlencoded({ extended: false, limit: '16kb' }));
app.use(cookieParser(SESSION_SECRET));

app.post('/login', (req, res) => {
  const user = req.body?.user;
  if (typeof user !== 'string' || !users.has(user)) {
    return res.status(400).json({ error: 'unknown user: log in as `alice`, `bob` or `carol`' });
  }
  res.cookie('session', user, { signed: true, httpOnly: true, sameSite: 'lax', path: '/' });
  res.json({ user });
});

app.post('/pusher/auth', (req, res) => {
  const id = req.signedCookies.session;
  const user = typeof id === 'string' ? users.get(id) : undefined;
  if (!user) return res.status(401).json({ error: 'not logged in' });
  const { socket_id: socketId, channel_name: channel } = req.body ?? {};
  if (typeof socketId !== 'string' || typeof channel !== 'string') {
    return res.status(400).json({ error: 'socket_id and channel_name are required' });
  }
  const match = /^project-(0|[1-9][0-9]*)$/.exec(room(channel) ?? '');
  if (!match || !user.projects.has(Number(match[1]))) {
    return res.status(403).json({ error: 'not allowed to join this room' });
  }
  try {
    const auth = channel.startsWith('presence-')
      ? pusher.authorizeChannel(socketId, channel, { user_id: id, user_info: { name: user.name } })
      : pusher.authorizeChannel(socketId, channel);
    res.json(auth);
  } catch (error) {
    res.status(400).json({ error: String(error.message ?? error) });
  }
});

const server = app.listen(PORT, '127.0.0.1', () => {
  console.log(`Pusher Express baseline on http://127.0.0.1:${server.address().port}`);
});
