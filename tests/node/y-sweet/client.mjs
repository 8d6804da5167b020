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
import { editScenario } from '../yjs-session.mjs'

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


// alice writes project-1 and reads project-2 (yjs-session.mjs).
const { project1, project2 } = await editScenario(open)
const report = {
  project1: {
    authorization: project1.alice1.authorization,
    refused: project1.alice1.refused,
    second_sees_edit: project1.second_sees_edit,
  },
  project2: {
    authorization: project2.alice2.authorization,
    bob_authorization: project2.bob2.authorization,
    alice_sees_bob: project2.alice_sees_bob,
    bob_sees_alice: project2.bob_sees_alice,
    later_client_sees_alice: project2.later_client_sees_alice,
    later_client_sees_bob: project2.later_client_sees_bob,
  },
}

// project-3 has no members.
const alice3 = await open('alice', 'project-3')
report.project3 = { refused: alice3.refused, authorization: alice3.authorization }

console.log(JSON.stringify(report))
for (const provider of providers) provider.destroy?.() ?? provider.disconnect()
process.exit(0)
