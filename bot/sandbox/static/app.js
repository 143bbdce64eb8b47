// The sandbox page: phones side by side (one at a time on a narrow screen), the clock,
// the reports and the language switch. No build step: plain ES modules served as they are.
import { api, ApiError, listen } from "./api.js";
import { lang, setLang, t, translatePage } from "./i18n.js";
import { Phone } from "./phone.js";

const phones = new Map(); // chat id → Phone
let active = null;
let commune = {};
let lastRan = null;
let live = null;
let report = "monthly";
let latestSeq = 0;

const $ = (id) => document.getElementById(id);

function pageError(text) {
  const box = $("page-error");
  box.textContent = text || "";
  box.hidden = !text;
}

function errorText(error) {
  return error instanceof ApiError && error.message !== "network" ? error.message : t("network_error");
}

// -- phones and the switcher ---------------------------------------------------------------
function addPhone(chat) {
  if (phones.has(chat.id)) return phones.get(chat.id);
  const phone = new Phone(chat, { places: commune.places, onUnread: markUnread, onSeq: sawSeq });
  phones.set(chat.id, phone);
  $("phones").append(phone.node);
  const tab = document.createElement("button");
  tab.type = "button";
  tab.className = "tab";
  tab.id = `tab-${chat.id}`;
  tab.setAttribute("role", "tab");
  tab.setAttribute("aria-controls", phone.node.id);
  tab.dataset.chatId = chat.id;
  tab.addEventListener("click", () => activate(chat.id, true));
  phone.tab = tab;
  phone.unread = 0;
  $("tabs").append(tab);
  phone.node.addEventListener("focusin", () => activate(chat.id, false));
  labelTab(phone);
  if (active === null) activate(chat.id, false);
  phone.refresh().catch((error) => pageError(errorText(error)));
  return phone;
}

function labelTab(phone) {
  const badge = phone.unread ? ` (${phone.unread})` : "";
  phone.tab.textContent = `${phone.node.querySelector(".avatar").textContent} ${phone.chat.title}${badge}`;
  phone.tab.setAttribute(
    "aria-label",
    `${phone.chat.title}, ${t(`kind_${phone.chat.kind}`)}${phone.unread ? `, ${phone.unread} ${t("unread")}` : ""}`,
  );
  revealTab();
}

// The chosen phone's tab stays in sight (a badge on a tab before it pushes it along).
function revealTab() {
  const phone = phones.get(active);
  if (!phone) return;
  const strip = phone.tab.parentElement.getBoundingClientRect();
  const place = phone.tab.getBoundingClientRect();
  if (place.left < strip.left || place.right > strip.right) {
    phone.tab.parentElement.scrollLeft += place.left - strip.left - 12;
  }
}

function activate(chatId, scroll) {
  active = chatId;
  for (const [id, phone] of phones) {
    const on = id === chatId;
    phone.node.classList.toggle("active", on);
    phone.tab.setAttribute("aria-selected", String(on));
    phone.tab.tabIndex = on ? 0 : -1;
    if (on && phone.unread) {
      phone.unread = 0;
      labelTab(phone);
    }
  }
  revealTab();
  if (scroll) phones.get(chatId).node.scrollIntoView({ block: "nearest", inline: "nearest" });
}

// Sequence numbers are shared by all chats: an answer numbered past what a phone has read
// means something may have changed there too, even if its event was missed or merged.
function sawSeq(seq) {
  if (seq <= latestSeq) return;
  latestSeq = seq;
  for (const phone of phones.values()) {
    if (phone.seq < latestSeq) phone.refresh().catch((error) => pageError(errorText(error)));
  }
}

function markUnread(phone, count) {
  const narrow = window.matchMedia("(max-width: 700px)").matches;
  if (phone.chat.id === active || !narrow) return;
  phone.unread += count;
  labelTab(phone);
}

async function refreshChats(chatId) {
  if (phones.size === 0 || (chatId !== null && !phones.has(chatId))) {
    // the sandbox was not up when the page opened, or a phone was added in another tab
    await loadState().then(() => pageError(null)).catch((error) => pageError(errorText(error)));
    return;
  }
  const targets = chatId === null ? [...phones.values()] : [phones.get(chatId)];
  try {
    await Promise.all(targets.map((phone) => phone.refresh()));
    pageError(null);
  } catch (error) {
    pageError(errorText(error));
  }
}

