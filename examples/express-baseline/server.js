// The seed's Express auth webhook (PROTOCOL.md section 4), the baseline of
// roomauth's load comparison (examples/load/run.sh, BENCHMARKS.md).
//
// It follows the seed's steps with the quickstart's session and demo data:
//
// 1. Read the user from the signed `session` cookie (cookie-parser signed
//    cookies: HMAC-SHA256, like the quickstart's signed cookie); none -> 401.
// 2. Check that this user may access the room (`project-<id>`, alice in
//    projects 1 and 2, bob in project 2); no -> 401, as in the seed.
//    Both body forms are read: `{"room"}` and the client's `{"resources"}`.
// 3. Build the resources: the room (`join`) and the documents asked for.
// 4. POST `{user, resources}` to `/provision` with the API key, through
//    Node's fetch (undici; its global agent keeps connections alive).
// 5. Return the provisioner's JSON body to the browser as it is
//    (a failed provision is a 502, not passed through as a success).
//
//   npm ci
//   ROOMSERVICE_API_KEY=sk_localdev ROOMSERVICE_URL=http://127.0.0.1:7070 PORT=8082 node server.js
//
// PORT (default 8082, 0 picks a free port) and SESSION_SECRET (default:
// random at start) configure it; the first line on stdout names the address.
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const cookieParser = require('cookie-parser');

const PORT = Number(process.env.PORT ?? 8082);
const API_KEY = process.env.ROOMSERVICE_API_KEY ?? 'sk_localdev';
const PROVISION_URL = `${(process.env.ROOMSERVICE_URL ?? 'http://127.0.0.1:7070').replace(/\/+$/, '')}/provision`;
const SESSION_SECRET = process.env.SESSION_SECRET ?? crypto.randomBytes(64).toString('hex');

const members = new Map([
  ['alice', new Set([1, 2])],
  ['bob', new Set([2])],
]);

function mayAccess(user, room) {
  const match = /^project-(0|[1-9][0-9]*)$/.exec(room);
  return match !== null && members.get(user).has(Number(match[1]));
}

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16kb' }));
app.use(cookieParser(SESSION_SECRET));

app.post('/login', (req, res) => {
  const user = req.body?.user;
  if (typeof user !== 'string' || !members.has(user)) {
    return res.status(400).json({ error: 'unknown user: log in as `alice` or `bob`' });
  }
  res.cookie('session', user, { signed: true, httpOnly: true, sameSite: 'lax', path: '/' });
  res.json({ user });
});

app.post('/api/roomservice', async (req, res) => {
  // 1. The user, from the signed session cookie.
  const user = req.signedCookies.session;
  if (typeof user !== 'string' || !members.has(user)) {
    return res.status(401).json({ error: 'not logged in: POST /login first' });
  }

  // 2. The room, from either body form, and whether the user may enter it.
  const body = req.body ?? {};
  let room;
  let documents = [];
  if (typeof body.room === 'string') {
    room = body.room;
  } else if (Array.isArray(body.resources)) {
    room = body.resources.find((r) => r?.object === 'room')?.reference;
    documents = body.resources
      .filter((r) => r?.object === 'document' && r.room === room && typeof r.reference === 'string')
      .map((r) => r.reference);
  }
  if (typeof room !== 'string' || room === '') {
    return res.status(400).json({ error: 'send `{"room": "<name>"}`' });
  }
  if (!mayAccess(user, room)) {
    return res.status(401).json({ error: 'not allowed to join this room' });
  }

  // 3. The resources.
  const resources = [
    { object: 'room', reference: room, permission: 'join' },
    ...documents.map((reference) => ({ object: 'document', reference, permission: 'read_write', room })),
  ];

  // 4. Provision.
  let answer;
  try {
    answer = await fetch(PROVISION_URL, {
      method: 'POST',
      headers: { authorization: `Bearer: ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user, resources }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const timeout = err?.name === 'TimeoutError';
    return res.status(timeout ? 504 : 502).json({ error: 'provisioning failed' });
  }
  if (!answer.ok) {
    await answer.arrayBuffer();
    return res.status(502).json({ error: 'provisioning failed' });
  }

  // 5. The provisioner's body, as it is.
  res.json(await answer.json());
});

const server = app.listen(PORT, '127.0.0.1', () => {
  console.log(`express baseline on http://127.0.0.1:${server.address().port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
