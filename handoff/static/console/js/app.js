// Console entry point: login, shift, queue, chats, watch mode, supervisor views. No page reloads.
import { $, $all, clear } from "./dom.js";
import { t, lang, setLang, applyI18n, setTopicLabels, categoryLabel } from "./i18n.js";
import * as api from "./api.js";
import { announce, status, showCrisisBanner, removeCrisisBanner, noteUnread, updateTitle } from "./announce.js";
import { ChatPanel, conversationTitle } from "./chat.js";
import { renderQueue, renderOffer, renderLive } from "./queue.js";
import { openWrapup, openTransfer } from "./wrapup.js";
import { renderOverview } from "./supervisor.js";
import { renderContent } from "./content.js";

const LIVE_POLL_MS = 5000;

const state = {
  me: null,
  topics: [],
  canned: [],
  links: [],
  directory: [],
  queue: [],
  estimate: null,
  offer: null,
  live: [],
  overview: null,
  chats: new Map(), // conversation_id -> ChatPanel (own and watched)
  crisisQueued: new Set(), // crisis conversations seen in the queue (to drop their banner when taken)
  view: "work",
  socket: null,
  connectedOnce: false,
  livePoll: null,
  queueClock: null,
  aliasEdited: false,
};

const isSupervisor = () => state.me && state.me.role === "supervisor";
const onShift = () => Boolean(state.me && state.me.on_shift);

function errorText(err) {
  const key = `error.${err && err.code}`;
  const text = t(key);
  return text === key ? t("error.generic") : text;
}

// ---------------------------------------------------------------- login

async function showLogin() {
  stopApp();
  clear($("#crisis-banners"));
  updateTitle();
  state.offer = null;
  state.queue = [];
  $("#app-view").hidden = true;
  $("#session-bar").hidden = true;
  $("#login-view").hidden = false;
  try {
    await api.fetchCsrf();
  } catch {
    /* the submit handler retries */
  }
  $("#login-username").focus();
}

async function onLoginSubmit(event) {
  event.preventDefault();
  const username = $("#login-username").value.trim();
  const password = $("#login-password").value;
  const error = $("#login-error");
  error.textContent = "";
  if (!username || !password) {
    error.textContent = t("login.bad");
    return;
  }
  const button = $("#login-submit");
  button.disabled = true;
  try {
    let result;
    try {
      result = await api.login(username, password);
    } catch (err) {
      if (err.code !== "csrf") throw err;
      await api.fetchCsrf();
      result = await api.login(username, password);
    }
    $("#login-password").value = "";
    await startApp(result.user);
  } catch (err) {
    $("#login-password").value = "";
    if (err.code === "bad_credentials" || err.status === 401) error.textContent = t("login.bad");
    else if (err.code === "locked") {
      error.textContent = t("login.locked", { minutes: Math.max(1, Math.ceil((err.body.retry_after_seconds || 60) / 60)) });
    } else error.textContent = t("login.failed");
    $("#login-password").focus();
  } finally {
    button.disabled = false;
  }
}

async function onLogout() {
  try {
    await api.logout();
  } catch {
    /* the session is gone either way */
  }
  for (const panel of state.chats.values()) panel.destroy();
  state.chats.clear();
  state.me = null;
  await showLogin();
}

// ---------------------------------------------------------------- app start / stop

async function startApp(me) {
  state.me = me;
  state.aliasEdited = false;
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#session-bar").hidden = false;
  const editorOnly = me.role === "editor";
  $("#editor-note").hidden = !editorOnly;
  $("#view-tabs").hidden = editorOnly;
  if (editorOnly) {
    $("#work-view").hidden = true;
    $("#supervisor-view").hidden = true;
    $("#content-view").hidden = true;
    $("#shift-state").hidden = true;
    renderWho();
    $("#main").focus();
    return;
  }
  $("#shift-state").hidden = false;
  renderMe();
  showView("work");
  await Promise.all([loadTopics(), loadCanned(), loadLinks(), loadDirectory()]);
  await loadChats();
  await loadQueue();
  state.socket = new api.ConsoleSocket(onFrame, onSocketStatus);
  state.socket.start();
  state.queueClock = window.setInterval(drawQueue, 30000); // waiting times keep counting
  updateLivePolling();
  $("#main").focus();
}

