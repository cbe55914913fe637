// The counselor web page: a thin client of /api/v1. Every piece of text from a scenario or a reply
// is put into the page with textContent, never as HTML, so nothing in them can run as script.
"use strict";

const app = document.getElementById("app");
const signOut = document.getElementById("sign-out");
const TOKEN_KEY = "rehearse-token";

// ---------- helpers ----------

/** Builds an element: el("p", {class: "x"}, "text", child, ...). Strings become text nodes. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value !== undefined && value !== null) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

function show(...nodes) {
  app.replaceChildren(...nodes);
  const heading = app.querySelector("h2");
  if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { signOutNow("Your token was not accepted. Please sign in again."); throw new Error("unauthorized"); }
  const text = await response.text();
  const data = text && (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : text;
  if (!response.ok) throw new Error(data && data.error ? data.error.message : `request failed (${response.status})`);
  return data;
}

// The principles as the server's rubric describes them, fetched once after signing in.
let principles = new Map();

function titleOf(tag) {
  return principles.has(tag) ? principles.get(tag).title : tag;
}

function breaks(tag) {
  return principles.has(tag) && principles.get(tag).breakdown;
}

/** The reply with the words that triggered each tag marked. Evidence offsets are UTF-8 bytes. */
function highlighted(text, tags) {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const spans = [];
  for (const hit of tags) for (const span of hit.evidence) spans.push({ start: span.start, end: span.end, tag: hit.tag });
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue; // overlapping evidence of another tag: keep the first mark
    if (span.start > at) parts.push(decoder.decode(bytes.slice(at, span.start)));
    parts.push(el("mark", { class: breaks(span.tag) ? "breaks" : "builds", title: titleOf(span.tag) }, decoder.decode(bytes.slice(span.start, span.end))));
    at = span.end;
  }
  if (at < bytes.length) parts.push(decoder.decode(bytes.slice(at)));
  return el("p", { class: "said" }, "\u201C", parts, "\u201D");
}

