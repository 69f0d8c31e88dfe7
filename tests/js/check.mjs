// The JS kubo-rpc-client (package.json pins the version) against a running
// `fakeipfs daemon --kubo-version 0.30.0`, whose RPC URL is $FAKEIPFS_API_URL
// (e.g. http://127.0.0.1:5001). tests/test_js_client.py starts the daemon and runs this.
//
// Every expected CID is kubo's (tests/vectors/kubo-published.json: kubo's t0040 and
// test/cli/add_test.go, ipfshttpclient's test_dag.py), every error message kubo v0.30.0's
// (core/commands/cat.go iface.ErrIsDir, core/commands/pin/pin.go pinLsKeys).
// Each check runs in order; the last line printed is "N passed, N failed", and the exit
// status is 1 when any check failed.

import assert from 'node:assert/strict'
import { create } from 'kubo-rpc-client'

const HELLO = 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD' // "hello world", kubo's default add
const HELLO_RAW_V1 = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e' // cidVersion 1 (raw leaves)
const MARS = 'QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN' // "Hello Mars!\n"
const VENUS = 'QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4' // "Hello Venus!\n"
const PLANETS = 'QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY' // planets/{mars,venus}.txt
const DAG_LINKS = 'bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya' // dag put {"links":[]}
const KUBO_VERSION = '0.30.0'
const CHECK_TIMEOUT_MS = 8000

const url = process.env.FAKEIPFS_API_URL
if (url == null || url === '') {
  console.error('FAKEIPFS_API_URL is not set (the daemon RPC URL, e.g. http://127.0.0.1:5001)')
  process.exit(2)
}
const ipfs = create({ url })
const text = (s) => new TextEncoder().encode(s)

async function collect (iterable) {
  const out = []
  for await (const item of iterable) out.push(item)
  return out
}

async function catBytes (path, options) {
  const chunks = await collect(ipfs.cat(path, options))
  for (const chunk of chunks) assert.ok(chunk instanceof Uint8Array, 'cat yields Uint8Array chunks')
  return Buffer.concat(chunks)
}

const checks = []
const check = (name, fn) => checks.push({ name, fn })

check('version', async () => {
  const v = await ipfs.version()
  assert.equal(v.version, KUBO_VERSION)
  assert.equal(typeof v.commit, 'string')
  assert.equal(v.repo, '16') // repo/fsrepo/fsrepo.go RepoVersion at v0.30.0
})

check('id', async () => {
  const id = await ipfs.id()
  // the client itself parses ID with peerIdFromString; a bad ID would have thrown
  assert.equal(id.id.type, 'Ed25519')
  assert.ok(id.id.toString().startsWith('12D3KooW'), `peer id ${id.id}`)
  assert.ok(Array.isArray(id.protocols) || id.protocols == null)
  assert.equal(typeof id.agentVersion, 'string')
  assert.ok(id.agentVersion.startsWith(`kubo/${KUBO_VERSION}/`), id.agentVersion)
})

check('add bytes (default: CIDv0)', async () => {
  const added = await ipfs.add(text('hello world'))
  assert.equal(added.cid.toString(), HELLO)
  assert.equal(added.path, HELLO)
  assert.equal(added.size, 19)
})

check('add bytes with cidVersion 1', async () => {
  const added = await ipfs.add(text('hello world'), { cidVersion: 1 })
  assert.equal(added.cid.toString(), HELLO_RAW_V1)
  assert.equal(added.path, HELLO_RAW_V1)
  assert.equal(added.size, 11)
})

check('addAll a directory with paths', async () => {
  const added = await collect(ipfs.addAll([
    { path: 'planets/mars.txt', content: text('Hello Mars!\n') },
    { path: 'planets/venus.txt', content: text('Hello Venus!\n') }
  ]))
  const byPath = Object.fromEntries(added.map((a) => [a.path, a]))
  assert.deepEqual(added.map((a) => a.path), ['planets/mars.txt', 'planets/venus.txt', 'planets'])
  assert.equal(byPath['planets/mars.txt'].cid.toString(), MARS)
  assert.equal(byPath['planets/mars.txt'].size, 20)
  assert.equal(byPath['planets/venus.txt'].cid.toString(), VENUS)
  assert.equal(byPath['planets/venus.txt'].size, 21)
  assert.equal(byPath.planets.cid.toString(), PLANETS)
  assert.equal((await catBytes(`/ipfs/${PLANETS}/venus.txt`)).toString(), 'Hello Venus!\n')
})