function stopApp() {
  if (state.socket) state.socket.stop();
  state.socket = null;
  state.connectedOnce = false;
  window.clearInterval(state.livePoll);
  state.livePoll = null;
  window.clearInterval(state.queueClock);
  state.queueClock = null;
}

async function loadTopics() {
  try {
    state.topics = (await api.fetchWrapupTopics()).topics || [];
    setTopicLabels(state.topics);
  } catch {
    state.topics = [];
  }
}

async function loadCanned() {
  try {
    state.canned = (await api.fetchCanned()).replies || [];
  } catch {
    state.canned = [];
  }
}

async function loadLinks() {
  try {
    state.links = (await api.fetchLinks()).links || [];
  } catch {
    state.links = [];
  }
}

async function loadDirectory() {
  try {
    state.directory = (await api.fetchDirectory({ language: lang() })).services || [];
  } catch {
    state.directory = [];
  }
}

async function loadChats() {
  try {
    const { chats } = await api.fetchChats();
    const ids = new Set();
    for (const conversation of chats || []) {
      ids.add(conversation.conversation_id);
      addChat(conversation, "own", { focus: false, announceIt: false });
    }
    for (const [id, panel] of state.chats) if (panel.mode === "own" && !ids.has(id)) removeChat(id);
  } catch (err) {
    if (err.status === 401) await showLogin();
  }
}

async function loadQueue() {
  try {
    const data = await api.fetchQueue();
    setQueue(data.entries || [], data.estimated_wait_seconds ?? null);
  } catch {
    /* the WebSocket snapshot fills it */
  }
}

async function loadLive() {
  if (!onShift()) return;
  try {
    state.live = (await api.fetchLive()).conversations || [];
    drawLive();
  } catch {
    /* try again on the next tick */
  }
}

function updateLivePolling() {
  const want = onShift();
  $("#live-panel").hidden = !want;
  if (want && !state.livePoll) {
    loadLive();
    state.livePoll = window.setInterval(loadLive, LIVE_POLL_MS);
  } else if (!want && state.livePoll) {
    window.clearInterval(state.livePoll);
    state.livePoll = null;
  }
}

// ---------------------------------------------------------------- me / shift

function renderWho() {
  const me = state.me;
  if (me) $("#who").textContent = `${me.alias || me.username} · ${t(`role.${me.role}`)}`;
}

function renderMe() {
  const me = state.me;
  if (!me) return;
  renderWho();
  const shiftState = $("#shift-state");
  shiftState.textContent = me.on_shift ? t("shift.on") : t("shift.off");
  shiftState.classList.toggle("on", Boolean(me.on_shift));
  const alias = $("#alias-input");
  // Never overwrite what the volunteer is typing or has typed but not saved yet.
  if (document.activeElement !== alias && !state.aliasEdited) alias.value = me.alias || "";
  alias.readOnly = Boolean(me.on_shift);
  const button = $("#shift-button");
  button.textContent = me.on_shift ? t("shift.stop") : t("shift.start");
  button.classList.toggle("btn-primary", !me.on_shift);
  const ownChats = Array.from(state.chats.values()).filter((panel) => panel.mode === "own").length;
  $("#shift-chats").textContent = me.on_shift || ownChats
    ? t("shift.chats", { n: ownChats, capacity: me.capacity ?? "?" })
    : "";
  const supTab = $('[data-view="supervisor"]');
  supTab.hidden = !isSupervisor();
  updateLivePolling();
}

async function onShiftSubmit(event) {
  event.preventDefault();
  const error = $("#shift-error");
  error.textContent = "";
  try {
    if (onShift()) {
      state.me = await api.setShift(false);
      status(t("shift.stopped"));
    } else {
      const alias = $("#alias-input").value.trim();
      if (!alias) {
        error.textContent = t("shift.aliasRequired");
        $("#alias-input").focus();
        return;
      }
      if (alias !== state.me.alias) {
        try {
          state.me = await api.setAlias(alias);
          state.aliasEdited = false;
        } catch (err) {
          error.textContent = err.status === 400 ? t("shift.aliasBad") : errorText(err);
          $("#alias-input").focus();
          return;
        }
      }
      state.me = await api.setShift(true);
      state.aliasEdited = false;
      status(t("shift.started"));
    }
  } catch (err) {
    error.textContent = err.code === "alias_required" ? t("shift.aliasRequired") : errorText(err);
    if (err.status === 401) await showLogin();
    return;
  }
  renderMe();
  drawQueue();
}

