// The seed's Express auth webhook (the roomauth::room_service module docs describe it), the baseline of
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
// 4. POST `{user, resources}` to `/provision` with the API key, through a
//    pool of kept-alive connections (PROVISION_CLIENT, below).
// 5. Return the provisioner's JSON body to the browser as it is
//    (a failed provision is a 502, not passed through as a success).
//
//   npm ci
//   ROOMSERVICE_API_KEY=sk_localdev ROOMSERVICE_URL=http://127.0.0.1:7070 PORT=8082 node server.js
//
// PORT (default 8082, 0 picks a free port) and SESSION_SECRET (default:
// random at start) configure it; the first line on stdout names the address.
//
// PROVISION_CLIENT picks how step 4 reaches the provisioner, so the load
// comparison can show what the client costs (BENCHMARKS.md section 4):
//   undici  (default) undici's Pool, the fastest here: the least CPU per
//           request in Node and at the provisioner
//   agent   node:http with a keep-alive http.Agent
//   fetch   Node's global fetch (undici underneath, with the WHATWG Request
//           and Response objects and an AbortSignal per call on top)
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const express = require('express');
const cookieParser = require('cookie-parser');
const { Pool } = require('undici');

const PORT = Number(process.env.PORT ?? 8082);
const API_KEY = process.env.ROOMSERVICE_API_KEY ?? 'sk_localdev';
const PROVISION_URL = `${(process.env.ROOMSERVICE_URL ?? 'http://127.0.0.1:7070').replace(/\/+$/, '')}/provision`;
const SESSION_SECRET = process.env.SESSION_SECRET ?? crypto.randomBytes(64).toString('hex');
const PROVISION_CLIENT = process.env.PROVISION_CLIENT || 'undici';
const PROVISION_TIMEOUT_MS = 10_000;
const PROVISION_HEADERS = { authorization: `Bearer: ${API_KEY}`, 'content-type': 'application/json' };

// Each client POSTs `payload` (a JSON string) to PROVISION_URL and resolves
// to `{ status, body }`, the body parsed when the status is 200. A failure
// to connect rejects; a deadline passed rejects with `err.timeout` set.
const clients = {
  undici() {
    const url = new URL(PROVISION_URL);
    const pool = new Pool(url.origin);
    return async (payload) => {
      let answer;
      try {
        answer = await pool.request({
          path: url.pathname,
          method: 'POST',
          headers: PROVISION_HEADERS,
          body: payload,
          headersTimeout: PROVISION_TIMEOUT_MS,
          bodyTimeout: PROVISION_TIMEOUT_MS,
        });
      } catch (err) {
        err.timeout = err?.code === 'UND_ERR_HEADERS_TIMEOUT';
        throw err;
      }
      if (answer.statusCode !== 200) {
        await answer.body.dump();
        return { status: answer.statusCode };
      }
      return { status: 200, body: await answer.body.json() };
    };
  },

  agent() {
    const agent = new http.Agent({ keepAlive: true });
    return (payload) => new Promise((resolve, reject) => {
      const req = http.request(PROVISION_URL, {
        method: 'POST',
        agent,
        headers: { ...PROVISION_HEADERS, 'content-length': Buffer.byteLength(payload) },
      }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          try {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve(res.statusCode === 200 ? { status: 200, body: JSON.parse(text) } : { status: res.statusCode });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', (err) => { clearTimeout(timer); reject(err); });
      });
      const timer = setTimeout(() => {
        const err = new Error('provisioning timed out');
        err.timeout = true;
        req.destroy(err);
      }, PROVISION_TIMEOUT_MS);
      req.on('error', (err) => { clearTimeout(timer); reject(err); });
      req.end(payload);
    });
  },

  fetch() {
    return async (payload) => {
      let answer;
      try {
        answer = await fetch(PROVISION_URL, {
          method: 'POST',
          headers: PROVISION_HEADERS,
          body: payload,
          signal: AbortSignal.timeout(PROVISION_TIMEOUT_MS),
        });
      } catch (err) {
        err.timeout = err?.name === 'TimeoutError';
        throw err;
      }
      if (!answer.ok) {
        await answer.arrayBuffer();
        return { status: answer.status };
      }
      return { status: 200, body: await answer.json() };
    };
  },
};
if (!Object.hasOwn(clients, PROVISION_CLIENT)) {
  console.error(`PROVISION_CLIENT must be one of ${Object.keys(clients).join(', ')}, not ${PROVISION_CLIENT}`);
  process.exit(2);
}
const provision = clients[PROVISION_CLIENT]();

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
    answer = await provision(JSON.stringify({ user, resources }));
  } catch (err) {
    return res.status(err?.timeout ? 504 : 502).json({ error: 'provisioning failed' });
  }
  if (answer.status !== 200) {
    return res.status(502).json({ error: 'provisioning failed' });
  }

  // 5. The provisioner's body, as it is.
  res.json(answer.body);
});

const server = app.listen(PORT, '127.0.0.1', () => {
  console.log(`express baseline (${PROVISION_CLIENT}) on http://127.0.0.1:${server.address().port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
