// Start Bluesky's own dev network (PLC + PDS + AppView + bsync + ozone) for Frontdesk's tests.
// Started by peer.sh; run it by hand only for debugging.
//
// Environment:
//   DB_POSTGRES_URL   postgres 15 URL (trust auth is fine)          (required)
//   REDIS_HOST        host:port of a redis server                   (required)
//   PLC_PORT PDS_PORT BSKY_PORT OZONE_PORT   fixed ports (default 2582 2583 2584 2587)
//   READY_FILE        where to write the JSON description once the network is up
//   CHAT_URL_FILE     a file holding the URL of fake-chat.mjs (read at each resolution), else
//   FRONTDESK_CHAT_URL                                         (default http://127.0.0.1:2590)
//
// The PDS proxies chat.bsky.* calls (header `atproto-proxy: did:web:api.bsky.chat#bsky_chat`)
// to the service of that DID. The real one is closed source and out of reach: the PDS's DID
// resolver is taught that did:web:api.bsky.chat's #bsky_chat service is fake-chat.mjs, so the
// PDS does what it does in production (privileged app password check, service-auth JWT signed
// with the account's key) and forwards to the fake.
//
// Upstream code calls listen(port) without a host, i.e. on every interface: every listener
// opened by this process is forced onto 127.0.0.1 before dev-env is loaded.
import net from 'node:net'
import fs from 'node:fs'

const HOST = '127.0.0.1'
const origListen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, HOST)
  } else if (typeof args[0] === 'number' && typeof args[1] === 'number') {
    args.splice(1, 0, HOST) // listen(port, backlog, cb)
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: HOST }
  } else if (args.length === 0 || (args.length === 1 && typeof args[0] === 'function')) {
    args.unshift(0, HOST) // listen() / listen(cb): random port, still loopback
  }
  return origListen.apply(this, args)
}

const { TestNetwork } = await import('@atproto/dev-env')

const port = (name, dflt) => {
  const v = Number(process.env[name] || dflt)
  if (!Number.isInteger(v) || v <= 0 || v > 65535) throw new Error(`bad ${name}`)
  return v
}
const t0 = Date.now()
let network
try {
  network = await TestNetwork.create({
    // Postgres schema names must match [A-Za-z_]+ (dev-env prefixes them)
    dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'frontdesk',
    plc: { port: port('PLC_PORT', 2582) },
    pds: { port: port('PDS_PORT', 2583), hostname: 'localhost' },
    bsky: {
      port: port('BSKY_PORT', 2584),
      publicUrl: `http://localhost:${port('BSKY_PORT', 2584)}`,
    },
    ozone: { port: port('OZONE_PORT', 2587) },
  })
} catch (err) {
  console.error('FAILED', err)
  process.exit(1)
}

const CHAT_DID = 'did:web:api.bsky.chat'
const chatUrl = () => {
  try {
    const u = fs.readFileSync(process.env.CHAT_URL_FILE, 'utf8').trim()
    if (u) return u
  } catch {}
  return process.env.FRONTDESK_CHAT_URL || 'http://127.0.0.1:2590'
}
const chatDoc = () => ({
  '@context': ['https://www.w3.org/ns/did/v1'],
  id: CHAT_DID,
  service: [{ id: '#bsky_chat', type: 'BskyChatService', serviceEndpoint: chatUrl() }],
})
for (const resolver of [network.pds.ctx.idResolver.did]) {
  for (const fn of ['resolve', 'resolveNoCache', 'resolveNoCheck']) {
    const orig = resolver[fn]
    if (typeof orig !== 'function') continue
    resolver[fn] = async function (did, ...rest) {
      if (did === CHAT_DID) return chatDoc()
      return orig.call(this, did, ...rest)
    }
  }
}

const info = {
  ready_ms: Date.now() - t0,
  pds: `http://127.0.0.1:${network.pds.port}`,
  plc: network.plc.url,
  appview: network.bsky.url,
  appviewDid: network.bsky.serverDid,
  ozone: network.ozone.url,
  chatDid: CHAT_DID,
  chatUrl: chatUrl(),
  pid: process.pid,
}
if (process.env.READY_FILE) {
  fs.writeFileSync(process.env.READY_FILE + '.tmp', JSON.stringify(info, null, 2) + '\n')
  fs.renameSync(process.env.READY_FILE + '.tmp', process.env.READY_FILE)
}
console.log(JSON.stringify(info))

let stopping = false
const stop = async (sig) => {
  if (stopping) return
  stopping = true
  console.log(`${sig}: closing the network`)
  // network.close() can wait on lingering sockets: do not let it hang a test run
  setTimeout(() => process.exit(0), 10000).unref()
  try {
    await network.close()
  } catch (err) {
    console.error('close failed', err)
  }
  process.exit(0)
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