// ---------------------------------------------------------------- queue, offers, live list

function setQueue(entries, estimate) {
  const before = state.queue.length;
  const now = Date.now();
  for (const entry of entries) entry.receivedAt = now;
  state.queue = entries;
  state.estimate = estimate;
  const ids = new Set(entries.map((e) => e.conversation_id));
  for (const id of state.crisisQueued) {
    if (!ids.has(id)) {
      state.crisisQueued.delete(id);
      removeCrisisBanner(id);
    }
  }
  for (const entry of entries) if (entry.priority === "crisis" || entry.crisis) state.crisisQueued.add(entry.conversation_id);
  drawQueue();
  drawLive();
  if (entries.length > before && onShift()) announce(t("queue.changed", { n: entries.length }));
}

function drawQueue() {
  renderQueue(state.queue, state.estimate, { onShift: onShift(), onTake: takeConversation });
  renderOffer(state.offer, { onAccept: takeConversation, onDecline: declineOffer });
}

function drawLive() {
  const watching = new Set();
  const mine = new Set();
  for (const [id, panel] of state.chats) (panel.mode === "watch" ? watching : mine).add(id);
  const queued = new Set(state.queue.map((entry) => entry.conversation_id));
  renderLive(state.live, { watching, mine, queued, onWatch: watchConversation, onStepIn: stepIn });
}

async function takeConversation(id) {
  try {
    const conversation = await api.accept(id);
    if (state.offer && state.offer.conversation.conversation_id === id) state.offer = null;
    addChat(conversation, "own", { focus: true, announceIt: true });
    drawQueue();
  } catch (err) {
    status(errorText(err));
    loadQueue();
  }
}

async function takeNext() {
  try {
    const conversation = await api.takeNext();
    addChat(conversation, "own", { focus: true, announceIt: true });
  } catch (err) {
    status(errorText(err));
    loadQueue();
  }
}

async function declineOffer(id) {
  state.offer = null;
  drawQueue();
  try {
    await api.decline(id);
  } catch {
    /* it expires anyway */
  }
}

async function watchConversation(id) {
  try {
    const conversation = await api.watch(id);
    addChat(conversation, "watch", { focus: true, announceIt: true });
  } catch (err) {
    status(errorText(err));
  }
}

async function stepIn(id) {
  try {
    const conversation = await api.stepIn(id);
    addChat(conversation, "own", { focus: true, announceIt: true });
    loadLive();
  } catch (err) {
    status(errorText(err));
  }
}

// ---------------------------------------------------------------- chat panels

const chatCtx = {
  me: () => state.me,
  canned: () => state.canned,
  links: () => state.links,
  directory: () => state.directory,
  sendTyping: (id, on) => {
    if (!(state.socket && state.socket.send({ type: "typing", conversation_id: id, on }))) {
      api.api.post(`/conversations/${encodeURIComponent(id)}/typing`, { on }).catch(() => {});
    }
  },
  newClientId: () => api.newClientId(),
  send: (panel, text, links, clientId) => api.sendMessage(panel.id, text, clientId, links),
  onEnd: (panel) =>
    openWrapup({
      summary: panel.summary,
      topics: state.topics,
      services: state.directory,
      onSubmit: async (wrapup) => {
        panel.ending = true;
        try {
          await api.endChat(panel.id, wrapup);
        } catch (err) {
          panel.ending = false;
          throw err;
        }
        removeChat(panel.id);
        status(t("chat.ended"));
        focusAfterRemoval();
      },
    }),
  onTransfer: async (panel) => {
    let volunteers = [];
    try {
      volunteers = ((await api.fetchVolunteers()).volunteers || []).filter(
        (v) => v.on_shift && v.id !== state.me.id && (v.capacity === undefined || (v.active_chats ?? 0) < v.capacity),
      );
    } catch {
      volunteers = [];
    }
    openTransfer({
      volunteers,
      onSubmit: async (to) => {
        await api.transfer(panel.id, to);
        removeChat(panel.id);
        status(to ? t("chat.transferred") : t("chat.returned"));
        focusAfterRemoval();
      },
    });
  },
  onStepIn: (panel) => stepIn(panel.id),
  onStopWatching: async (panel) => {
    try {
      await api.unwatch(panel.id);
    } catch {
      /* gone anyway */
    }
    removeChat(panel.id);
    drawLive();
    focusAfterRemoval();
  },
};

