// fakeipfs dashboard: polls GET /fakeipfs/v0/state and renders it (fakeipfs/webui/__init__.py
// documents the JSON). Plain DOM, no build step; every value goes in as text, never as HTML.
"use strict";

const STATE_URL = "/fakeipfs/v0/state";
const POLL_MS = 1000;
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child === null || child === undefined ? "" : child);
  return node;
}

function bytes(n) {
  if (n === null || n === undefined) return "–";
  if (n < 1024) return n + " B";
  const units = ["KiB", "MiB", "GiB"];
  let value = n / 1024, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return value.toFixed(value < 10 ? 1 : 0) + " " + units[unit];
}

function fillTable(id, rows, columns, empty) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  if (!rows.length) {
    body.append(el("tr", {}, el("td", { class: "empty", colspan: columns }, empty)));
    return;
  }
  for (const cells of rows) body.append(el("tr", {}, ...cells));
}

function renderNode(state) {
  document.getElementById("node-id").textContent = state.node.id;
  document.getElementById("node-version").textContent = state.node.kuboVersion;
  document.getElementById("node-api").textContent = state.node.api || "–";
  document.getElementById("node-gateway").textContent = state.node.gateway || "none";
}

function renderPins(pins) {
  document.getElementById("pins-count").textContent = "(" + pins.length + ")";
  fillTable("pins", pins.map(p => [
    el("td", { class: "cid" }, p.cid),
    el("td", {}, el("span", { class: "type " + p.type }, p.type)),
    el("td", { class: "num" }, bytes(p.size)),
    el("td", { class: "num" }, p.dagSize === null ? "" : bytes(p.dagSize)),
  ]), 4, "no pins");
}

function renderBlocks(state) {
  const shown = state.blocks.length < state.repo.blocks ? ", first " + state.blocks.length + " shown" : "";
  document.getElementById("blocks-count").textContent =
    "(" + state.repo.blocks + ", " + bytes(state.repo.size) + shown + ")";
  fillTable("blocks", state.blocks.map(b => [
    el("td", { class: "cid" }, b.cid), el("td", { class: "num" }, bytes(b.size)),
  ]), 2, "no blocks");
}

function renderPubsub(ps) {
  fillTable("topics", ps.topics.map(t => [
    el("td", { class: "mono" }, t.topic), el("td", { class: "mono" }, t.peers.join(", ") || "none"),
  ]), 2, ps.enabled ? "no subscriptions" : "pubsub is disabled");
  fillTable("messages", ps.messages.map(m => [
    el("td", { class: "mono" }, Array.isArray(m.topic) ? m.topic.join(", ") : m.topic),
    el("td", { class: "mono" }, m.from),
    el("td", { class: "mono" }, m.seqno),
    el("td", { class: "mono" }, m.encoding === "text" ? m.data : "base64:" + m.data),
  ]), 4, "no messages yet");
}

function renderRequests(requests) {
  document.getElementById("requests-count").textContent = "(last " + requests.length + ")";
  fillTable("requests", requests.map(r => [
    el("td", { class: "mono" }, r.endpoint),
    el("td", { class: "mono" }, r.args.join(" ")),
    el("td", { class: "num" + (r.status >= 400 ? " status-bad" : "") }, String(r.status)),
    el("td", { class: "num" }, (r.duration * 1000).toFixed(1)),
  ]), 4, "no requests yet");
}

function renderNetwork(network) {
  const box = document.getElementById("network");
  box.replaceChildren();
  if (!network) {
    box.append(el("p", { class: "empty" }, "a lone node (not part of a fakeipfs.Network)"));
    return;
  }
  const size = 220, radius = 80, n = network.nodes.length;
  const at = i => [size / 2 + radius * Math.cos(2 * Math.PI * i / n - Math.PI / 2),
                   size / 2 + radius * Math.sin(2 * Math.PI * i / n - Math.PI / 2)];
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  for (const link of network.links) {
    const [x1, y1] = at(link.from), [x2, y2] = at(link.to);
    const line = document.createElementNS(SVG, "line");
    Object.entries({ x1, y1, x2, y2, class: "link" }).forEach(([k, v]) => line.setAttribute(k, v));
    svg.append(line);
  }
  for (const peer of network.nodes) {
    const [x, y] = at(peer.index);
    const dot = document.createElementNS(SVG, "circle");
    Object.entries({ cx: x, cy: y, r: 11, class: "peer" + (peer.self ? " self" : "") + (peer.crashed ? " crashed" : "") })
      .forEach(([k, v]) => dot.setAttribute(k, v));
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", x - 4);
    label.setAttribute("y", y + 4);
    if (peer.self) label.setAttribute("class", "on-self");
    label.textContent = String(peer.index);
    svg.append(dot, label);
  }
  const rows = network.nodes.map(p => el("tr", {},
    el("td", { class: "num" }, String(p.index) + (p.self ? " (this)" : "")),
    el("td", { class: "mono" }, p.id),
    el("td", { class: "num" + (p.crashed ? " status-bad" : "") }, p.crashed ? "crashed" : String(p.blocks)),
    el("td", { class: "num" }, p.crashed ? "" : String(p.pins))));
  const links = network.links.map(l => l.from + "→" + l.to).join("  ") || "none";
  box.append(el("div", { style: "display:flex;gap:1rem;align-items:flex-start" }, svg,
    el("div", {}, el("table", { id: "peers" },
      el("thead", {}, el("tr", {}, el("th", {}, "node"), el("th", {}, "peer"), el("th", {}, "blocks"),
                          el("th", {}, "pins"))),
      el("tbody", {}, ...rows)),
      el("p", { id: "links" }, "connections (dialler→dialled): " + links))));
}

function renderFaults(faults) {
  const box = document.getElementById("faults");
  box.replaceChildren();
  if (!faults.length) { box.append(el("p", { class: "empty" }, "none")); return; }
  box.append(el("ul", {}, ...faults.map(f => el("li", { class: "mono" }, f))));
}

let polls = 0;

async function poll() {
  const status = document.getElementById("status");
  try {
    const answer = await fetch(STATE_URL, { cache: "no-store" });
    if (!answer.ok) throw new Error(answer.status + " " + (await answer.text()).trim());
    const state = await answer.json();
    renderNode(state);
    renderPins(state.pins);
    renderBlocks(state);
    renderPubsub(state.pubsub);
    renderRequests(state.requests);
    renderNetwork(state.network);
    renderFaults(state.faults);
    polls++;
    document.body.dataset.polls = String(polls);
    status.textContent = "updated " + new Date().toLocaleTimeString();
    status.className = "muted";
  } catch (error) {
    status.textContent = "cannot reach the node: " + error.message;
    status.className = "status-bad";
  }
  setTimeout(poll, POLL_MS);
}

poll();
