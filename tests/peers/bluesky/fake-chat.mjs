#!/usr/bin/env node
// A stateful, in-memory fake of Bluesky's closed-source chat service (chat.bsky.convo.*) on
// 127.0.0.1 that validates every request and every response against the official lexicons.
//
//   node fake-chat.mjs [--port N] [--pds URL] [--plc URL] [--peer-dir DIR]
//
//   --port      FRONTDESK_CHAT_PORT   default 2590; 0 = any free port
//   --pds       FRONTDESK_PDS_URL     used to check direct-mode tokens (getSession) and to
//                                     look up handles/display names of members
//   --plc       FRONTDESK_PLC_URL     used to verify service-auth JWT signatures (proxied mode)
//   --peer-dir  FRONTDESK_PEER_DIR    read pds/plc from DIR/network.json when not given; write
//                                     DIR/chat-url so that the PDS proxies chat calls here
//   lexicons:   FRONTDESK_LEXICONS    default <repo>/../shared/specs/atproto-lexicons
//
// Prints its URL (http://127.0.0.1:PORT) on stdout once listening.
//
// Two ways in, both as in production:
//  * proxied (preferred): the client calls the PDS with `atproto-proxy:
//    did:web:api.bsky.chat#bsky_chat`; the PDS (peer.sh teaches it where that DID lives) checks
//    the app password is privileged, and forwards with a service-auth JWT (iss = account DID,
//    aud = did:web:api.bsky.chat, lxm = the method) signed with the account's key. The fake
//    verifies that JWT like the real service (aud, lxm, exp, signature via PLC).
//  * direct: the client calls this URL with exactly the headers it sends to the PDS:
//    `Authorization: Bearer <PDS access JWT>` and `atproto-proxy: did:web:api.bsky.chat#bsky_chat`.
//    The fake then plays the PDS's part: checks the token with the PDS (getSession) when it
//    knows one, refuses a non-privileged app password like the PDS does, and answers 501
//    MethodNotImplemented when the atproto-proxy header is missing (the PDS would send the call
//    to the AppView, which answers that).
//
// Errors copied from the PDS (@atproto/pds 0.5.x, pipethrough.ts + auth):
//   no Authorization              401 {"error":"AuthMissing","message":"Authentication Required"}
//   bad token                     400 {"error":"InvalidToken","message":"Token could not be verified"}
//   non-privileged app password   400 {"error":"InvalidToken","message":"Bad token method"}
//   no atproto-proxy header       501 {"error":"MethodNotImplemented","message":"Method Not Implemented"}
//
// A request that breaks the lexicon (params, input body, HTTP method, unknown method) gets
// 400 {"error":"InvalidRequest","message":…} and is recorded as a violation; so is a missing
// Authorization or atproto-proxy header, an unknown query parameter (the real server ignores
// those, the fake answers normally but records it) and any response of the fake that breaks
// the lexicon (answered 500). A test fails when GET /_violations is not empty.
//
// Admin endpoints (no auth):
//   GET  /_violations          {count, violations:[…]}       DELETE /_violations clears them
//   GET  /_requests            every XRPC request seen (method, params, input, status, viewer)
//   POST /_inject              {from, to, text, facets?, count?, status?} a customer's DM to `to`
//                              (DIDs, or handles when --pds is known); text may hold "{i}"
//   POST /_config              {noDmAccess: true|false}: answer every chat call like the PDS
//                              does for a non-privileged app password
//   GET  /_state               all conversations         POST /_reset   forget everything
//   GET  /_info                lexicon sources, URLs, config
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Lexicons } from '@atproto/lexicon'
import { schemas as apiSchemas } from '@atproto/api'
import { verifyJwt } from '@atproto/xrpc-server'
import { IdResolver } from '@atproto/identity'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const CHAT_DID = 'did:web:api.bsky.chat'
const PROXY_HEADER = `${CHAT_DID}#bsky_chat`
const P = 'chat.bsky.convo.'

