#!/usr/bin/env node
// Seed a local Bluesky network (peer.sh) with a business account, three customers and the
// conversations a help desk must pick up; print a JSON description on stdout.
//
//   seed.mjs [seed] [--pds URL] [--out FILE]
//   seed.mjs add-mention  --seed FILE [--from alice] [--text T] [--count N] [--no-wait]
//   seed.mjs add-reply    --seed FILE --as business|alice|bahram|chen --parent AT-URI [--text T] [--no-wait]
//   seed.mjs add-quote    --seed FILE [--from alice] --subject AT-URI [--text T] [--no-wait]
//   seed.mjs wait-notifications --seed FILE --uri AT-URI[,AT-URI…] [--timeout S]
//
// --pds defaults to $FRONTDESK_PDS_URL, then the seed file's "pds", then http://127.0.0.1:2583.
// --seed defaults to $FRONTDESK_SEED_JSON. In texts, "@handle" of a known account becomes a
// mention facet and http(s) URLs become link facets (UTF-8 byte offsets); "{i}" is replaced by
// the item number (1..N) with --count. Subcommands print {"posts":[…],"expectedNotifications":[…]}.
// Progress goes to stderr. Exit 0 on success, 1 on failure.
import fs from 'node:fs'

const BUSINESS = { key: 'business', handle: 'shop-biz.test', password: 'biz-Passw0rd!' }
const CUSTOMERS = [
  { key: 'alice', handle: 'alice.test', password: 'alice-Passw0rd!', displayName: 'Alice Novak' },
  { key: 'bahram', handle: 'bahram.test', password: 'bahram-Passw0rd!', displayName: 'بهرام رضایی' },
  { key: 'chen', handle: 'chen.test', password: 'chen-Passw0rd!', displayName: 'Chen Wei' },
]
const WAIT_S = Number(process.env.FRONTDESK_SEED_TIMEOUT || 60)

// ---- small helpers ----------------------------------------------------------------------------
const log = (...a) => console.error('seed:', ...a)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
const graphemes = (s) => [...segmenter.segment(s)].length
const utf8len = (s) => Buffer.byteLength(s, 'utf8')

function parseArgs(argv) {
  const out = { _: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) { out._.push(a); continue }
    const eq = a.indexOf('=')
    if (eq > 0) { out[a.slice(2, eq)] = a.slice(eq + 1); continue }
    const k = a.slice(2)
    if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[k] = argv[++i]
    else out[k] = true
  }
  return out
}

class XrpcError extends Error {
  constructor(nsid, status, body) {
    super(`${nsid}: HTTP ${status} ${JSON.stringify(body)}`)
    this.status = status
    this.body = body
  }
}

let PDS = 'http://127.0.0.1:2583'
async function xrpc(nsid, { params, body, token, method } = {}) {
  const url = new URL(`/xrpc/${nsid}`, PDS)
  for (const [k, v] of Object.entries(params || {})) {
    for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined) url.searchParams.append(k, String(item))
  }
  const headers = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url, {
    method: method || (body !== undefined ? 'POST' : 'GET'),
    headers,
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  let json
  try { json = text ? JSON.parse(text) : {} } catch { json = { raw: text } }
  if (!res.ok) throw new XrpcError(nsid, res.status, json)
  return json
}

