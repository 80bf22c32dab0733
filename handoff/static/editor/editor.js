// Kynnys content editor page: plain JS, no framework, no third-party requests.
const $ = (id) => document.getElementById(id);
const ROLES = ["editor", "supervisor"];
const LANGS = { fi: "suomi", sv: "ruotsi", en: "englanti" };
const CATEGORIES = {
  suicidal: "itsetuhoiset ajatukset", self_harm: "itsensä vahingoittaminen", overdose: "yliannostus",
  violence_now: "väkivalta nyt", sexual_violence: "seksuaalinen väkivalta", friend_in_danger: "kaveri vaarassa",
};
let csrf = "";
let lastParse = null;
let responses = [];
let services = [];

class ApiError extends Error {
  constructor(status, data) {
    super(data.message || `HTTP ${status}`);
    this.status = status; this.code = data.error; this.problems = data.problems || [];
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  const resp = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await resp.json(); } catch { data = {}; }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

function say(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function showProblems(problems) {
  const list = $("problems");
  list.replaceChildren();
  $("problems-panel").hidden = !problems.length;
  for (const p of problems) {
    const li = document.createElement("li");
    const where = document.createElement("code");
    where.textContent = `${p.file}:${p.line}`;
    li.append(where, ` ${p.message}`);
    if (p.hint) {
      const hint = document.createElement("div");
      hint.className = "hint";
      hint.textContent = `Näin korjaat: ${p.hint}`;
      li.append(hint);
    }
    list.append(li);
  }
}

function fail(err) {
  if (err instanceof ApiError && err.status === 401) { showLogin(); return; }
  say(err.message || String(err), true);
  showProblems(err.problems || []);
}

// --- session -----------------------------------------------------------------------------
function showLogin() {
  $("login-view").hidden = false;
  $("editor-view").hidden = true;
  $("session-bar").hidden = true;
  $("login-username").focus();
}

async function start() {
  try {
    const me = await api("GET", "/console/api/me");
    csrf = me.csrf_token;
    await enter(me);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin(); else fail(err);
  }
}

async function enter(me) {
  $("login-view").hidden = true;
  $("session-bar").hidden = false;
  $("who").textContent = `${me.username} (${me.role})`;
  if (!ROLES.includes(me.role)) {
    say("Sinun roolisi ei voi muokata sisältöä. Pyydä vastaavalta editor-rooli.", true);
    return;
  }
  $("editor-view").hidden = false;
  await Promise.all([loadIntents(), loadResponses(), loadServices(), loadDiff(), loadPublish()]);
  $("main").focus();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    csrf = (await api("GET", "/console/api/csrf")).csrf_token;
    const answer = await api("POST", "/console/api/login", {
      username: $("login-username").value, password: $("login-password").value,
    });
    csrf = answer.csrf_token;
    $("login-password").value = "";
    await enter(answer.user);
  } catch (err) {
    $("login-error").textContent = err.status === 423
      ? "Liian monta yritystä. Odota hetki." : "Väärä käyttäjätunnus tai salasana.";
  }
});

$("logout-button").addEventListener("click", async () => {
  try { await api("POST", "/console/api/logout", {}); } catch { /* already out */ }
  showLogin();
});

// --- try a sentence ----------------------------------------------------------------------
async function loadIntents() {
  const data = await api("GET", "/console/api/editor/intents");
  const select = $("example-intent");
  select.replaceChildren();
  for (const intent of data.intents) {
    const option = document.createElement("option");
    option.value = intent.name;
    const c = intent.counts;
    option.textContent = `${intent.name} (fi ${c.fi || 0}, sv ${c.sv || 0}, en ${c.en || 0})`;
    select.append(option);
  }
}

$("try-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("try-text").value.trim();
  if (!text) return;
  say("Kysytään botilta…");
  try {
    const r = await api("POST", "/console/api/editor/parse", { text });
    lastParse = r;
    $("try-intent").textContent = r.intent || "(ei tunnistettu)";
    $("try-confidence").textContent = `${Math.round(r.confidence * 100)} %`;
    $("try-entities").textContent = r.entities.length
      ? r.entities.map((e) => `${e.entity}: ${e.value}`).join(", ") : "ei mitään";
    const crisis = $("try-crisis");
    crisis.className = r.crisis_guard.fired ? "crisis-yes" : "";
    crisis.textContent = r.crisis_guard.fired
      ? `Hälyttää: ${CATEGORIES[r.crisis_guard.category] || r.crisis_guard.category} (sana: "${r.crisis_guard.term}")`
      : "Ei hälytä";
    const ranking = $("try-ranking");
    ranking.replaceChildren(...r.ranking.map((item) => {
      const li = document.createElement("li");
      li.textContent = `${item.name} ${Math.round(item.confidence * 100)} %`;
      return li;
    }));
    if (r.intent && [...$("example-intent").options].some((o) => o.value === r.intent)) {
      $("example-intent").value = r.intent;
    }
    const lang = r.entities.find((e) => e.entity === "language");
    if (lang && LANGS[lang.value]) $("example-language").value = lang.value;
    $("try-result").hidden = false;
    say(`Botti tulkitsee lauseen aiheeksi ${r.intent || "–"}.`);
  } catch (err) {
    fail(err);
  }
});