// ---- options ------------------------------------------------------------------------------------
const argv = process.argv.slice(2)
const opt = (name, env, dflt) => {
  const i = argv.indexOf(`--${name}`)
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1]
  const eq = argv.find((a) => a.startsWith(`--${name}=`))
  if (eq) return eq.slice(name.length + 3)
  return process.env[env] || dflt
}
const peerDir = opt('peer-dir', 'FRONTDESK_PEER_DIR', '')
let network = {}
if (peerDir) {
  try { network = JSON.parse(fs.readFileSync(path.join(peerDir, 'network.json'), 'utf8')) } catch {}
}
const PORT = Number(opt('port', 'FRONTDESK_CHAT_PORT', '2590'))
const PDS_URL = opt('pds', 'FRONTDESK_PDS_URL', network.pds || '')
const PLC_URL = opt('plc', 'FRONTDESK_PLC_URL', network.plc || '')
const LEX_DIR = opt('lexicons', 'FRONTDESK_LEXICONS', path.resolve(HERE, '../../../../shared/specs/atproto-lexicons'))

// ---- lexicons: the shared official files first, @atproto/api's copy only for missing ids -------
const walk = (d) => fs.readdirSync(d, { withFileTypes: true })
  .flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : [])
let sharedDocs
try {
  sharedDocs = walk(LEX_DIR).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')))
} catch (err) {
  console.error(`fake-chat: cannot read lexicons in ${LEX_DIR}: ${err.message}`)
  process.exit(1)
}
if (!sharedDocs.some((d) => d.id === `${P}defs`)) {
  console.error(`fake-chat: ${LEX_DIR} has no chat.bsky.convo.defs`)
  process.exit(1)
}
const apiVersion = JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules/@atproto/api/package.json'), 'utf8')).version
const docs = new Map()
const lexSource = {}
for (const d of apiSchemas) { docs.set(d.id, d); lexSource[d.id] = `@atproto/api@${apiVersion}` }
for (const d of sharedDocs) { docs.set(d.id, d); lexSource[d.id] = 'shared' }
const lex = new Lexicons([...docs.values()])

// ---- records of what happened ------------------------------------------------------------------
const violations = []
const requests = []
const config = { noDmAccess: false }
const now = () => new Date().toISOString()
function violation(kind, info) {
  const v = { time: now(), kind, ...info }
  violations.push(v)
  console.error(`fake-chat: VIOLATION ${kind} ${info.nsid || ''}: ${info.message}`)
  return v
}

class XrpcError extends Error {
  constructor(status, error, message) {
    super(message)
    this.status = status
    this.error = error
  }
}
const invalid = (message) => new XrpcError(400, 'InvalidRequest', message)

// ---- state --------------------------------------------------------------------------------------
// TIDs (base32-sortable microsecond timestamps), like the revs and ids of the real service
const S32 = '234567abcdefghijklmnopqrstuvwxyz'
let lastUs = 0
function tid() {
  let us = Date.now() * 1000
  if (us <= lastUs) us = lastUs + 1
  lastUs = us
  let n = (BigInt(us) << 10n) | 7n
  let s = ''
  for (let i = 0; i < 13; i++) { s = S32[Number(n & 31n)] + s; n >>= 5n }
  return s
}

let convos = new Map() // id -> {id, rev, members:[did], messages:[], read:{did:rev}, status:{did}, muted:{did}}
let logs = [] // {rev, convoId, type, messageId?}
const profiles = new Map() // did -> {did, handle, displayName?}

function reset() {
  convos = new Map()
  logs = []
  violations.length = 0
  requests.length = 0
  config.noDmAccess = false
}

async function pdsGet(nsid, params, token) {
  if (!PDS_URL) return null
  const url = new URL(`/xrpc/${nsid}`, PDS_URL)
  for (const [k, v] of Object.entries(params || {})) url.searchParams.set(k, v)
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const body = await res.json().catch(() => ({}))
  return { status: res.status, ok: res.ok, body }
}

