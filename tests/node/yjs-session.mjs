// What the Yjs document clients of tests/node/* share: waiting for a text to
// arrive in a session's document, and the edit scenario both document
// servers run. A session is `{ doc }` (a Y.Doc, or none when it never
// opened) plus what the client reports of it.

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The session's `body` text, or '' when it has no document. */
export const text = (session) => session.doc?.getText('body').toString() ?? ''

/** Whether `needle` shows up in the session's text within `ms` milliseconds. */
export async function sees(session, needle, ms = 5000) {
  for (let waited = 0; waited < ms; waited += 50) {
    if (text(session).includes(needle)) return true
    await sleep(50)
  }
  return false
}

/**
 * The edits of the document-server tests, with `open(user, room)` giving a
 * session: alice writes project-1 and a second client of hers sees it; on
 * project-2 alice may only read: bob's edit reaches her, hers reaches no one,
 * not even a client opened afterwards. Gives the sessions and what was seen.
 */
export async function editScenario(open) {
  const alice1 = await open('alice', 'project-1')
  const alice1Again = await open('alice', 'project-1')
  alice1.doc.getText('body').insert(0, 'alice edits project-1. ')
  const secondSeesEdit = await sees(alice1Again, 'alice edits project-1')

  const alice2 = await open('alice', 'project-2')
  const bob2 = await open('bob', 'project-2')
  alice2.doc.getText('body').insert(0, 'alice tries project-2. ')
  bob2.doc.getText('body').insert(0, 'bob edits project-2. ')
  const aliceSeesBob = await sees(alice2, 'bob edits project-2')
  const bobSeesAlice = await sees(bob2, 'alice tries project-2', 1500)
  const bob2Later = await open('bob', 'project-2')
  // Once the later client has bob's edit it has everything the server kept.
  await sees(bob2Later, 'bob edits project-2')
  return {
    project1: { alice1, alice1Again, second_sees_edit: secondSeesEdit },
    project2: {
      alice2,
      bob2,
      alice_sees_bob: aliceSeesBob,
      bob_sees_alice: bobSeesAlice,
      later_client_sees_alice: text(bob2Later).includes('alice tries project-2'),
      later_client_sees_bob: text(bob2Later).includes('bob edits project-2'),
    },
  }
}