/** The partner's safety meter over the turns, as an SVG line chart (0-100). */
function meterChart(values) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 600, height = 150, pad = 24;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "meter");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Safety meter over the turns: ${values.join(", ")}`);
  const x = (i) => pad + (values.length < 2 ? 0 : (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v) => height - pad - (v * (height - 2 * pad)) / 100;
  for (const level of [0, 50, 100]) {
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 2); label.setAttribute("y", y(level) + 3);
    label.textContent = String(level);
    svg.append(label);
  }
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", values.map((v, i) => `${x(i)},${y(v)}`).join(" "));
  svg.append(line);
  values.forEach((v, i) => {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", x(i)); dot.setAttribute("cy", y(v)); dot.setAttribute("r", 3.5);
    const tip = document.createElementNS(ns, "title");
    tip.textContent = i === 0 ? `start: ${v}` : `after reply ${i}: ${v}`;
    dot.append(tip);
    svg.append(dot);
  });
  return svg;
}

// ---------- views ----------

function signOutNow(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  signOut.hidden = true;
  showSignIn(message);
}

function showSignIn(message) {
  const input = el("input", { id: "token", type: "password", autocomplete: "off", required: true });
  const form = el("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      try { await api("GET", "/scenarios"); signOut.hidden = false; showHome(); } catch (error) { /* api() shows the sign-in again */ }
    },
  }, el("label", { for: "token" }, "Counselor token"), input, el("p", {}, el("button", { class: "primary", type: "submit" }, "Sign in")));
  show(el("h2", {}, "Sign in"), message ? el("p", { class: "error", role: "alert" }, message) : null,
    el("p", { class: "meta" }, "Your token is kept for this browser tab only."), form);
  input.focus();
}

async function showHome(pages = 1) {
  if (principles.size === 0) principles = new Map((await api("GET", "/principles")).map((p) => [p.tag, p]));
  const [scenarios, sessions] = await Promise.all([api("GET", "/scenarios"), api("GET", `/sessions?limit=${20 * pages}`)]);
  const cards = scenarios.map((scenario) => {
    const label = el("input", { type: "text", id: `label-${scenario.id}`, maxlength: 200, placeholder: "optional, e.g. initials" });
    return el("li", { class: "card" },
      el("h3", {}, scenario.title),
      el("p", { class: "meta" }, `${scenario.difficulty} \u00B7 practises ${scenario.principles.map(titleOf).join(", ")}`),
      scenario.content_notes.length ? el("p", { class: "notes" }, `Content notes: ${scenario.content_notes.join(", ")}`) : null,
      el("p", {}, scenario.summary),
      el("div", { class: "row" },
        el("div", {}, el("label", { for: `label-${scenario.id}` }, "Label"), label),
        el("button", { class: "primary", type: "button", onclick: () => startSession(scenario.id, label.value.trim()) }, `Start \u201C${scenario.title}\u201D`)));
  });
  const past = sessions.sessions.map((session) => el("li", { class: "card row" },
    el("span", {}, `${session.scenario}${session.label ? ` \u2014 ${session.label}` : ""} \u00B7 ${new Date(session.created_at * 1000).toLocaleString()}`),
    el("button", { type: "button", onclick: () => openSession(session.id) }, "Open"),
    el("button", { type: "button", onclick: async () => {
      if (!confirm("Delete this session? This cannot be undone.")) return;
      await api("DELETE", `/sessions/${encodeURIComponent(session.id)}`);
      showHome();
    } }, "Delete")));
  show(el("h2", {}, "Scenarios"), el("ul", { class: "choices" }, cards),
    el("h2", {}, "Past sessions"), past.length ? el("ul", { class: "choices" }, past) : el("p", { class: "meta" }, "No sessions yet."),
    sessions.next_offset ? el("p", {}, el("button", { type: "button", onclick: () => showHome(pages + 1) }, "Show older sessions")) : null);
}

async function startSession(scenario, label) {
  const created = await api("POST", "/sessions", label ? { scenario, label } : { scenario });
  openSession(created.id);
}

async function openSession(id, showLast) {
  const session = await api("GET", `/sessions/${encodeURIComponent(id)}`);
  const last = session.transcript[session.transcript.length - 1];
  const meter = [session.transcript.length ? session.transcript[0].meter_before : session.meter,
    ...session.transcript.map((exchange) => exchange.meter_after)];
  const parts = [el("h2", {}, "Session"), el("p", { class: "meta" }, `${session.scenario}${session.label ? ` \u2014 ${session.label}` : ""}`)];
  // The reply as the server stored it, so the evidence offsets match the text exactly.
  if (showLast && last) parts.push(feedbackView(last));
  parts.push(el("h3", {}, "Safety meter"), meterChart(meter));
  if (session.next.turn) parts.push(turnView(id, session.next.turn));
  else parts.push(await reportView(id));
  if (last) parts.push(undoButton(id, session.transcript.length + 1));
  parts.push(el("p", { class: "no-print" }, el("button", { type: "button", onclick: () => showHome() }, "Back to the list")));
  show(...parts);
}

function undoButton(id, turn) {
  const button = el("button", { type: "button", class: "no-print", onclick: async () => {
    button.disabled = true;
    try { await api("POST", `/sessions/${encodeURIComponent(id)}/undo`, { turn }); await openSession(id); }
    catch (error) { button.disabled = false; app.prepend(el("p", { class: "error", role: "alert" }, error.message)); }
  } }, "Undo last reply");
  return el("p", {}, button);
}

function feedbackView({ reply, analysis, meter_delta }) {
  const delta = el("span", { class: meter_delta >= 0 ? "delta-up" : "delta-down" }, `${meter_delta >= 0 ? "+" : ""}${meter_delta}`);
  return el("section", { class: `feedback ${analysis.style}`, "aria-label": "How your reply landed" },
    el("h3", {}, "How it landed"), highlighted(reply, analysis.tags),
    el("ul", {}, analysis.feedback.map((line) => el("li", {}, line))),
    el("p", {}, "Meter ", delta));
}

function turnView(id, turn) {
  let sending = false;
  const send = async (body) => {
    if (sending) return; // one reply per turn, however often it is clicked
    sending = true;
    try {
      await api("POST", `/sessions/${encodeURIComponent(id)}/replies`, { turn: turn.number, ...body });
      await openSession(id, true);
    } catch (error) { sending = false; errorBox.textContent = error.message; }
  };
  const errorBox = el("p", { class: "error", role: "alert" });
  const text = el("textarea", { id: "own-reply", rows: 3, maxlength: 2000, required: true });
  return el("section", { "aria-label": `Turn ${turn.number}` },
    el("h3", {}, `Turn ${turn.number}`),
    el("p", { class: "partner" }, turn.partner_line),
    el("ol", { class: "choices" }, turn.choices.map((choice, index) =>
      el("li", {}, el("button", { type: "button", onclick: () => send({ choice: index + 1 }) }, `${index + 1}. ${choice}`)))),
    turn.typing_allowed ? el("form", { onsubmit: (event) => { event.preventDefault(); send({ text: text.value }); } },
      el("label", { for: "own-reply" }, "Or type your own reply"), text,
      el("p", {}, el("button", { class: "primary", type: "submit" }, "Send reply"))) : null,
    errorBox);
}

async function reportView(id) {
  const report = await api("GET", `/sessions/${encodeURIComponent(id)}/report`);
  const download = async () => {
    const markdown = await api("GET", `/sessions/${encodeURIComponent(id)}/report?format=markdown`);
    const link = el("a", { href: URL.createObjectURL(new Blob([markdown], { type: "text/markdown" })), download: `rehearse-${id}.md` });
    document.body.append(link); link.click(); link.remove();
  };
  return el("section", { class: "card report", "aria-label": "Report" },
    el("h3", {}, "Report"),
    el("p", { class: "ending" }, report.ending ? `${report.ending.title} (${report.ending.outcome})` : "Not finished"),
    report.ending ? el("p", {}, report.ending.summary) : null,
    report.tally.length ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Principle"), el("th", {}, "Kind"), el("th", {}, "Replies"))),
      el("tbody", {}, report.tally.map((row) => el("tr", {}, el("td", {}, titleOf(row.tag)),
        el("td", {}, breaks(row.tag) ? "breaks safety" : "builds safety"), el("td", {}, String(row.count)))))) : null,
    report.moments.length ? el("h4", {}, "Moments to revisit") : null,
    el("ul", {}, report.moments.map((moment) => el("li", {},
      el("p", {}, `Turn ${moment.turn}: you said \u201C${moment.reply}\u201D (${moment.broke.map(titleOf).join(", ")})`),
      el("p", { class: "meta" }, `${moment.better_from === "authored_choice" ? "A better reply" : "Try"}: ${moment.better}`)))),
    el("p", { class: "row no-print" },
      el("button", { type: "button", onclick: download }, "Download Markdown"),
      el("button", { type: "button", onclick: () => window.print() }, "Print")));
}

// ---------- start ----------

signOut.addEventListener("click", () => signOutNow());
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason && event.reason.message !== "unauthorized") {
    app.prepend(el("p", { class: "error", role: "alert" }, event.reason.message));
  }
});
if (sessionStorage.getItem(TOKEN_KEY)) { signOut.hidden = false; showHome(); } else { showSignIn(); }