// -- clock ---------------------------------------------------------------------------------
function showClock(clock) {
  if (clock && clock.label) $("clock-label").textContent = clock.label;
  if (clock && clock.now) $("clock-label").dataset.now = clock.now;
}

// What the clock move ran: one line, the list itself folded (a week runs dozens of jobs).
function showRan(ran) {
  lastRan = ran;
  const box = $("clock-ran");
  box.hidden = ran === null;
  if (ran === null) return;
  box.replaceChildren();
  if (!ran.length) {
    box.textContent = t("no_jobs_ran");
    return;
  }
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = `${t("jobs_ran")} ${ran.length}`;
  const list = document.createElement("ul");
  for (const label of ran) {
    const item = document.createElement("li");
    item.textContent = label;
    list.append(item);
  }
  details.append(summary, list);
  box.append(details);
}

async function advance(step, button) {
  button.setAttribute("aria-busy", "true");
  for (const b of document.querySelectorAll("[data-advance]")) b.disabled = true;
  try {
    const result = await api.advance(step);
    showClock(result.clock);
    showRan(result.ran || []);
    pageError(null);
    await refreshChats(null);
  } catch (error) {
    pageError(errorText(error));
  } finally {
    button.removeAttribute("aria-busy");
    for (const b of document.querySelectorAll("[data-advance]")) b.disabled = false;
  }
}

// -- reports -------------------------------------------------------------------------------
function showReport(which) {
  report = which;
  const panel = $("report");
  panel.hidden = false;
  for (const tab of panel.querySelectorAll("[data-report]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.report === which));
  }
  $("report-frame").title = t(`report_${which}`);
  $("report-frame").src = `/sandbox/api/reports/${which}.html?t=${Date.now()}`;
  $("report-docx").href = `/sandbox/api/reports/${which}.docx`;
  $("report-docx").setAttribute("download", `${which}.docx`);
}

// -- language ------------------------------------------------------------------------------
function applyLang() {
  translatePage();
  $("lang-switch").lang = lang() === "vi" ? "en" : "vi"; // it is worded in the other language
  $("live-status").textContent = live === null ? "" : t(live ? "live_on" : "live_off");
  for (const phone of phones.values()) {
    phone.relabel();
    labelTab(phone);
  }
  if (lastRan !== null) showRan(lastRan);
  if (!$("report").hidden) $("report-frame").title = t(`report_${report}`);
}

async function switchLang() {
  const next = lang() === "vi" ? "en" : "vi";
  try {
    await api.setLang(next);
  } catch (error) {
    pageError(errorText(error));
    return;
  }
  setLang(next);
  applyLang();
  const state = await api.state().catch(() => null);
  if (state) showClock(state.clock);
}

// -- start ---------------------------------------------------------------------------------
async function loadState() {
  const state = await api.state();
  commune = state.commune || {};
  if (lang() !== state.lang) {
    setLang(state.lang);
    applyLang();
  }
  $("commune-name").textContent = commune.name || "";
  showClock(state.clock);
  for (const chat of state.chats) addPhone(chat);
}

async function main() {
  setLang("vi");
  applyLang();
  $("add-resident").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.setAttribute("aria-busy", "true");
    try {
      const { chat } = await api.addResident();
      addPhone(chat);
      activate(chat.id, true);
      phones.get(chat.id).node.querySelector(".start-button").focus();
    } catch (error) {
      pageError(errorText(error));
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advance(button.dataset.advance, button));
  }
  $("open-report").addEventListener("click", () => showReport(report));
  for (const tab of document.querySelectorAll("[data-report]")) {
    tab.addEventListener("click", () => showReport(tab.dataset.report));
  }
  $("close-report").addEventListener("click", () => {
    $("report").hidden = true;
    $("open-report").focus();
  });
  $("lang-switch").addEventListener("click", switchLang);
  try {
    await loadState();
  } catch (error) {
    pageError(errorText(error));
  }
  listen({
    onChat: (chatId) => refreshChats(chatId),
    onClock: (clock) => showClock(clock),
    onLive: (on) => {
      live = on;
      $("live-status").textContent = t(on ? "live_on" : "live_off");
      document.body.dataset.live = on ? "sse" : "polling";
    },
  });
  document.body.dataset.ready = "true";
}

main();
