// The real @roomservice/browser 3.0.4 client in Node, joining rooms of an
// example app the way a browser page would: with the auth function the seed
// documents (it posts `{"room"}` to the app's webhook) or with the client's
// built-in URL strategy (it posts `{"resources"}`). The browser sends its
// session cookie with the same-origin fetch of the webhook; here a fetch
// wrapper adds it, and nothing else.
//
// Room Service's own servers (super.roomservice.dev) are gone. A stand-in
// answers the client's calls to them as the service did (a document
// checkpoint, presence, the websocket's `guest:authenticate` and
// `room:join` handshake) and records what the client sent: the Rust test
// checks that the ids and the token the client uses are those the webhook
// issued, and verifies the token with the provisioner that signed it.
//
//   APP=http://127.0.0.1:8080 \
//   SCENARIOS='[{"user":"alice","room":"project-1","strategy":"function"}]' \
//   node client.mjs
//
// Prints one JSON array, one report per scenario:
// {user, room, strategy, joined, error?, answer: {request, status, body},
// docs, presence, ws}.
import roomservice from '@roomservice/browser'
import { login } from '../login.mjs'

const { RoomService } = roomservice
const app = process.env.APP
const webhook = `${app}/api/roomservice`
const scenarios = JSON.parse(process.env.SCENARIOS)
const SERVICE = 'https://super.roomservice.dev/'

/** What the client did in the current scenario. */
let seen
let cookie

const realFetch = globalThis.fetch
globalThis.fetch = async (url, init = {}) => {
  url = String(url)
  if (url.startsWith(SERVICE)) return standInFetch(url, init)
  const headers = new Headers(init.headers)
  if (url.startsWith(app)) headers.set('Cookie', cookie)
  const response = await realFetch(url, { ...init, headers })
  if (url === webhook) {
    const body = await response.clone().json().catch(() => null)
    seen.answer = { request: JSON.parse(init.body), status: response.status, body }
  }
  return response
}

/** The service's GET /docs/<id> and /presence/<id>, recorded. */
function standInFetch(url, init) {
  const path = url.slice(SERVICE.length)
  const [kind, id] = path.split('/')
  const authorization = new Headers(init.headers).get('Authorization')
  seen[kind === 'docs' ? 'docs' : 'presence'].push({ id, authorization })
  const body =
    kind === 'docs'
      ? { body: { id, index: 0, api_version: 0, vs: 'AAAAAAAAAAA=', actors: {}, lists: {}, maps: {} } }
      : {}
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }))
}

/** The service's websocket: answers the handshake, records every message. */
globalThis.WebSocket = class StandInWebSocket {
  constructor(url) {
    this.url = url
    setTimeout(() => this.onopen?.(), 0)
  }
  send(data) {
    const { type, body } = JSON.parse(data)
    seen.ws.push({ type, body })
    const reply = { 'guest:authenticate': 'guest:authenticated', 'room:join': 'room:joined' }[type]
    if (reply) {
      const message = JSON.stringify({ type: reply, ts: String(Date.now()), ver: 0, body: 'ok' })
      setTimeout(() => this.onmessage?.({ data: message }), 0)
    }
  }
  close() {}
}

/** The auth function the seed documents: the room, posted to the webhook. */
async function authFunction({ room }) {
  const response = await fetch(webhook, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ room }),
  })
  if (response.status === 401) throw new Error('Unauthorized!')
  return response.json()
}

async function join({ user, room, strategy }) {
  seen = { user, room, strategy, joined: false, docs: [], presence: [], ws: [] }
  cookie = await login(app, user)
  const client = new RoomService({ auth: strategy === 'function' ? authFunction : webhook })
  try {
    const roomClient = await client.room(room)
    // A write, as an editor's page makes one: the client sends it once its
    // websocket has joined the room.
    roomClient.map('notes').set('hello', user)
    const deadline = Date.now() + 5000
    while (!seen.ws.some((m) => m.type === 'doc:cmd') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    seen.joined = true
  } catch (error) {
    seen.error = `${error.name}: ${error.message}`
  }
  return seen
}

const reports = []
for (const scenario of scenarios) reports.push(await join(scenario))
console.log(JSON.stringify(reports))
process.exit(0)