async function poll(what, fn, timeoutS = WAIT_S) {
  const end = Date.now() + timeoutS * 1000
  let delay = 50
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out after ${timeoutS}s waiting for ${what}`)
    await sleep(delay)
    delay = Math.min(delay * 2, 500)
  }
}

// ---- rich text ----------------------------------------------------------------------------------
// Facets for "@handle" of known accounts and for URLs. Offsets are UTF-8 byte offsets.
function facetsFor(text, didByHandle) {
  const facets = []
  const re = /(^|[\s(])(@([a-zA-Z0-9.-]+\.[a-zA-Z]+))|(https?:\/\/[^\s)]+[^\s).,!?;:])/gu
  for (const m of text.matchAll(re)) {
    if (m[2]) {
      const did = didByHandle[m[3].toLowerCase()]
      if (!did) continue
      const start = utf8len(text.slice(0, m.index + m[1].length))
      facets.push({
        index: { byteStart: start, byteEnd: start + utf8len(m[2]) },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did }],
      })
    } else {
      const start = utf8len(text.slice(0, m.index))
      facets.push({
        index: { byteStart: start, byteEnd: start + utf8len(m[4]) },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: m[4] }],
      })
    }
  }
  return facets
}

// Exactly 300 grapheme clusters (the app.bsky.feed.post maximum), with multi-codepoint ones:
// skin-tone modifier, ZWJ family, flag, keycap, e + combining acute, Persian with ZWNJ.
function text300(mention) {
  let t = `${mention} long feedback 👍🏽👨‍👩‍👧🇸🇮1️⃣ café (e\u0301) — سلام، می‌خواهم سفارشم را عوض کنم. `
  const cycle = ['a', 'b', 'c', ' ', '🚚', ' ']
  for (let i = 0; graphemes(t) < 299; i++) t += cycle[i % cycle.length]
  t += '!'
  if (graphemes(t) !== 300) throw new Error(`text300 has ${graphemes(t)} graphemes`)
  return t
}

// ---- accounts and records ---------------------------------------------------------------------
async function createAccount(acct) {
  const r = await xrpc('com.atproto.server.createAccount', {
    body: { handle: acct.handle, email: `${acct.handle.split('.')[0]}@example.com`, password: acct.password },
  })
  acct.did = r.did
  acct.accessJwt = r.accessJwt
  if (acct.displayName) {
    await xrpc('com.atproto.repo.createRecord', {
      token: acct.accessJwt,
      body: {
        repo: acct.did, collection: 'app.bsky.actor.profile', rkey: 'self',
        record: { $type: 'app.bsky.actor.profile', displayName: acct.displayName },
      },
    })
  }
  log(`account ${acct.handle} ${acct.did}`)
  return acct
}

async function login(acct) {
  if (!acct.accessJwt) {
    const r = await xrpc('com.atproto.server.createSession', {
      body: { identifier: acct.handle, password: acct.password },
    })
    acct.accessJwt = r.accessJwt
    acct.did = r.did
  }
  return acct.accessJwt
}

// The AppView pages notifications with a cursor that is only a timestamp (sortAt, i.e. the
// record's createdAt): items sharing a millisecond across a page boundary are skipped. Give every
// record of this process its own millisecond so that the seeded data pages cleanly.
let lastCreatedAt = 0
function createdAt(batch = 1) {
  const t = Math.max(Date.now() - batch, lastCreatedAt + 1)
  lastCreatedAt = t + batch - 1
  return t
}

function postRecord(ctx, text, extra = {}, at = createdAt()) {
  const record = { $type: 'app.bsky.feed.post', text, createdAt: new Date(at).toISOString() }
  const facets = facetsFor(text, ctx.didByHandle)
  if (facets.length) record.facets = facets
  if (graphemes(text) > 300 || utf8len(text) > 3000) throw new Error(`post too long: ${text}`)
  return { ...record, langs: /[\u0600-\u06FF]/.test(text) ? ['fa'] : ['en'], ...extra }
}

function describe(author, res, record, extra = {}) {
  return {
    uri: res.uri,
    cid: res.cid,
    authorDid: author.did,
    authorHandle: author.handle,
    text: record.text,
    graphemes: graphemes(record.text),
    bytes: utf8len(record.text),
    facets: record.facets || [],
    ...(record.reply ? { reply: record.reply } : {}),
    ...(record.embed ? { embed: record.embed } : {}),
    ...extra,
  }
}

async function createPost(ctx, author, text, extra) {
  const record = postRecord(ctx, text, extra)
  const res = await xrpc('com.atproto.repo.createRecord', {
    token: await login(author),
    body: { repo: author.did, collection: 'app.bsky.feed.post', record },
  })
  return describe(author, res, record)
}

// Many posts in few commits (applyWrites takes up to 200 writes).
async function createPosts(ctx, author, texts) {
  const out = []
  for (let i = 0; i < texts.length; i += 100) {
    const chunk = texts.slice(i, i + 100)
    const t0 = createdAt(chunk.length)
    const records = chunk.map((t, j) => postRecord(ctx, t, {}, t0 + j))
    const r = await xrpc('com.atproto.repo.applyWrites', {
      token: await login(author),
      body: {
        repo: author.did,
        writes: records.map((value) => ({
          $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.post', value,
        })),
      },
    })
    if (!r.results || r.results.length !== records.length) throw new Error('applyWrites: no results')
    r.results.forEach((res, j) => out.push(describe(author, res, records[j])))
  }
  return out
}

// The AppView indexes the PDS firehose asynchronously. A reply indexed before its parent never
// yields a notification: wait until the parent is visible before replying to it.
async function waitIndexed(ctx, uris) {
  const token = await login(ctx.business)
  for (let i = 0; i < uris.length; i += 25) {
    const chunk = uris.slice(i, i + 25)
    await poll(`AppView to index ${chunk.length} post(s)`, async () => {
      const r = await xrpc('app.bsky.feed.getPosts', { token, params: { uris: chunk } })
      return r.posts.length === chunk.length ? r.posts : null
    })
  }
}

async function getPost(ctx, uri) {
  const token = await login(ctx.business)
  return poll(`AppView to index ${uri}`, async () => {
    const r = await xrpc('app.bsky.feed.getPosts', { token, params: { uris: [uri] } })
    return r.posts[0]
  })
}

async function listAllNotifications(ctx) {
  const token = await login(ctx.business)
  const all = []
  let cursor
  do {
    const r = await xrpc('app.bsky.notification.listNotifications', { token, params: { limit: 100, cursor } })
    all.push(...r.notifications)
    cursor = r.notifications.length ? r.cursor : undefined
  } while (cursor)
  return all
}

// Poll the business account's notifications until every expected (uri, reason) is there.
async function waitNotifications(ctx, expected, timeoutS = WAIT_S) {
  if (!expected.length) return []
  const t0 = Date.now()
  const found = await poll(`${expected.length} notification(s)`, async () => {
    const all = await listAllNotifications(ctx)
    const have = new Set(all.map((n) => `${n.reason} ${n.uri}`))
    const missing = expected.filter((e) => !have.has(`${e.reason} ${e.uri}`))
    return missing.length ? null : all
  }, timeoutS)
  log(`${expected.length} expected notification(s) present after ${Date.now() - t0} ms`)
  return found
}

function expectation(reason, post, reasonSubject) {
  return {
    reason,
    uri: post.uri,
    cid: post.cid,
    authorDid: post.authorDid,
    authorHandle: post.authorHandle,
    text: post.text ?? null,
    ...(reasonSubject ? { reasonSubject } : {}),
  }
}

// ---- the seed -----------------------------------------------------------------------------------
async function seed(args) {
  const t0 = Date.now()
  const business = await createAccount({ ...BUSINESS })
  const customers = {}
  for (const c of CUSTOMERS) customers[c.key] = await createAccount({ ...c })
  const ctx = makeCtx(business, customers)
  const { alice, bahram, chen } = customers
  const bh = `@${business.handle}`

  // app passwords: privileged (DMs allowed) for Frontdesk, and a plain one (chat refused)
  const btoken = await login(business)
  const appPassword = (await xrpc('com.atproto.server.createAppPassword', {
    token: btoken, body: { name: 'frontdesk', privileged: true },
  })).password
  const appPasswordNoDm = (await xrpc('com.atproto.server.createAppPassword', {
    token: btoken, body: { name: 'frontdesk-no-dm', privileged: false },
  })).password

  const posts = {}
  const expected = []
  // 1. a mention with a link (both facets), emoji
  posts.mention_link = await createPost(ctx, alice,
    `Hi ${bh} 🚚 where is my order #1042? Tracking says https://example.com/t/1042 ✨`)
  expected.push(expectation('mention', posts.mention_link))
  // 2. Persian (RTL) mention
  posts.mention_fa = await createPost(ctx, bahram, `سلام ${bh} سفارش من کی می‌رسد؟ 📦`)
  expected.push(expectation('mention', posts.mention_fa))
  // 3. a thread: customer post -> business reply -> customer follow-up
  posts.thread_root = await createPost(ctx, chen, `${bh} do you ship to Ljubljana? 🇸🇮`)
  expected.push(expectation('mention', posts.thread_root))
  await waitIndexed(ctx, [posts.thread_root.uri])
  const rootRef = { uri: posts.thread_root.uri, cid: posts.thread_root.cid }
  posts.thread_business_reply = await createPost(ctx, business, 'Yes! 3–5 days to Slovenia 🚀', {
    reply: { root: rootRef, parent: rootRef },
  })
  await waitIndexed(ctx, [posts.thread_business_reply.uri])
  posts.thread_followup = await createPost(ctx, chen, 'Great, ordering now 👍🏽', {
    reply: { root: rootRef, parent: { uri: posts.thread_business_reply.uri, cid: posts.thread_business_reply.cid } },
  })
  expected.push(expectation('reply', posts.thread_followup, posts.thread_business_reply.uri))
  // 4. a quote of a business post (no mention: a quote that also mentions yields one
  //    notification with reason "mention"), and a like of that post
  posts.business_announcement = await createPost(ctx, business, 'Spring collection is out 🌸')
  await waitIndexed(ctx, [posts.business_announcement.uri])
  posts.quote = await createPost(ctx, alice, 'Love this! 😍 Is the green one back?', {
    embed: {
      $type: 'app.bsky.embed.record',
      record: { uri: posts.business_announcement.uri, cid: posts.business_announcement.cid },
    },
  })
  expected.push(expectation('quote', posts.quote, posts.business_announcement.uri))
  const like = await xrpc('com.atproto.repo.createRecord', {
    token: await login(alice),
    body: {
      repo: alice.did, collection: 'app.bsky.feed.like',
      record: {
        $type: 'app.bsky.feed.like', createdAt: new Date(createdAt()).toISOString(),
        subject: { uri: posts.business_announcement.uri, cid: posts.business_announcement.cid },
      },
    },
  })
  const likes = { announcement_like: { uri: like.uri, cid: like.cid, authorDid: alice.did, authorHandle: alice.handle } }
  expected.push(expectation('like', likes.announcement_like, posts.business_announcement.uri))
  // 5. exactly 300 graphemes
  posts.mention_300_graphemes = await createPost(ctx, bahram, text300(bh))
  expected.push(expectation('mention', posts.mention_300_graphemes))
  // 6. noise: a customer post that does not concern the business
  posts.unrelated = await createPost(ctx, chen, 'Nice weather in Ljubljana today ☀️')

  const notifications = await waitNotifications(ctx, expected)
  const doc = {
    pds: PDS,
    createdMs: Date.now() - t0,
    business: {
      handle: business.handle, did: business.did, password: business.password,
      email: `${business.handle.split('.')[0]}@example.com`,
      appPassword, appPasswordPrivileged: true, appPasswordNoDm,
    },
    customers: Object.fromEntries(Object.entries(customers).map(([k, c]) => [k, {
      handle: c.handle, did: c.did, password: c.password, displayName: c.displayName,
    }])),
    posts,
    likes,
    expectedNotifications: expected,
    expectedReasons: [...new Set(expected.map((e) => e.reason))].sort(),
    notificationCount: notifications.length,
    // texts a test may post itself: the 301-grapheme one must be refused by the PDS
    texts: {
      graphemes300: posts.mention_300_graphemes.text,
      graphemes301: posts.mention_300_graphemes.text + 'x',
    },
  }
  const json = JSON.stringify(doc, null, 2) + '\n'
  if (args.out) fs.writeFileSync(args.out, json)
  process.stdout.write(json)
  log(`done in ${doc.createdMs} ms`)
}

