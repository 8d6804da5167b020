// The real @y-sweet/client (with yjs) in Node, as the browsers of alice and
// bob would use it against the app's auth endpoint and the real y-sweet
// server. The browser sends its session cookie with the same-origin fetch of
// the auth endpoint; here a fetch wrapper adds it, and nothing else. Prints
// one JSON object with what each of them saw; the Rust test asserts on it.
//
//   AUTH_ENDPOINT=http://127.0.0.1:8090/y-sweet/auth ALICE_COOKIE='session=...' \
//   BOB_COOKIE='session=...' node client.mjs
import { createYjsProvider, STATUS_CONNECTED, STATUS_ERROR } from '@y-sweet/client'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { sees, sleep, text } from '../yjs-session.mjs'

const authEndpoint = process.env.AUTH_ENDPOINT
const cookies = { alice: process.env.ALICE_COOKIE, bob: process.env.BOB_COOKIE }
const providers = []

// The auth endpoint's answers, per document, as the client received them.
const answers = []
let currentCookie
const realFetch = globalThis.fetch
globalThis.fetch = async (url, init = {}) => {
  const headers = new Headers(init.headers)
  if (currentCookie && String(url) === authEndpoint) headers.set('Cookie', currentCookie)
  const response = await realFetch(url, { ...init, headers })
  if (String(url) === authEndpoint) {
    answers.push({ body: init.body, status: response.status })
  }
  return response
}

/** Opens `docId` as `who`: `{authorization, doc}` once connected, or `{refused: status}`. */
function open(who, docId) {
  return new Promise((resolve) => {
    const doc = new Y.Doc()
    currentCookie = cookies[who]
    const before = answers.length
    const timer = setTimeout(() => resolve({ refused: 'timeout' }), 10000)
    const provider = createYjsProvider(doc, docId, authEndpoint, {
      WebSocketPolyfill: WebSocket,
      showDebuggerLink: false,
    })
    providers.push(provider)
    provider.on('connection-status', (status) => {
      if (status === STATUS_CONNECTED) {
        clearTimeout(timer)
        resolve({ authorization: provider.clientToken?.authorization, doc, provider })
      } else if (status === STATUS_ERROR && answers.length > before && !provider.clientToken) {
        clearTimeout(timer)
        provider.disconnect()
        resolve({ refused: answers[answers.length - 1].status })
      }
    })
  })
}


/** Waits until `session`'s text includes `needle`, up to `ms`. */

const report = {}

// alice writes project-1; a second client of hers sees the edit.
const alice1 = await open('alice', 'project-1')
const alice1Again = await open('alice', 'project-1')
alice1.doc.getText('body').insert(0, 'alice edits project-1. ')
report.project1 = {
  authorization: alice1.authorization,
  refused: alice1.refused,
  second_sees_edit: await sees(alice1Again, 'alice edits project-1'),
}

// alice reads project-2: she sees bob's edit, hers reaches no one, not even
// a client opened afterwards.
const alice2 = await open('alice', 'project-2')
const bob2 = await open('bob', 'project-2')
alice2.doc.getText('body').insert(0, 'alice tries project-2. ')
bob2.doc.getText('body').insert(0, 'bob edits project-2. ')
const aliceSeesBob = await sees(alice2, 'bob edits project-2')
const bobSeesAlice = await sees(bob2, 'alice tries project-2', 1500)
const bob2Later = await open('bob', 'project-2')
await sees(bob2Later, 'bob edits project-2')
report.project2 = {
  authorization: alice2.authorization,
  bob_authorization: bob2.authorization,
  alice_sees_bob: aliceSeesBob,
  bob_sees_alice: bobSeesAlice,
  later_client_sees_alice: text(bob2Later).includes('alice tries project-2'),
  later_client_sees_bob: text(bob2Later).includes('bob edits project-2'),
}

// project-3 has no members.
const alice3 = await open('alice', 'project-3')
report.project3 = { refused: alice3.refused, authorization: alice3.authorization }

console.log(JSON.stringify(report))
for (const provider of providers) provider.destroy?.() ?? provider.disconnect()
process.exit(0)