function addChat(conversation, mode, { focus, announceIt }) {
  const id = conversation.conversation_id;
  const existing = state.chats.get(id);
  if (existing && existing.mode === mode) {
    existing.updateSummary(conversation);
    for (const message of conversation.messages || []) existing.addMessage(message);
    if (focus) existing.focusComposer();
    return existing;
  }
  if (existing) removeChat(id);
  const panel = new ChatPanel(conversation, mode, chatCtx);
  state.chats.set(id, panel);
  const grid = $("#chat-grid");
  // My chats first, watched conversations after them; crisis chats at the front.
  if (mode === "own" && (conversation.crisis || conversation.priority === "crisis")) grid.prepend(panel.el);
  else if (mode === "own") {
    const firstWatch = grid.querySelector('.chat[data-mode="watch"]');
    if (firstWatch) grid.insertBefore(panel.el, firstWatch);
    else grid.append(panel.el);
  } else grid.append(panel.el);
  $("#chats-empty").hidden = state.chats.size > 0;
  if (mode === "own") removeCrisisBanner(id);
  renderMe();
  if (announceIt) announce(t("chat.assigned", { title: conversationTitle(id) }));
  if (focus) {
    showView("work");
    panel.el.scrollIntoView({ block: "nearest" });
    panel.focusComposer();
  }
  drawLive();
  return panel;
}

function removeChat(id) {
  const panel = state.chats.get(id);
  if (!panel) return;
  panel.destroy();
  state.chats.delete(id);
  $("#chats-empty").hidden = state.chats.size > 0;
  renderMe();
}

function focusAfterRemoval() {
  const next = $("#chat-grid .compose-text") || $("#take-next:not([hidden])") || $("#queue-title");
  if (next) next.focus();
}

// ---------------------------------------------------------------- WebSocket frames

function onSocketStatus(kind) {
  if (kind === "open") {
    if (state.connectedOnce) {
      status(t("conn.back"));
      loadChats();
      loadQueue();
    }
    state.connectedOnce = true;
  } else if (state.me) {
    status(t("conn.lost"));
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case "hello":
    case "me":
      if (frame.user) {
        state.me = { ...state.me, ...frame.user };
        renderMe();
        drawQueue();
      }
      break;
    case "queue":
      setQueue(frame.entries || [], frame.estimated_wait_seconds ?? null);
      break;
    case "offer":
      state.offer = frame;
      drawQueue();
      announce(t("offer.title"));
      break;
    case "offer_withdrawn":
      if (state.offer && state.offer.conversation.conversation_id === frame.conversation_id) {
        state.offer = null;
        drawQueue();
        status(t("offer.withdrawn"));
      }
      break;
    case "chat_assigned":
      if (frame.conversation) addChat(frame.conversation, "own", { focus: false, announceIt: !state.chats.has(frame.conversation.conversation_id) });
      break;
    case "chat_removed": {
      const panel = state.chats.get(frame.conversation_id);
      if (panel && panel.mode === "own" && frame.reason === "youth_ended" && !panel.ending) {
        // The wrap-up can still be written: keep the panel, close the composer.
        panel.markEnded(t("chat.youthEnded"));
        status(`${conversationTitle(frame.conversation_id)}: ${t("chat.youthEnded")}`);
      } else if (panel && panel.mode === "own") {
        const hadFocus = panel.el.contains(document.activeElement);
        removeChat(frame.conversation_id);
        const reasons = { ended: "chat.ended", youth_ended: "chat.youthEnded", transferred: "chat.transferred", returned_to_queue: "chat.returned" };
        status(`${conversationTitle(frame.conversation_id)}: ${t(reasons[frame.reason] || "chat.ended")}`);
        if (hadFocus) focusAfterRemoval();
      }
      break;
    }
    case "message": {
      const panel = state.chats.get(frame.conversation_id);
      if (panel && frame.message) {
        panel.addMessage(frame.message);
        if (panel.mode === "own" && frame.message.from === "youth") noteUnread();
      }
      break;
    }
    case "typing": {
      const panel = state.chats.get(frame.conversation_id);
      if (panel) panel.setTyping(frame.from, frame.on);
      break;
    }
    case "conversation": {
      const summary = frame.summary;
      const panel = summary && state.chats.get(summary.conversation_id);
      if (panel) {
        panel.updateSummary(summary);
        if (panel.mode === "own" && summary.state === "ended" && !panel.ending) panel.markEnded(t("chat.youthEnded"));
        if (panel.mode === "watch" && summary.state !== "bot" && summary.state !== "queued") {
          // Someone else took it, or it ended: reading stops.
          removeChat(summary.conversation_id);
          drawLive();
        }
      }
      break;
    }
    case "crisis_alert":
      onCrisisAlert(frame);
      break;
    case "overview":
      state.overview = frame;
      // Queue frames go to those on shift; a supervisor off shift keeps the queue fresh from here.
      if (!onShift() && Array.isArray(frame.queue)) setQueue(frame.queue, frame.counts ? frame.counts.estimated_wait_seconds ?? null : null);
      if (state.view === "supervisor") renderOverview(state.overview);
      break;
    default:
      break;
  }
}