$("example-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("try-text").value.trim();
  const intent = $("example-intent").value;
  const entities = lastParse && lastParse.text === text
    ? lastParse.entities.filter((e) => e.entity === "municipality") : [];
  try {
    const r = await api("POST", "/console/api/editor/examples", {
      text, intent, language: $("example-language").value, entities,
    });
    showProblems([]);
    say(`Lisätty esimerkiksi aiheeseen ${intent} (${r.file}). Muutos odottaa julkaisua.`);
    await Promise.all([loadIntents(), loadDiff()]);
  } catch (err) {
    fail(err);
  }
});

// --- responses ---------------------------------------------------------------------------
async function loadResponses(keep) {
  responses = (await api("GET", "/console/api/editor/responses")).responses;
  const select = $("response-select");
  const current = keep || select.value;
  select.replaceChildren(...responses.map((r) => {
    const option = document.createElement("option");
    option.value = r.name; option.textContent = r.name;
    return option;
  }));
  if (current && responses.some((r) => r.name === current)) select.value = current;
  renderResponse();
}

function renderResponse() {
  const response = responses.find((r) => r.name === $("response-select").value);
  const box = $("response-fields");
  box.replaceChildren();
  if (!response) return;
  for (const [lang, name] of Object.entries(LANGS)) {
    const variations = response.variations.filter((v) => v.language === lang);
    const list = variations.length ? variations : [{ index: null, language: lang, text: "" }];
    list.forEach((variation, n) => {
      const wrap = document.createElement("div");
      wrap.className = "lang-block";
      const id = `resp-${lang}-${n}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = `${name}${list.length > 1 ? ` (vaihtoehto ${n + 1})` : ""}${variation.index === null ? " – puuttuu" : ""}`;
      const area = document.createElement("textarea");
      area.id = id; area.rows = 3; area.value = variation.text;
      area.dataset.lang = lang;
      area.dataset.index = variation.index === null ? "" : String(variation.index);
      area.dataset.original = variation.text;
      wrap.append(label, area);
      box.append(wrap);
    });
  }
}

$("response-select").addEventListener("change", renderResponse);

$("response-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("response-select").value;
  const changed = [...$("response-fields").querySelectorAll("textarea")]
    .filter((area) => area.value.trim() !== area.dataset.original.trim());
  if (!changed.length) { say("Ei muutoksia tallennettavaksi."); return; }
  try {
    for (const area of changed) {
      await api("PUT", `/console/api/editor/responses/${encodeURIComponent(name)}`, {
        language: area.dataset.lang, text: area.value,
        index: area.dataset.index === "" ? null : Number(area.dataset.index),
      });
    }
    showProblems([]);
    say(`Vastaus ${name} tallennettu luonnokseen.`);
    await Promise.all([loadResponses(name), loadDiff()]);
  } catch (err) {
    fail(err);
  }
});

// --- services ----------------------------------------------------------------------------
const NEW_SERVICE = "__new__";

async function loadServices(keep) {
  services = (await api("GET", "/console/api/editor/services")).services;
  const select = $("service-select");
  const current = keep || select.value;
  const options = services.map((s) => {
    const option = document.createElement("option");
    option.value = s.id; option.textContent = `${s.name.fi || s.id} (${s.id})`;
    return option;
  });
  const add = document.createElement("option");
  add.value = NEW_SERVICE; add.textContent = "+ Uusi palvelu";
  select.replaceChildren(...options, add);
  if (current && (current === NEW_SERVICE || services.some((s) => s.id === current))) select.value = current;
  renderService();
}

function serviceInputs() {
  return [...$("service-form").querySelectorAll("input, textarea")];
}

function renderService() {
  const id = $("service-select").value;
  const service = services.find((s) => s.id === id) || {
    id: "", name: {}, description: {}, topics: [], regions: ["national"], languages: ["fi"], always_open: false,
  };
  $("svc-id").value = service.id;
  $("svc-id").readOnly = id !== NEW_SERVICE;
  for (const input of serviceInputs()) {
    if (input.dataset.group) input.value = service[input.dataset.group][input.dataset.lang] || "";
    else if (input.dataset.field) input.value = service[input.dataset.field] || "";
    else if (input.dataset.list) input.value = (service[input.dataset.list] || []).join(", ");
  }
  $("svc-always_open").checked = Boolean(service.always_open);
}

$("service-select").addEventListener("change", renderService);

$("service-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = $("svc-id").value.trim();
  const fields = { name: {}, description: {}, always_open: $("svc-always_open").checked };
  for (const input of serviceInputs()) {
    if (input.dataset.group) fields[input.dataset.group][input.dataset.lang] = input.value;
    else if (input.dataset.field) fields[input.dataset.field] = input.value;
    else if (input.dataset.list) fields[input.dataset.list] = input.value.split(",").map((v) => v.trim()).filter(Boolean);
  }
  try {
    await api("PUT", `/console/api/editor/services/${encodeURIComponent(id)}`, { fields });
    showProblems([]);
    say(`Palvelu ${id} tallennettu luonnokseen.`);
    await Promise.all([loadServices(id), loadDiff()]);
  } catch (err) {
    fail(err);
  }
});

// --- pending changes ---------------------------------------------------------------------
async function loadDiff() {
  const data = await api("GET", "/console/api/editor/diff");
  const list = $("change-list");
  list.replaceChildren(...data.changes.map((c) => {
    const li = document.createElement("li");
    li.textContent = `${c.when.replace("T", " ").slice(0, 16)} ${c.who}: ${c.what}`;
    return li;
  }));
  const box = $("diffs");
  box.replaceChildren();
  if (!data.diffs.length) {
    const p = document.createElement("p");
    p.className = "hint"; p.textContent = "Ei odottavia muutoksia.";
    box.append(p);
  }
  for (const d of data.diffs) {
    const h = document.createElement("h3");
    h.textContent = d.file;
    const pre = document.createElement("pre");
    pre.className = "diff";
    pre.setAttribute("aria-label", `Muutokset tiedostossa ${d.file}`);
    for (const line of d.diff.split("\n")) {
      const span = document.createElement("span");
      if (line.startsWith("+") && !line.startsWith("+++")) span.className = "add";
      else if (line.startsWith("-") && !line.startsWith("---")) span.className = "del";
      span.textContent = line + "\n";
      pre.append(span);
    }
    box.append(h, pre);
  }
  $("publish-button").disabled = !data.diffs.length;
  $("discard-button").disabled = !data.diffs.length;
}

$("discard-button").addEventListener("click", async () => {
  if (!window.confirm("Hylätäänkö kaikki julkaisemattomat muutokset?")) return;
  try {
    await api("POST", "/console/api/editor/discard", {});
    say("Muutokset hylätty.");
    await Promise.all([loadIntents(), loadResponses(), loadServices(), loadDiff()]);
  } catch (err) {
    fail(err);
  }
});

// --- publish -----------------------------------------------------------------------------
const STATE_TEXT = { pending: "odottaa", running: "käynnissä", ok: "valmis", failed: "ei mennyt läpi", skipped: "ohitettu", cancelled: "keskeytetty" };

function renderPublish(status) {
  const steps = $("publish-steps");
  const result = $("publish-result");
  if (!status) { steps.replaceChildren(); result.textContent = ""; return; }
  steps.replaceChildren(...status.steps.map((step) => {
    const li = document.createElement("li");
    li.dataset.state = step.state;
    let text = `${step.label}: ${STATE_TEXT[step.state] || step.state}`;
    if (step.seconds !== undefined) text += ` (${step.seconds} s)`;
    if (step.detail && step.state !== "failed") text += ` – ${step.detail}`;
    li.textContent = text;
    return li;
  }));
  result.className = "";
  if (status.state === "done") {
    result.textContent = "Julkaistu! Uusi malli vastaa nyt nuorille.";
  } else if (status.state === "refused" || status.state === "failed") {
    result.className = "refused";
    result.textContent = `Julkaisua ei tehty: ${status.reason || ""}`;
    showProblems(status.problems || []);
  } else {
    result.textContent = "";
  }
}

async function loadPublish() {
  const data = await api("GET", "/console/api/editor/publish");
  renderPublish(data.publish);
  if (data.running) pollPublish(data.publish && data.publish.job);
}

async function pollPublish(job) {
  $("publish-button").disabled = true;
  for (;;) {
    const data = await api("GET", `/console/api/editor/publish${job ? `?job=${job}` : ""}`);
    renderPublish(data.publish);
    const state = data.publish && data.publish.state;
    if (!data.running && state !== "running" && state !== "ready") {
      say(state === "done" ? "Julkaisu valmis." : "Julkaisu ei mennyt läpi. Katso syy alta.", state !== "done");
      await Promise.all([loadDiff(), loadIntents(), loadResponses(), loadServices()]);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

$("publish-button").addEventListener("click", async () => {
  showProblems([]);
  try {
    const r = await api("POST", "/console/api/editor/publish", {});
    say("Julkaisu käynnissä. Voit seurata vaiheita alla.");
    renderPublish(r.publish);
    await pollPublish(r.job);
  } catch (err) {
    fail(err);
    $("publish-button").disabled = false;
  }
});

start();