check('cat is an async iterable of Uint8Array', async () => {
  assert.equal((await catBytes(HELLO)).toString(), 'hello world')
  assert.equal((await catBytes(`/ipfs/${HELLO_RAW_V1}`)).toString(), 'hello world')
  assert.equal((await catBytes(HELLO, { offset: 6, length: 3 })).toString(), 'wor')
})

check('cat of a directory is kubo\'s error', async () => {
  await assert.rejects(catBytes(PLANETS), (err) => {
    assert.equal(err.message, 'this dag node is a directory')
    return true
  })
})

check('dag put/get (dag-cbor)', async () => {
  const cid = await ipfs.dag.put({ links: [] })
  assert.equal(cid.toString(), DAG_LINKS)
  const got = await ipfs.dag.get(cid)
  assert.deepEqual(got.value, { links: [] })
  assert.equal(got.remainderPath, '')
})

check('pin add/ls/rm', async () => {
  const added = await ipfs.add(text('pin me'), { pin: false })
  const cid = added.cid
  const notPinned = await collect(ipfs.pin.ls({ type: 'recursive' }))
  assert.ok(!notPinned.some((p) => p.cid.equals(cid)), 'added with pin: false')
  assert.equal((await ipfs.pin.add(cid)).toString(), cid.toString())
  const listed = await collect(ipfs.pin.ls({ paths: [cid] }))
  assert.deepEqual(listed.map((p) => [p.type, p.cid.toString()]), [['recursive', cid.toString()]])
  const all = await collect(ipfs.pin.ls({ type: 'recursive' }))
  assert.ok(all.some((p) => p.cid.equals(cid)))
  assert.ok(all.every((p) => p.type === 'recursive'))
  assert.equal((await ipfs.pin.rm(cid)).toString(), cid.toString())
  await assert.rejects(collect(ipfs.pin.ls({ paths: [cid] })), (err) => {
    // kubo >= 0.24 names the path as cmdutils.PathOrCidPath made it: /ipfs/ + the bare CID
    assert.equal(err.message, `path '/ipfs/${cid}' is not pinned`)
    return true
  })
})

check('block put/get', async () => {
  const cid = await ipfs.block.put(text('hello world'))
  assert.equal(cid.toString(), HELLO_RAW_V1) // kubo >= 0.19: raw codec, CIDv1
  const bytes = await ipfs.block.get(cid)
  assert.ok(bytes instanceof Uint8Array)
  assert.equal(Buffer.from(bytes).toString(), 'hello world')
})

check('pubsub subscribe/publish/unsubscribe (multibase wire)', async () => {
  const topic = 'fakeipfs js client ✓'
  const self = (await ipfs.id()).id
  const payload = new Uint8Array([0, 1, 2, 250, 255, 10])
  let onMessage, onError
  const received = new Promise((resolve, reject) => { onMessage = resolve; onError = reject })
  // onError gets any message the client cannot parse, and the end of a broken stream
  await ipfs.pubsub.subscribe(topic, (msg) => onMessage(msg), { onError: (err) => onError(err) })
  assert.deepEqual(await ipfs.pubsub.ls(), [topic])
  await ipfs.pubsub.publish(topic, payload)
  const msg = await received
  assert.equal(msg.type, 'signed')
  assert.equal(msg.from.toString(), self.toString())
  assert.equal(typeof msg.sequenceNumber, 'bigint')
  assert.ok(msg.sequenceNumber > 0n)
  assert.ok(msg.data instanceof Uint8Array)
  assert.deepEqual(Buffer.from(msg.data), Buffer.from(payload))
  assert.equal(msg.topic, topic)
  await ipfs.pubsub.unsubscribe(topic)
  // the daemon drops the subscription when the client closes the stream
  const deadline = Date.now() + 3000
  let topics = await ipfs.pubsub.ls()
  while (topics.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    topics = await ipfs.pubsub.ls()
  }
  assert.deepEqual(topics, [])
})

let passed = 0
let failed = 0
for (const { name, fn } of checks) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([fn(), timeout])
    passed++
    console.log(`ok - ${name}`)
  } catch (err) {
    failed++
    console.log(`not ok - ${name}`)
    console.log(String(err?.stack ?? err).split('\n').map((line) => `    ${line}`).join('\n'))
  } finally {
    clearTimeout(timer)
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