async function profile(did) {
  if (profiles.has(did)) return profiles.get(did)
  const p = { did, handle: 'handle.invalid' }
  try {
    const repo = await pdsGet('com.atproto.repo.describeRepo', { repo: did })
    if (repo?.ok) p.handle = repo.body.handle
    const rec = await pdsGet('com.atproto.repo.getRecord', { repo: did, collection: 'app.bsky.actor.profile', rkey: 'self' })
    if (rec?.ok && rec.body.value?.displayName) p.displayName = rec.body.value.displayName
  } catch {}
  if (p.handle !== 'handle.invalid') profiles.set(did, p)
  return p
}

async function resolveActor(x) {
  if (typeof x !== 'string' || !x) throw invalid('from/to: a DID or a handle is required')
  if (x.startsWith('did:')) return x
  const r = await pdsGet('com.atproto.identity.resolveHandle', { handle: x.replace(/^@/, '') })
  if (!r?.ok) throw invalid(`cannot resolve handle ${x}${PDS_URL ? '' : ' (no --pds)'}`)
  return r.body.did
}

function messageView(convo, m, withReply = true) {
  const v = { $type: `${P}defs#messageView`, id: m.id, rev: m.rev, text: m.text, sender: { did: m.sender }, sentAt: m.sentAt }
  if (m.facets) v.facets = m.facets
  if (withReply && m.replyTo) {
    const target = convo.messages.find((x) => x.id === m.replyTo)
    if (target) v.replyTo = messageView(convo, target, false)
  }
  return v
}

function unreadCount(convo, viewer) {
  const read = convo.read[viewer] || ''
  return convo.messages.filter((m) => m.sender !== viewer && m.rev > read).length
}

async function convoView(convo, viewer) {
  const members = []
  for (const did of convo.members) {
    const p = await profile(did)
    members.push({ ...p, kind: { $type: 'chat.bsky.actor.defs#directConvoMember' } })
  }
  const v = {
    id: convo.id,
    rev: convo.rev,
    members,
    muted: !!convo.muted[viewer],
    status: convo.status[viewer] || 'accepted',
    unreadCount: unreadCount(convo, viewer),
    kind: { $type: `${P}defs#directConvo` },
  }
  const last = convo.messages[convo.messages.length - 1]
  if (last) v.lastMessage = messageView(convo, last)
  return v
}

function findConvo(convoId, viewer) {
  const c = convos.get(convoId)
  if (!c || !c.members.includes(viewer)) throw new XrpcError(400, 'InvalidConvo', 'Convo not found')
  return c
}

function convoFor(members) {
  const set = [...new Set(members)].sort()
  if (set.length !== 2) throw invalid(`the fake only has direct (2-member) convos, got ${set.length} member(s)`)
  for (const c of convos.values()) if (c.members.join() === set.join()) return c
  const c = { id: tid(), rev: tid(), members: set, messages: [], read: {}, status: {}, muted: {} }
  convos.set(c.id, c)
  logs.push({ rev: c.rev, convoId: c.id, type: 'logBeginConvo' })
  return c
}

function addMessage(convo, sender, input, sentAt) {
  const m = { id: tid(), text: input.text, sender, sentAt: sentAt || now() }
  m.rev = m.id
  if (input.facets) m.facets = input.facets
  if (input.replyTo) m.replyTo = input.replyTo.messageId
  convo.messages.push(m)
  convo.rev = m.rev
  convo.read[sender] = m.rev // one's own message is read
  logs.push({ rev: m.rev, convoId: convo.id, type: 'logCreateMessage', messageId: m.id })
  return m
}

// ---- the methods --------------------------------------------------------------------------------
const page = (items, limit, cursor, key = (x) => x.rev) => {
  const rest = cursor ? items.filter((x) => key(x) < cursor) : items
  const out = rest.slice(0, limit)
  return { out, cursor: rest.length > limit ? key(out[out.length - 1]) : undefined }
}

