// HTTP + WebSocket client for the console API (docs/protocol-console.md).

const BASE = "/console/api";
let csrfToken = null;

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || "internal";
    this.body = body || {};
  }
}

let onUnauthenticated = null;

/** Called when a request answers 401 unauthenticated (the session expired or was ended). */
export function setUnauthenticatedHandler(handler) {
  onUnauthenticated = handler;
}

export function setCsrfToken(token) {
  if (token) csrfToken = token;
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (method !== "GET" && method !== "HEAD") {
    if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (err) {
    throw new ApiError(0, "network", String(err));
  }
  let data = {};
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = {};
    }
  }
  if (!response.ok) {
    if (response.status === 401 && data.error === "unauthenticated" && onUnauthenticated && path !== "/me") {
      onUnauthenticated();
    }
    throw new ApiError(response.status, data.error, data.message, data);
  }
  if (data && typeof data === "object" && typeof data.csrf_token === "string") setCsrfToken(data.csrf_token);
  return data;
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, body) => request("POST", path, body),
  put: (path, body) => request("PUT", path, body),
  patch: (path, body) => request("PATCH", path, body),
  del: (path) => request("DELETE", path),
};

const enc = encodeURIComponent;

// ---- session ----
export const fetchCsrf = () => api.get("/csrf");
export const login = (username, password) => api.post("/login", { username, password });
export const logout = () => api.post("/logout", {});
export const fetchMe = () => api.get("/me");
export const setAlias = (alias) => api.patch("/me", { alias });
export const setShift = (on) => api.post("/shift", { on });

// ---- queue and chats ----
export const fetchQueue = () => api.get("/queue");
export const takeNext = () => api.post("/queue/next", {});
export const accept = (id) => api.post(`/conversations/${enc(id)}/accept`, {});
export const decline = (id) => api.post(`/conversations/${enc(id)}/decline`, {});
export const fetchChats = () => api.get("/chats");
export const fetchConversation = (id) => api.get(`/conversations/${enc(id)}`);
export const sendMessage = (id, text, clientId, links) =>
  api.post(`/conversations/${enc(id)}/messages`, links && links.length ? { text, client_id: clientId, links } : { text, client_id: clientId });
export const transfer = (id, to) => api.post(`/conversations/${enc(id)}/transfer`, { to });
export const endChat = (id, wrapup) => api.post(`/conversations/${enc(id)}/end`, { wrapup });
export const fetchWrapupTopics = () => api.get("/wrapup-topics");
export const fetchVolunteers = () => api.get("/volunteers");

// ---- watch mode ----
export const fetchLive = () => api.get("/live");
export const watch = (id) => api.post(`/conversations/${enc(id)}/watch`, {});
export const unwatch = (id) => api.post(`/conversations/${enc(id)}/unwatch`, {});
export const stepIn = (id) => api.post(`/conversations/${enc(id)}/step-in`, {});

// ---- canned replies, links, directory ----
export const fetchCanned = () => api.get("/canned-replies");
export const createCanned = (reply) => api.post("/canned-replies", reply);
export const updateCanned = (id, reply) => api.put(`/canned-replies/${enc(id)}`, reply);
export const deleteCanned = (id) => api.del(`/canned-replies/${enc(id)}`);
export const fetchLinks = () => api.get("/service-links");
export const createLink = (link) => api.post("/service-links", link);
export const updateLink = (id, link) => api.put(`/service-links/${enc(id)}`, link);
export const deleteLink = (id) => api.del(`/service-links/${enc(id)}`);
export const fetchDirectory = (params = {}) => {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return api.get(`/directory${query ? `?${query}` : ""}`);
};

// ---- supervisor ----
export const fetchOverview = () => api.get("/supervisor/overview");

/** A random id for idempotent message sends. */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The live console WebSocket with reconnects and keep-alive pings.
 * onFrame(frame) gets every parsed frame; onStatus("open"|"closed") tells connection changes.
 */
export class ConsoleSocket {
  constructor(onFrame, onStatus) {
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.ws = null;
    this.stopped = false;
    this.retryMs = 1000;
    this.pingTimer = null;
    this.retryTimer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/console/ws`);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.retryMs = 1000;
      this.onStatus("open");
      this.pingTimer = window.setInterval(() => this.send({ type: "ping" }), 25000);
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame.type === "string") this.onFrame(frame);
    });
    ws.addEventListener("close", () => {
      window.clearInterval(this.pingTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.onStatus("closed");
      if (this.stopped) return;
      this.retryTimer = window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15000);
    });
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  stop() {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
  }
}
