// The JS reference importer (ipfs-unixfs-importer, version pinned in package.json) configured as
// kubo's `ipfs add` (boxo importer settings: 174 links per node, dag-pb leaves of UnixFS type
// File for the balanced layout, type Raw and no single-leaf reduction for trickle with 4 layer
// repeats, raw leaves always CIDv1), run by tests/conformance/test_differential_fuzz.py.
//
// stdin: a JSON array of jobs {data_b64, chunk_size, trickle, raw_leaves, cid_version}, the
// effective kubo settings (the caller resolves kubo's defaults). stdout: a JSON array with the
// root CID of each job, in order. Many jobs per process: node starts once.

import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced, trickle } from 'ipfs-unixfs-importer/layout'

const blockstore = { put: async (cid) => cid } // only the CIDs matter

async function readStdin () {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

async function rootCid (job) {
  const options = {
    cidVersion: job.cid_version,
    rawLeaves: job.raw_leaves,
    chunker: fixedSize({ chunkSize: job.chunk_size }),
    layout: job.trickle
      ? trickle({ maxChildrenPerNode: 174, layerRepeat: 4 })
      : balanced({ maxChildrenPerNode: 174 }),
    leafType: job.trickle ? 'raw' : 'file',
    reduceSingleLeafToSelf: !job.trickle
  }
  let last
  for await (const entry of importer([{ content: Buffer.from(job.data_b64, 'base64') }], blockstore, options)) {
    last = entry
  }
  return last.cid.toString()
}

const jobs = JSON.parse(await readStdin())
const out = []
for (const job of jobs) out.push(await rootCid(job))
process.stdout.write(JSON.stringify(out) + '\n')