const handlers = {
  async listConvos(viewer, params) {
    let list = [...convos.values()].filter((c) => c.members.includes(viewer))
    if (params.status) list = list.filter((c) => (c.status[viewer] || 'accepted') === params.status)
    if (params.readState === 'unread') list = list.filter((c) => unreadCount(c, viewer) > 0)
    if (params.kind && params.kind !== 'direct') list = []
    list.sort((a, b) => (a.rev < b.rev ? 1 : -1))
    const { out, cursor } = page(list, params.limit ?? 50, params.cursor)
    const res = { convos: [] }
    for (const c of out) res.convos.push(await convoView(c, viewer))
    if (cursor) res.cursor = cursor
    return res
  },
  async getConvo(viewer, params) {
    return { convo: await convoView(findConvo(params.convoId, viewer), viewer) }
  },
  async getConvoForMembers(viewer, params) {
    for (const did of params.members) {
      const p = await profile(did)
      if (PDS_URL && p.handle === 'handle.invalid') throw new XrpcError(400, 'RecipientNotFound', 'recipient not found')
    }
    const c = convoFor([viewer, ...params.members])
    return { convo: await convoView(c, viewer) }
  },
  async getMessages(viewer, params) {
    const c = findConvo(params.convoId, viewer)
    const newestFirst = [...c.messages].reverse()
    const { out, cursor } = page(newestFirst, params.limit ?? 50, params.cursor)
    const res = { messages: out.map((m) => messageView(c, m)) }
    if (cursor) res.cursor = cursor
    const related = []
    for (const did of new Set(out.map((m) => m.sender))) related.push(await profile(did))
    res.relatedProfiles = related
    return res
  },
  async sendMessage(viewer, params, input) {
    const c = findConvo(input.convoId, viewer)
    if (input.message.replyTo && !c.messages.some((m) => m.id === input.message.replyTo.messageId)) {
      throw new XrpcError(400, 'ReplyTargetNotFound', 'Reply target not found')
    }
    if (input.message.embed) requests[requests.length - 1].note = 'embed dropped by the fake'
    const m = addMessage(c, viewer, input.message)
    c.status[viewer] = 'accepted'
    const v = messageView(c, m)
    delete v.$type
    return v
  },
  async updateRead(viewer, params, input) {
    const c = findConvo(input.convoId, viewer)
    let rev = c.rev
    if (input.messageId) {
      const m = c.messages.find((x) => x.id === input.messageId)
      if (!m) throw invalid('Message not found')
      rev = m.rev
    }
    if (!c.read[viewer] || rev > c.read[viewer]) c.read[viewer] = rev
    return { convo: await convoView(c, viewer) }
  },
  async getLog(viewer, params) {
    const mine = logs.filter((l) => convos.get(l.convoId)?.members.includes(viewer) && (!params.cursor || l.rev > params.cursor))
    const out = mine.slice(0, 100)
    const res = { logs: [] }
    for (const l of out) {
      const c = convos.get(l.convoId)
      if (l.type === 'logBeginConvo') {
        res.logs.push({ $type: `${P}defs#logBeginConvo`, rev: l.rev, convoId: l.convoId })
      } else {
        const m = c.messages.find((x) => x.id === l.messageId)
        res.logs.push({
          $type: `${P}defs#logCreateMessage`, rev: l.rev, convoId: l.convoId,
          message: messageView(c, m), relatedProfiles: [await profile(m.sender)],
        })
      }
    }
    if (out.length) res.cursor = out[out.length - 1].rev
    return res
  },
}

// ---- auth ---------------------------------------------------------------------------------------
const idResolver = PLC_URL ? new IdResolver({ plcUrl: PLC_URL, fetch: globalThis.fetch, timeout: 5000 }) : null
const sessionCache = new Map()
const b64json = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))

