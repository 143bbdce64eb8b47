// One chat message as a bubble, like Telegram draws it. `html` comes escaped by the server.
import { t } from "./i18n.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function sender(message) {
  if (message.from === "bot") return t("from_bot");
  if (message.from === "me") return t("from_me");
  return message.from;
}

function body(message) {
  const parts = [];
  if (message.photo) {
    const link = el("a", "photo-link");
    link.href = message.photo;
    link.target = "_blank";
    link.rel = "noopener";
    const img = el("img", "photo");
    img.src = message.photo;
    img.alt = message.text ? `${t("photo_alt")}: ${message.text}` : t("photo_alt");
    img.loading = "lazy";
    link.append(img);
    parts.push(link);
  }
  if (message.document) {
    const doc = el("a", "document");
    doc.href = message.document.url;
    doc.download = message.document.name;
    doc.append(el("span", "doc-icon", "📄"), el("span", "doc-name", message.document.name));
    doc.append(el("span", "doc-action", t("download")));
    doc.setAttribute("aria-label", `${t("document")}: ${message.document.name} — ${t("download")}`);
    parts.push(doc);
  }
  if (message.location) {
    const { latitude, longitude } = message.location;
    const loc = el("div", "location");
    loc.append(el("span", "pin", "📍"));
    const label = el("span", "loc-text");
    label.append(el("strong", "", t("location")), el("br"));
    label.append(`${Number(latitude).toFixed(5)}, ${Number(longitude).toFixed(5)}`);
    loc.append(label);
    parts.push(loc);
  }
  if (message.contact) {
    const card = el("div", "contact");
    card.append(el("span", "contact-icon", "👤"));
    const label = el("span", "contact-text");
    label.append(el("strong", "", message.contact.first_name || t("contact")), el("br"));
    label.append(message.contact.phone_number);
    card.append(label);
    parts.push(card);
  }
  if (message.html || message.text) {
    const text = el("div", "text");
    if (message.html) {
      text.innerHTML = message.html;
      for (const a of text.querySelectorAll("a[href]")) {
        a.target = "_blank";
        a.rel = "noopener";
      }
    } else {
      text.textContent = message.text;
    }
    parts.push(text);
  }
  return parts;
}

function inlineKeyboard(rows, onTap) {
  const board = el("div", "inline-keyboard");
  for (const row of rows) {
    const line = el("div", "kb-row");
    for (const button of row) {
      let node;
      if (button.url) {
        node = el("a", "kb-button url", button.text);
        node.href = button.url;
        node.target = "_blank";
        node.rel = "noopener";
      } else {
        node = el("button", "kb-button", button.text);
        node.type = "button";
        node.addEventListener("click", () => onTap(button, node));
      }
      line.append(node);
    }
    board.append(line);
  }
  return board;
}

// `handlers`: {onTap(button, node), onReply(message)}
export function renderMessage(message, chatKind, handlers) {
  const mine = message.from === "me";
  const wrap = el("article", `msg ${mine ? "mine" : message.from === "bot" ? "bot" : "other"}`);
  wrap.dataset.messageId = message.message_id;
  const bubble = el("div", "bubble");
  if (!mine && (chatKind === "group" || message.from !== "bot")) {
    bubble.append(el("p", "author", sender(message)));
  } else {
    bubble.append(el("p", "author sr-only", sender(message)));
  }
  if (message.reply_to) {
    const quote = el("blockquote", "quoted", message.reply_to.text || "…");
    bubble.append(quote);
  }
  bubble.append(...body(message));
  const meta = el("p", "meta");
  if (message.edited) meta.append(el("span", "edited", t("edited")));
  if (message.time) meta.append(el("time", "time", message.time));
  if (!mine) {
    const reply = el("button", "reply-to", "↩");
    reply.type = "button";
    reply.title = t("reply_to_label");
    reply.setAttribute("aria-label", t("reply_to_label"));
    reply.addEventListener("click", () => handlers.onReply(message));
    meta.append(reply);
  }
  bubble.append(meta);
  wrap.append(bubble);
  if (message.inline_keyboard && message.inline_keyboard.length) {
    wrap.append(inlineKeyboard(message.inline_keyboard, (b, n) => handlers.onTap(message, b, n)));
  }
  return wrap;
}

export function renderReplyKeyboard(container, rows, onPress) {
  container.replaceChildren();
  container.hidden = !rows || rows.length === 0;
  if (container.hidden) return;
  for (const row of rows) {
    const line = el("div", "kb-row");
    for (const button of row) {
      const node = el("button", "kb-button reply", button.text);
      node.type = "button";
      node.addEventListener("click", () => onPress(button, node));
      line.append(node);
    }
    container.append(line);
  }
}