// ---- subcommands on an existing seed ------------------------------------------------------------
function makeCtx(business, customers) {
  const didByHandle = { [business.handle]: business.did }
  for (const c of Object.values(customers)) didByHandle[c.handle] = c.did
  return { business, customers, didByHandle }
}

function loadSeed(args) {
  const file = args.seed || process.env.FRONTDESK_SEED_JSON
  if (!file) throw new Error('--seed FILE (or FRONTDESK_SEED_JSON) is required')
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'))
  if (!args.pds && !process.env.FRONTDESK_PDS_URL && doc.pds) PDS = doc.pds
  const business = { key: 'business', handle: doc.business.handle, did: doc.business.did, password: doc.business.password }
  const customers = {}
  for (const [k, c] of Object.entries(doc.customers)) customers[k] = { key: k, ...c }
  return makeCtx(business, customers)
}

function account(ctx, who) {
  if (who === 'business' || who === ctx.business.handle) return ctx.business
  const c = ctx.customers[who] || Object.values(ctx.customers).find((x) => x.handle === who)
  if (!c) throw new Error(`unknown account ${who}`)
  return c
}

async function addMention(args) {
  const ctx = loadSeed(args)
  const from = account(ctx, args.from || 'alice')
  const count = Number(args.count || 1)
  const bh = `@${ctx.business.handle}`
  let template = typeof args.text === 'string' ? args.text : `${bh} question {i} from ${from.handle} 💬`
  if (!template.includes(bh)) template = `${bh} ${template}`
  const texts = Array.from({ length: count }, (_, i) => template.replaceAll('{i}', String(i + 1)))
  const posts = count === 1 ? [await createPost(ctx, from, texts[0])] : await createPosts(ctx, from, texts)
  const expected = posts.map((p) => expectation('mention', p))
  if (!args['no-wait']) await waitNotifications(ctx, expected, Math.max(WAIT_S, count / 5))
  print({ posts, expectedNotifications: expected })
}