// Returns {viewer, mode} or throws an XrpcError (violation recorded where the client is at fault)
async function authenticate(req, nsid, rec) {
  const auth = req.headers.authorization || ''
  const m = /^Bearer\s+(\S+)$/i.exec(auth)
  if (!m) {
    violation('auth', { nsid, message: 'no "Authorization: Bearer" header' })
    throw new XrpcError(401, 'AuthMissing', 'Authentication Required')
  }
  const token = m[1]
  const parts = token.split('.')
  let header, payload
  try {
    if (parts.length !== 3) throw new Error('not a JWT')
    header = b64json(parts[0])
    payload = b64json(parts[1])
  } catch {
    violation('auth', { nsid, message: 'the bearer token is not a JWT' })
    throw new XrpcError(400, 'InvalidToken', 'Token could not be verified')
  }

  if (header.typ !== 'at+jwt' && payload.lxm !== undefined) {
    // proxied by the PDS: a service-auth JWT for this service and this method
    rec.mode = 'proxied'
    try {
      const p = await verifyJwt(token, CHAT_DID, nsid, async (iss, force) => {
        if (!idResolver) return null
        return idResolver.did.resolveAtprotoKey(iss.split('#')[0], force)
      }, idResolver ? undefined : async () => true)
      return { viewer: p.iss.split('#')[0], mode: rec.mode }
    } catch (err) {
      violation('auth', { nsid, message: `service-auth JWT refused: ${err.message}` })
      throw new XrpcError(err.statusCode || 401, err.error || 'AuthRequired', err.errorMessage || err.message)
    }
  }

  // direct: the client's PDS access token, and the headers it sends to its PDS
  rec.mode = 'direct'
  const proxy = req.headers['atproto-proxy']
  if (proxy !== undefined && proxy !== PROXY_HEADER) {
    violation('proxy-header', { nsid, message: `atproto-proxy is "${proxy}", expected "${PROXY_HEADER}"` })
    if (!proxy.includes('#') || proxy.endsWith('#')) throw invalid('no service id specified in proxy header')
    throw invalid('could not resolve proxy did service url')
  }
  if (PDS_URL) {
    let s = sessionCache.get(token)
    if (!s) {
      s = await pdsGet('com.atproto.server.getSession', {}, token)
      if (s.ok) sessionCache.set(token, s)
    }
    if (!s.ok) throw new XrpcError(s.status, s.body.error || 'InvalidToken', s.body.message || 'Token could not be verified')
  } else if (typeof payload.exp === 'number' && payload.exp < Date.now() / 1000) {
    throw new XrpcError(400, 'ExpiredToken', 'Token has expired')
  }
  if (typeof payload.sub !== 'string' || !payload.sub.startsWith('did:')) {
    throw new XrpcError(400, 'InvalidToken', 'Token could not be verified')
  }
  if (!['com.atproto.access', 'com.atproto.appPassPrivileged'].includes(payload.scope)) {
    throw new XrpcError(400, 'InvalidToken', 'Bad token method') // exactly what the PDS says
  }
  if (proxy === undefined) {
    violation('proxy-header', { nsid, message: `no atproto-proxy header (must be "${PROXY_HEADER}")` })
    throw new XrpcError(501, 'MethodNotImplemented', 'Method Not Implemented')
  }
  return { viewer: payload.sub, mode: rec.mode }
}

// ---- HTTP ---------------------------------------------------------------------------------------
function send(res, status, body) {
  const data = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data) })
  res.end(data)
}

async function readBody(req) {
  const chunks = []
  let size = 0
  for await (const c of req) {
    size += c.length
    if (size > 5 * 1024 * 1024) throw new XrpcError(413, 'PayloadTooLarge', 'request entity too large')
    chunks.push(c)
  }
  return Buffer.concat(chunks).toString('utf8')
}

