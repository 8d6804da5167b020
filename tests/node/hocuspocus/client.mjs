// The real @hocuspocus/provider (with yjs) in Node, as browsers of alice, bob
// and a visitor without a session would use it. Prints one JSON object with
// what each of them saw; the Rust test asserts on it.
//
//   HOCUSPOCUS_URL=ws://127.0.0.1:1234 ALICE_COOKIE='session=...' BOB_COOKIE='session=...' \
//   CAROL_COOKIE='session=...' ALICE_TOKEN=<alice's POST /token> node client.mjs
import { HocuspocusProvider } from '@hocuspocus/provider'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { editScenario } from '../yjs-session.mjs'

const url = process.env.HOCUSPOCUS_URL
const cookies = {
  alice: process.env.ALICE_COOKIE,
  bob: process.env.BOB_COOKIE,
  carol: process.env.CAROL_COOKIE,
  nobody: undefined,
}
const providers = []

/** A WebSocket that sends `cookie` on the upgrade, as the browser would. */
function socketWithCookie(cookie) {
  return class extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols, cookie ? { headers: { Cookie: cookie } } : {})
    }
  }
}

/** Opens `name` as `who`: `{scope, doc}` once authenticated and synced, or `{failed}`. */
function open(who, name, { token } = {}) {
  return new Promise((resolve) => {
    const doc = new Y.Doc()
    let scope
    const timer = setTimeout(() => resolve({ failed: 'timeout' }), 8000)
    const provider = new HocuspocusProvider({
      url,
      name,
      document: doc,
      token,
      WebSocketPolyfill: socketWithCookie(cookies[who]),
      onAuthenticated: ({ scope: s }) => {
        scope = s
      },
      onAuthenticationFailed: ({ reason }) => {
        clearTimeout(timer)
        resolve({ failed: reason })
      },
      onSynced: () => {
        clearTimeout(timer)
        resolve({ scope, doc, provider })
      },
    })
    providers.push(provider)
  })
}


const failed = (session) => session.failed ?? `opened with scope ${session.scope}`

// alice writes project-1 and reads project-2 (yjs-session.mjs).
const { project1, project2 } = await editScenario(open)
const report = {
  project1: {
    scope: project1.alice1.scope,
    second_scope: project1.alice1Again.scope,
    second_sees_edit: project1.second_sees_edit,
  },
  project2: {
    scope: project2.alice2.scope,
    bob_scope: project2.bob2.scope,
    alice_sees_bob: project2.alice_sees_bob,
    bob_sees_alice: project2.bob_sees_alice,
    later_client_sees_alice: project2.later_client_sees_alice,
    later_client_sees_bob: project2.later_client_sees_bob,
  },
}

// The provider's token (forwarded as `Authorization: Bearer`) instead of a cookie:
// alice's, from the app's `POST /token`.
const aliceToken = process.env.ALICE_TOKEN
const byToken = await open('nobody', 'project-1', { token: aliceToken })
report.token = {
  alice_token_project1: byToken.scope ?? byToken.failed,
  alice_token_project3: failed(await open('nobody', 'project-3', { token: aliceToken })),
}

// Refusals: a project without alice, carol in no project, no session at all.
report.refused = {
  alice_project3: failed(await open('alice', 'project-3')),
  carol_project1: failed(await open('carol', 'project-1')),
  nobody_project1: failed(await open('nobody', 'project-1')),
  nobody_with_unknown_token: failed(await open('nobody', 'project-1', { token: 'not-a-session' })),
}

console.log(JSON.stringify(report))
for (const provider of providers) provider.destroy()
process.exit(0)