async function addReply(args) {
  const ctx = loadSeed(args)
  const as = account(ctx, args.as || 'business')
  if (typeof args.parent !== 'string') throw new Error('--parent AT-URI is required')
  const parent = await getPost(ctx, args.parent) // also: the parent is indexed
  const parentRef = { uri: parent.uri, cid: parent.cid }
  const root = parent.record.reply ? parent.record.reply.root : parentRef
  const text = typeof args.text === 'string' ? args.text
    : as === ctx.business ? 'Thanks for your patience, it ships today 📦' : 'Any news? 🙏'
  const post = await createPost(ctx, as, text, { reply: { root, parent: parentRef } })
  const expected = []
  // a reply to a business post notifies the business (unless the business wrote it)
  if (as !== ctx.business && parent.author.did === ctx.business.did) {
    expected.push(expectation('reply', post, parent.uri))
  }
  if (!args['no-wait']) {
    await waitIndexed(ctx, [post.uri])
    await waitNotifications(ctx, expected)
  }
  print({ posts: [post], expectedNotifications: expected })
}

async function addQuote(args) {
  const ctx = loadSeed(args)
  const from = account(ctx, args.from || 'alice')
  if (typeof args.subject !== 'string') throw new Error('--subject AT-URI is required')
  const subject = await getPost(ctx, args.subject)
  const text = typeof args.text === 'string' ? args.text : 'Look at this 👀'
  const post = await createPost(ctx, from, text, {
    embed: { $type: 'app.bsky.embed.record', record: { uri: subject.uri, cid: subject.cid } },
  })
  const mentions = post.facets.some((f) => f.features.some((x) => x.did === ctx.business.did))
  const expected = []
  if (mentions) expected.push(expectation('mention', post))
  else if (subject.author.did === ctx.business.did) expected.push(expectation('quote', post, subject.uri))
  if (!args['no-wait']) await waitNotifications(ctx, expected)
  print({ posts: [post], expectedNotifications: expected })
}

async function waitFor(args) {
  const ctx = loadSeed(args)
  const uris = String(args.uri || '').split(',').filter(Boolean)
  const all = await poll('notifications', async () => {
    const have = new Set((await listAllNotifications(ctx)).map((n) => n.uri))
    return uris.every((u) => have.has(u)) ? true : null
  }, Number(args.timeout || WAIT_S))
  print({ ok: all })
}

function print(doc) {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n')
}

// ---- main ---------------------------------------------------------------------------------------
const args = parseArgs(process.argv.slice(2))
PDS = args.pds || process.env.FRONTDESK_PDS_URL || PDS
const cmd = args._[0] || 'seed'
const cmds = { seed, 'add-mention': addMention, 'add-reply': addReply, 'add-quote': addQuote, 'wait-notifications': waitFor }
if (!cmds[cmd]) {
  console.error(`unknown command ${cmd}; one of: ${Object.keys(cmds).join(', ')}`)
  process.exit(2)
}
try {
  await cmds[cmd](args)
} catch (err) {
  console.error('seed: FAILED:', err.message)
  process.exit(1)
}