// Query parameters are strings on the wire: decode them by the lexicon's types, as xrpc-server does
function decodeParams(nsid, def, url, rec) {
  const props = def.parameters?.properties || {}
  const params = {}
  const keys = new Set(url.searchParams.keys())
  for (const k of keys) {
    const all = url.searchParams.getAll(k)
    const p = props[k]
    if (!p) {
      violation('unknown-param', { nsid, message: `unknown query parameter "${k}" (ignored by the real service)`, params: Object.fromEntries(url.searchParams) })
      continue
    }
    const conv = (t, v) => t === 'integer' ? (/^-?\d+$/.test(v) ? Number(v) : v)
      : t === 'boolean' ? (v === 'true' ? true : v === 'false' ? false : v) : v
    if (p.type === 'array') params[k] = all.map((v) => conv(p.items?.type, v))
    else {
      if (all.length > 1) throw invalid(`${k} must not be repeated`)
      params[k] = conv(p.type, all[0])
    }
  }
  rec.params = params
  return lex.assertValidXrpcParams(nsid, params) ?? params
}

async function xrpc(req, res, nsid, url) {
  const rec = { time: now(), method: req.method, nsid, status: 0 }
  requests.push(rec)
  if (requests.length > 20000) requests.shift()
  const fail = (err) => {
    rec.status = err.status
    rec.error = err.error
    send(res, err.status, { error: err.error, message: err.message })
  }
  const def = lex.getDef(nsid)
  const name = nsid.startsWith(P) ? nsid.slice(P.length) : null
  if (!def || (def.type !== 'query' && def.type !== 'procedure') || !name || !handlers[name]) {
    await readBody(req).catch(() => '')
    violation('unknown-method', { nsid, message: def ? 'method not implemented by the fake' : 'no such method in the lexicons' })
    return fail(new XrpcError(501, 'MethodNotImplemented', 'Method Not Implemented'))
  }
  try {
    const want = def.type === 'query' ? 'GET' : 'POST'
    if (req.method !== want && !(want === 'GET' && req.method === 'HEAD')) {
      await readBody(req).catch(() => '')
      violation('method', { nsid, message: `Incorrect HTTP method (${req.method}) expected ${want}` })
      throw invalid(`Incorrect HTTP method (${req.method}) expected ${want}`)
    }
    const raw = def.type === 'procedure' ? await readBody(req) : ''
    const { viewer } = await authenticate(req, nsid, rec)
    rec.viewer = viewer
    if (config.noDmAccess) throw new XrpcError(400, 'InvalidToken', 'Bad token method')

    // request validation
    let params, input
    try {
      params = decodeParams(nsid, def, url, rec)
      if (def.type === 'procedure' && def.input) {
        const ct = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase()
        if (ct !== def.input.encoding) throw new Error(`Wrong request encoding (Content-Type): ${ct || 'none'}, expected ${def.input.encoding}`)
        try { input = JSON.parse(raw) } catch { throw new Error('Request body is not valid JSON') }
        rec.input = input
        lex.assertValidXrpcInput(nsid, input)
      } else if (raw) {
        throw new Error('A request body was provided when none was expected')
      }
    } catch (err) {
      violation('request', { nsid, message: err.message, params: rec.params, input: rec.input ?? (raw || undefined) })
      throw invalid(err.message)
    }

    const out = await handlers[name](viewer, params, input)
    // response validation
    try {
      lex.assertValidXrpcOutput(nsid, out)
    } catch (err) {
      violation('response', { nsid, message: `the fake's response breaks the lexicon: ${err.message}`, output: out })
      throw new XrpcError(500, 'InternalServerError', 'Internal Server Error')
    }
    rec.status = 200
    send(res, 200, out)
  } catch (err) {
    if (err instanceof XrpcError) return fail(err)
    console.error('fake-chat: internal error', err)
    violation('internal', { nsid, message: String(err?.stack || err) })
    fail(new XrpcError(500, 'InternalServerError', 'Internal Server Error'))
  }
}