function onCrisisAlert(frame) {
  const summary = frame.conversation || {};
  const id = summary.conversation_id;
  if (!id) return;
  const panel = state.chats.get(id);
  if (panel) panel.updateSummary({ ...summary, crisis: true });
  if (panel && panel.mode === "own") {
    announce(`${t("crisis.title")} ${conversationTitle(id)}`);
    return;
  }
  const where = t(`crisis.where.${summary.state === "bot" ? "bot" : summary.state === "volunteer" ? "volunteer" : "queued"}`);
  const text = t("crisis.summary", { title: conversationTitle(id), category: categoryLabel(frame.category || "nlu"), where });
  showCrisisBanner(id, text, (conversationId) => openCrisisConversation(conversationId, summary.state));
  if (summary.state === "queued") state.crisisQueued.add(id);
  loadLive();
}

async function openCrisisConversation(id, knownState) {
  const queued = state.queue.some((e) => e.conversation_id === id);
  if (queued || knownState === "queued") await takeConversation(id);
  else await watchConversation(id);
}

// ---------------------------------------------------------------- views

async function showView(view) {
  state.view = view;
  $("#work-view").hidden = view !== "work";
  $("#supervisor-view").hidden = view !== "supervisor";
  $("#content-view").hidden = view !== "content";
  for (const tab of $all("#view-tabs [data-view]")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (view === "supervisor" && isSupervisor()) {
    try {
      state.overview = await api.fetchOverview();
    } catch {
      /* keep the last one */
    }
    renderOverview(state.overview);
  }
  if (view === "content") drawContent();
}

function drawContent() {
  renderContent({
    isSupervisor: isSupervisor(),
    canned: () => state.canned,
    links: () => state.links,
    topics: () => state.topics,
    reload: async () => {
      await Promise.all([loadCanned(), loadLinks()]);
      drawContent();
      for (const panel of state.chats.values()) panel.fillOptions();
    },
  });
}

function relabelAll() {
  if (state.me && state.me.role === "editor") {
    renderWho();
    return;
  }
  renderMe();
  drawQueue();
  drawLive();
  for (const panel of state.chats.values()) panel.relabel();
  if (state.view === "supervisor") renderOverview(state.overview);
  if (state.view === "content") drawContent();
}

// ---------------------------------------------------------------- boot

async function sessionEnded() {
  if (!state.me) return;
  for (const panel of state.chats.values()) panel.destroy();
  state.chats.clear();
  state.me = null;
  await showLogin();
  $("#login-error").textContent = t("error.unauthenticated");
}

async function boot() {
  setLang(lang());
  api.setUnauthenticatedHandler(sessionEnded);
  const toggle = $("#lang-toggle");
  toggle.lang = lang() === "fi" ? "en" : "fi"; // the button names the other language in that language
  toggle.addEventListener("click", () => {
    setLang(lang() === "fi" ? "en" : "fi");
    toggle.lang = lang() === "fi" ? "en" : "fi";
    updateTitle();
    if (state.me) relabelAll();
  });
  $("#login-form").addEventListener("submit", onLoginSubmit);
  $("#logout-button").addEventListener("click", onLogout);
  $("#shift-form").addEventListener("submit", onShiftSubmit);
  $("#alias-input").addEventListener("input", () => {
    state.aliasEdited = true;
  });
  $("#take-next").addEventListener("click", takeNext);
  for (const tab of $all("#view-tabs [data-view]")) tab.addEventListener("click", () => showView(tab.dataset.view));
  applyI18n(document);
  try {
    const me = await api.fetchMe();
    await startApp(me);
  } catch {
    await showLogin();
  }
}

boot();
