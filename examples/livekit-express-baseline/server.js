// A LiveKit token endpoint as apps write it today: Express, a signed cookie
// session, the membership check written by hand, livekit-server-sdk's
// AccessToken. The baseline of roomauth's LiveKit load comparison
// (examples/load/livekit.sh, BENCHMARKS.md); the same demo data, grants and
// answers as the realtime example's POST /livekit/token.
//
//   npm ci
//   PORT=0 node server.js
//
// PORT (default 8083, 0 picks a free port), SESSION_SECRET (default: random
// at start), LIVEKIT_API_KEY / LIVEKIT_API_SECRET / LIVEKIT_URL (default:
// LiveKit's dev mode). The first line on stdout names the address.
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const cookieParser = require('cookie-parser');
const { AccessToken } = require('livekit-server-sdk');

const PORT = Number(process.env.PORT ?? 8083);
const API_KEY = process.env.LIVEKIT_API_KEY ?? 'devkey';
const API_SECRET = process.env.LIVEKIT_API_SECRET ?? 'secret';
const SERVER_URL = process.env.LIVEKIT_URL ?? 'ws://127.0.0.1:7880';
const SESSION_SECRET = process.env.SESSION_SECRET ?? crypto.randomBytes(64).toString('hex');

// user -> { name, projects: Map(project id -> 'write' | 'read') }
const users = new Map([
  ['alice', { name: 'Alice', projects: new Map([[1, 'write'], [2, 'read']]) }],
  ['bob', { name: 'Bob', projects: new Map([[2, 'write']]) }],
  ['carol', { name: 'Carol', projects: new Map() }],
]);

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16kb' }));
app.use(cookieParser(SESSION_SECRET));

app.post('/login', (req, res) => {
  const user = req.body?.user;
  if (typeof user !== 'string' || !users.has(user)) {
    return res.status(400).json({ error: 'unknown user: log in as `alice`, `bob` or `carol`' });
  }
  res.cookie('session', user, { signed: true, httpOnly: true, sameSite: 'lax', path: '/' });
  res.json({ user });
});

app.post('/livekit/token', async (req, res) => {
  const user = users.get(req.signedCookies.session);
  if (!user) {
    return res.status(401).json({ error: 'not logged in: POST /login first' });
  }
  const room = req.body?.room_name;
  if (typeof room !== 'string' || room === '') {
    return res.status(400).json({ error: '`room_name` is missing' });
  }
  const match = /^project-(0|[1-9][0-9]*)$/.exec(room);
  const access = match && user.projects.get(Number(match[1]));
  if (!access) {
    return res.status(403).json({ error: 'not allowed to join this room' });
  }
  const identity = req.signedCookies.session;
  const token = new AccessToken(API_KEY, API_SECRET, {
    identity,
    name: user.name,
    metadata: JSON.stringify({ name: user.name }),
    ttl: '6h',
  });
  const write = access === 'write';
  token.addGrant({ room, roomJoin: true, canSubscribe: true, canPublish: write, canPublishData: write });
  res.json({ server_url: SERVER_URL, participant_token: await token.toJwt() });
});

const server = app.listen(PORT, '127.0.0.1', () => {
  console.log(`LiveKit Express baseline on http://127.0.0.1:${server.address().port}`);
});
