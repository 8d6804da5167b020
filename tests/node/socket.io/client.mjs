// The official socket.io-client in Node, as the browsers of alice, bob and
// carol would use it against the Socket.IO server of examples/realtime
// (socketioxide, guarded by roomauth's rules). A browser sends its session
// cookie with the handshake; here `extraHeaders` does (Node, websocket
// transport). Prints one JSON object: every acknowledgement, and every
// `message` each socket received. The Rust test asserts on it.
//
//   APP=http://127.0.0.1:8090 node client.mjs
import { io } from 'socket.io-client'
import { login } from '../login.mjs'

const app = process.env.APP
const cookies = {
  alice: await login(app, 'alice'),
  bob: await login(app, 'bob'),
  carol: await login(app, 'carol'),
}
const sockets = []
const received = {}

/** Connects as `who` (no cookie for `nobody`), recording what `label` receives. */
function connect(label, who) {
  const socket = io(app, {
    transports: ['websocket'],
    extraHeaders: cookies[who] ? { cookie: cookies[who] } : {},
    reconnection: false,
    forceNew: true,
  })
  sockets.push(socket)
  received[label] = []
  socket.on('message', (message) => received[label].push(message))
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve(socket))
    socket.on('connect_error', reject)
  })
}

const ack = (socket, event, payload) => socket.timeout(5000).emitWithAck(event, payload)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits (up to 5 s) until `label` has received `count` messages. */
async function receivedCount(label, count) {
  for (let i = 0; i < 100 && received[label].length < count; i++) await sleep(50)
}

const alice = await connect('alice', 'alice')
const aliceTab = await connect('alice_tab', 'alice') // alice's second tab
const bob = await connect('bob', 'bob')
const carol = await connect('carol', 'carol')
const nobody = await connect('nobody', 'nobody')

const report = { joins: {}, sends: {} }

// project-1: alice writes; bob and carol are not members; no session is 401.
report.joins.alice_project1 = await ack(alice, 'join', 'project-1')
report.joins.alice_tab_project1 = await ack(aliceTab, 'join', 'project-1')
report.joins.bob_project1 = await ack(bob, 'join', 'project-1')
report.joins.carol_project1 = await ack(carol, 'join', 'project-1')
report.joins.nobody_project1 = await ack(nobody, 'join', 'project-1')
report.joins.look_alike = await ack(alice, 'join', ' project-1')
report.joins.not_a_name = await ack(alice, 'join', 42)
report.sends.alice_project1 = await ack(alice, 'send', { room: 'project-1', data: { text: 'hello' } })
await receivedCount('alice_tab', 1)

// project-2: bob writes, alice reads: she receives, her sends are refused.
report.joins.alice_project2 = await ack(alice, 'join', 'project-2')
report.joins.bob_project2 = await ack(bob, 'join', 'project-2')
report.sends.bob_project2 = await ack(bob, 'send', { room: 'project-2', data: 'from bob' })
await receivedCount('alice', 1)
report.sends.alice_project2 = await ack(alice, 'send', { room: 'project-2', data: 'from a reader' })
// carol was refused project-1: she cannot send to it either.
report.sends.carol_project1 = await ack(carol, 'send', { room: 'project-1', data: 'let me in' })
report.sends.malformed = await ack(alice, 'send', 'project-1')

// Whatever a refused send would have delivered has had time to arrive.
await sleep(300)
report.received = received
for (const socket of sockets) socket.disconnect()
console.log(JSON.stringify(report))
