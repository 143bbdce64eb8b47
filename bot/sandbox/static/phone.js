// One phone: a chat's messages, its input, photo upload, location picker and keyboards.
import { api, ApiError } from "./api.js";
import { t, translatePage } from "./i18n.js";
import { renderMessage, renderReplyKeyboard } from "./render.js";

const KIND_ICON = { resident: "🙂", group: "👥", officer: "🧑‍💼" };

export class Phone {
  constructor(chat, { places, onUnread, onSeq }) {
    this.chat = chat;
    this.places = places || [];
    this.onUnread = onUnread;
    this.onSeq = onSeq;
    this.seq = 0;
    this.messages = new Map(); // message_id → latest message
    this.drawn = new Map(); // message_id → {seq, node} as drawn
    this.replyTo = null;
    this.keyboard = null;
    this.loading = null;
    this.node = document.getElementById("phone-template").content.firstElementChild.cloneNode(true);
    this.node.id = `phone-${chat.id}`;
    this.node.dataset.chatId = chat.id;
    this.node.dataset.kind = chat.kind;
    this.node.setAttribute("aria-labelledby", `title-${chat.id}`);
    this.$ = (selector) => this.node.querySelector(selector);
    this.$(".chat-title").id = `title-${chat.id}`;
    this.$(".avatar").textContent = KIND_ICON[chat.kind] || "💬";
    this.wire();
    this.relabel();
  }

  relabel() {
    this.$(".chat-title").textContent = this.chat.title;
    this.$(".chat-kind").textContent = t(`kind_${this.chat.kind}`);
    translatePage(this.node);
    this.fillPresets();
    this.redraw(true);
  }