async function admin(req, res, url) {
  const body = req.method === 'POST' ? await readBody(req) : ''
  const json = () => { try { return body ? JSON.parse(body) : {} } catch { throw invalid('body is not JSON') } }
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /_violations': return send(res, 200, { count: violations.length, violations })
    case 'DELETE /_violations': violations.length = 0; return send(res, 200, { count: 0 })
    case 'GET /_requests': return send(res, 200, { count: requests.length, requests })
    case 'GET /_config': return send(res, 200, config)
    case 'POST /_config': {
      const j = json()
      if ('noDmAccess' in j) config.noDmAccess = !!j.noDmAccess
      return send(res, 200, config)
    }
    case 'POST /_reset': reset(); return send(res, 200, {})
    case 'GET /_state': {
      const out = []
      for (const c of convos.values()) out.push({ ...c, members: await Promise.all(c.members.map(profile)) })
      return send(res, 200, { convos: out })
    }
    case 'GET /_info': return send(res, 200, {
      url: `http://127.0.0.1:${server.address().port}`, chatDid: CHAT_DID, proxyHeader: PROXY_HEADER,
      pds: PDS_URL || null, plc: PLC_URL || null, lexicons: LEX_DIR, config,
      lexiconSources: Object.fromEntries(Object.keys(handlers).map((h) => [P + h, lexSource[P + h]])
        .concat([[`${P}defs`, lexSource[`${P}defs`]], ['chat.bsky.actor.defs', lexSource['chat.bsky.actor.defs']]])),
    })
    case 'POST /_inject': {
      const j = json()
      const from = await resolveActor(j.from)
      const to = await resolveActor(j.to)
      const count = Number(j.count || 1)
      const input = { text: j.text }
      if (j.facets) input.facets = j.facets
      const r = lex.validate(`${P}defs#messageInput`, input)
      if (!r.success) throw invalid(`injected message: ${r.error.message}`)
      const c = convoFor([from, to])
      if (j.status) c.status[to] = j.status
      const injected = []
      for (let i = 1; i <= count; i++) {
        const m = addMessage(c, from, { ...input, text: String(input.text).replaceAll('{i}', String(i)) }, j.sentAt)
        injected.push(messageView(c, m))
      }
      return send(res, 200, { convoId: c.id, messages: injected, message: injected[injected.length - 1] })
    }
    default:
      return send(res, 404, { error: 'NotFound', message: `no admin endpoint ${req.method} ${url.pathname}` })
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1')
  try {
    if (url.pathname.startsWith('/xrpc/')) return await xrpc(req, res, url.pathname.slice(6), url)
    if (url.pathname === '/_health' || url.pathname === '/xrpc/_health') return send(res, 200, { version: 'frontdesk-fake-chat' })
    return await admin(req, res, url)
  } catch (err) {
    if (err instanceof XrpcError) return send(res, err.status, { error: err.error, message: err.message })
    console.error('fake-chat: internal error', err)
    send(res, 500, { error: 'InternalServerError', message: String(err?.message || err) })
  }
})
server.keepAliveTimeout = 5000
server.listen(PORT, '127.0.0.1', () => {
  const u = `http://127.0.0.1:${server.address().port}`
  try {
    if (process.env.FAKE_CHAT_PID_FILE) fs.writeFileSync(process.env.FAKE_CHAT_PID_FILE, `${process.pid}\n`)
    if (peerDir) fs.writeFileSync(path.join(peerDir, 'chat-url'), u + '\n')
  } catch (err) {
    console.error(`fake-chat: ${err.message}`)
  }
  console.log(u)
  console.error(`fake-chat: listening on ${u}; lexicons from ${LEX_DIR}; pds ${PDS_URL || '-'}; plc ${PLC_URL || '-'}`)
})
server.on('error', (err) => { console.error(`fake-chat: ${err.message}`); process.exit(1) })
const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 2000).unref()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
