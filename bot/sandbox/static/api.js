// The sandbox's JSON API (see the contract in the server package) and its live events.
const BASE = "/sandbox/api";
// This run's token, put in the page by the sandbox: its API refuses a POST without it, so
// no other site the trainee has open can act in the sandbox.
const TOKEN = document.querySelector('meta[name="sandbox-token"]')?.content ?? "";

export class ApiError extends Error {}

async function call(path, options = {}) {
  let response;
  try {
    response = await fetch(BASE + path, options);
  } catch {
    throw new ApiError("network");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || (body && body.ok === false)) {
    throw new ApiError(body && body.error ? body.error : `HTTP ${response.status}`);
  }
  return body;
}

function post(path, data) {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Sandbox-Token": TOKEN },
    body: JSON.stringify(data),
  });
}

export const api = {
  state: () => call("/state"),
  chat: (id) => call(`/chats/${id}`),
  messages: (id, after) => call(`/chats/${id}/messages?after=${after}`),
  send: (id, data) => post(`/chats/${id}/send`, data),
  sendPhoto(id, file, caption) {
    const form = new FormData();
    form.append("photo", file, file.name);
    if (caption) form.append("caption", caption);
    return call(`/chats/${id}/send`, {
      method: "POST",
      headers: { "X-Sandbox-Token": TOKEN },
      body: form,
    });
  },
  tap: (id, data) => post(`/chats/${id}/tap`, data),
  addResident: () => post("/residents", {}),
  advance: (step) => post("/clock", { advance: step }),
  setLang: (lang) => post("/lang", { lang }),
};

// Server-Sent Events, and polling while they are not available (an old proxy, a dropped
// connection): `onChat(chatId | null)` with null meaning "check every chat".
export function listen({ onChat, onClock, onLive }) {
  let timer = null;
  const startPolling = () => {
    if (timer === null) timer = setInterval(() => onChat(null), 2000);
    onLive(false);
  };
  const stopPolling = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    onLive(true);
  };
  if (!("EventSource" in window)) {
    startPolling();
    return;
  }
  const source = new EventSource(`${BASE}/events`);
  source.addEventListener("open", () => {
    stopPolling();
    onChat(null); // catch up with whatever happened while disconnected
  });
  source.addEventListener("error", startPolling);
  source.addEventListener("chat", (event) => {
    const data = JSON.parse(event.data);
    onChat(data.chat_id ?? null);
  });
  source.addEventListener("clock", (event) => onClock(JSON.parse(event.data)));
}