  wire() {
    const form = this.$(".input-row");
    const input = this.$(".text-input");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendText();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendText();
      }
    });
    for (const field of this.node.querySelectorAll("textarea, input, select")) {
      field.addEventListener("input", () => this.clearError());
    }
    this.$(".photo-input").addEventListener("change", (event) => this.sendPhoto(event.target));
    this.$(".locate").addEventListener("click", () => this.togglePicker());
    this.$(".cancel-location").addEventListener("click", () => this.togglePicker(false));
    this.$(".send-location").addEventListener("click", () => this.sendLocation());
    this.$(".preset").addEventListener("change", (event) => {
      const place = this.places[Number(event.target.value)];
      if (!place) return;
      this.$(".lat").value = place.latitude;
      this.$(".lon").value = place.longitude;
    });
    this.$(".start-button").addEventListener("click", () => this.act(() => api.send(this.chat.id, { text: "/start" })));
    this.$(".cancel-reply").addEventListener("click", () => this.setReply(null));
  }

  fillPresets() {
    const select = this.$(".preset");
    const chosen = select.value;
    select.replaceChildren(new Option(t("location_choose"), ""));
    this.places.forEach((place, index) => select.append(new Option(place.name, String(index))));
    select.value = chosen;
    this.$(".preset-label").hidden = this.places.length === 0;
  }

  // -- talking to the sandbox -----------------------------------------------------------
  async act(request, busyNode) {
    this.clearError();
    if (busyNode) busyNode.setAttribute("aria-busy", "true");
    try {
      await request();
      await this.refresh();
      return true;
    } catch (error) {
      this.showError(error instanceof ApiError && error.message !== "network" ? error.message : t("network_error"));
      return false;
    } finally {
      if (busyNode) busyNode.removeAttribute("aria-busy");
    }
  }

  async sendText() {
    const input = this.$(".text-input");
    const data = { text: input.value };
    if (this.replyTo) data.reply_to_message_id = this.replyTo.message_id;
    const sent = await this.act(() => api.send(this.chat.id, data), this.$(".send"));
    if (sent) {
      input.value = "";
      this.setReply(null);
    }
    input.focus();
  }

  async sendPhoto(fileInput) {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    const input = this.$(".text-input");
    const caption = input.value;
    const sent = await this.act(() => api.sendPhoto(this.chat.id, file, caption), this.$(".attach"));
    if (sent) input.value = "";
  }

  togglePicker(open) {
    const picker = this.$(".location-picker");
    this.keepingBottom(() => (picker.hidden = open === undefined ? !picker.hidden : !open));
    this.$(".locate").setAttribute("aria-expanded", String(!picker.hidden));
    if (!picker.hidden) (this.places.length ? this.$(".preset") : this.$(".lat")).focus();
  }

  async sendLocation() {
    const latitude = Number.parseFloat(this.$(".lat").value);
    const longitude = Number.parseFloat(this.$(".lon").value);
    const valid = Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
    if (!valid) {
      this.showError(t("location_bad"));
      return;
    }
    const sent = await this.act(
      () => api.send(this.chat.id, { location: { latitude, longitude } }),
      this.$(".send-location"),
    );
    if (sent) this.togglePicker(false);
  }

  tapInline(message, button, node) {
    return this.act(
      () => api.tap(this.chat.id, { message_id: message.message_id, callback_data: button.callback_data }),
      node,
    );
  }

  // A button asking for the contact or the location sends them, as the Telegram app does;
  // the 📍 button beside the input sends any other point.
  pressReply(button, node) {
    this.act(() => api.tap(this.chat.id, { text: button.text }), node);
  }

  setReply(message) {
    this.replyTo = message;
    const banner = this.$(".reply-banner");
    banner.hidden = !message;
    if (message) {
      this.$(".reply-banner-text").textContent = (message.text || "").slice(0, 80);
      this.$(".text-input").focus();
    }
  }

  showError(text) {
    this.keepingBottom(() => {
      const box = this.$(".error");
      box.textContent = text;
      box.hidden = false;
    });
  }

  clearError() {
    if (!this.$(".error").hidden) this.keepingBottom(() => (this.$(".error").hidden = true));
  }

  // The composer grows and shrinks (an error, the keyboard, the picker): a chat read to
  // its end stays at its end, as Telegram keeps it.
  keepingBottom(change) {
    const list = this.$(".messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    change();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  // -- reading the chat -----------------------------------------------------------------
  // One refresh at a time per phone; a refresh asked for during one runs right after it.
  refresh() {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = null;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
    return this.loading;
  }

  async load() {
    const [page, chat] = await Promise.all([api.messages(this.chat.id, this.seq), api.chat(this.chat.id)]);
    let fresh = 0;
    for (const message of page.messages) {
      if (!this.messages.has(message.message_id) && !message.deleted && message.from !== "me") fresh += 1;
      this.messages.set(message.message_id, message);
      this.seq = Math.max(this.seq, message.seq);
    }
    this.seq = Math.max(this.seq, page.seq ?? 0);
    this.keyboard = chat.reply_keyboard;
    if (chat.title) this.chat.title = chat.title;
    if (page.messages.length || this.drawnKeyboard !== JSON.stringify(this.keyboard)) this.redraw();
    if (fresh && this.loaded) this.onUnread(this, fresh); // not what was there on opening
    this.loaded = true;
    this.onSeq(this.seq);
  }

  // Messages keep their nodes until they change (a button being pressed, a screen reader's
  // place, a test's handle stay valid); `all` redraws every one (the language changed).
  redraw(all = false) {
    const list = this.$(".messages");
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const handlers = {
      onTap: (message, button, node) => this.tapInline(message, button, node),
      onReply: (message) => this.setReply(message),
    };
    if (all) this.drawn = new Map();
    const shown = [...this.messages.values()].filter((m) => !m.deleted).sort((a, b) => a.message_id - b.message_id);
    const nodes = shown.map((message) => {
      const drawn = this.drawn.get(message.message_id);
      if (drawn && drawn.seq === message.seq) return drawn.node;
      const node = renderMessage(message, this.chat.kind, handlers);
      this.drawn.set(message.message_id, { seq: message.seq, node });
      return node;
    });
    if (!shown.length) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = t(this.chat.kind === "group" ? "empty_group" : "empty_chat");
      nodes.push(empty);
    }
    const same = nodes.length === list.children.length && nodes.every((node, i) => list.children[i] === node);
    if (!same) list.replaceChildren(...nodes);
    this.$(".start-row").hidden = shown.length > 0 || this.chat.kind === "group";
    const keyboard = JSON.stringify(this.keyboard);
    if (all || keyboard !== this.drawnKeyboard) {
      renderReplyKeyboard(this.$(".reply-keyboard"), this.keyboard, (b, n) => this.pressReply(b, n));
      this.drawnKeyboard = keyboard;
    }
    if (nearBottom || this.firstDraw !== false) list.scrollTop = list.scrollHeight;
    this.firstDraw = false;
  }
}
