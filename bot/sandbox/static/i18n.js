// The page's own words, Vietnamese first. The bot's messages come translated by the bot.
export const STRINGS = {
  vi: {
    title: "Hòm thư số — Môi trường tập huấn",
    subtitle: "Thử toàn bộ bot ngay trong trình duyệt, không cần Telegram",
    kind_resident: "Người dân",
    kind_group: "Nhóm cán bộ",
    kind_officer: "Cán bộ (chat riêng)",
    phones: "Các điện thoại",
    add_resident: "➕ Thêm người dân",
    report: "📊 Báo cáo",
    clock: "Giờ trong môi trường tập",
    advance_day: "+1 ngày",
    advance_working_day: "Ngày làm việc tiếp theo",
    advance_week: "+1 tuần",
    jobs_ran: "Việc định kỳ đã chạy (bấm để xem):",
    no_jobs_ran: "Không có việc định kỳ nào chạy.",
    lang_switch: "English",
    lang_switch_label: "Switch the page to English",
    message_input: "Tin nhắn",
    message_placeholder: "Nhập tin nhắn",
    send: "Gửi",
    attach_photo: "Gửi ảnh",
    send_location: "Gửi vị trí",
    location_title: "Chọn vị trí để gửi",
    location_preset: "Địa điểm có sẵn",
    location_choose: "— Chọn một địa điểm —",
    latitude: "Vĩ độ",
    longitude: "Kinh độ",
    location_send: "📍 Gửi vị trí này",
    location_bad: "Vĩ độ phải từ -90 đến 90 và kinh độ từ -180 đến 180.",
    cancel: "Huỷ",
    close: "Đóng",
    start: "BẮT ĐẦU",
    reply: "Trả lời",
    reply_to_label: "Trả lời tin nhắn này",
    replying_to: "Đang trả lời:",
    cancel_reply: "Bỏ trả lời",
    edited: "đã sửa",
    photo_alt: "Ảnh",
    document: "Tệp",
    download: "Tải về",
    location: "Vị trí",
    contact: "Liên hệ",
    from_bot: "Bot",
    from_me: "Tôi",
    empty_chat: "Chưa có tin nhắn. Bấm BẮT ĐẦU để mở bot.",
    empty_group: "Chưa có tin nhắn trong nhóm.",
    keyboard_label: "Bàn phím trả lời của bot",
    network_error: "Không kết nối được với môi trường tập. Kiểm tra chương trình còn chạy không rồi thử lại.",
    generic_error: "Có lỗi, xin thử lại.",
    report_title: "Báo cáo từ dữ liệu tập huấn",
    report_monthly: "Báo cáo tháng",
    report_annual: "Báo cáo năm",
    download_docx: "Tải bản .docx",
    live_on: "Cập nhật trực tiếp",
    live_off: "Đang cập nhật định kỳ",
    unread: "tin mới",
    sending: "Đang gửi…",
    caption_hint: "Chữ trong ô nhập sẽ là chú thích của ảnh.",
  },
  en: {
    title: "Hòm thư số — training sandbox",
    subtitle: "Try the whole bot in the browser, without Telegram",
    kind_resident: "Resident",
    kind_group: "Staff group",
    kind_officer: "Officer (private chat)",
    phones: "Phones",
    add_resident: "➕ Add a resident",
    report: "📊 Reports",
    clock: "Sandbox time",
    advance_day: "+1 day",
    advance_working_day: "Next working day",
    advance_week: "+1 week",
    jobs_ran: "Scheduled jobs that ran (tap to see):",
    no_jobs_ran: "No scheduled job ran.",
    lang_switch: "Tiếng Việt",
    lang_switch_label: "Chuyển trang sang tiếng Việt",
    message_input: "Message",
    message_placeholder: "Write a message",
    send: "Send",
    attach_photo: "Send a photo",
    send_location: "Send a location",
    location_title: "Choose a location to send",
    location_preset: "Preset places",
    location_choose: "— Choose a place —",
    latitude: "Latitude",
    longitude: "Longitude",
    location_send: "📍 Send this location",
    location_bad: "Latitude must be between -90 and 90 and longitude between -180 and 180.",
    cancel: "Cancel",
    close: "Close",
    start: "START",
    reply: "Reply",
    reply_to_label: "Reply to this message",
    replying_to: "Replying to:",
    cancel_reply: "Cancel the reply",
    edited: "edited",
    photo_alt: "Photo",
    document: "File",
    download: "Download",
    location: "Location",
    contact: "Contact",
    from_bot: "Bot",
    from_me: "Me",
    empty_chat: "No messages yet. Tap START to open the bot.",
    empty_group: "No messages in the group yet.",
    keyboard_label: "The bot's reply keyboard",
    network_error: "Cannot reach the sandbox. Check that it is still running, then try again.",
    generic_error: "Something went wrong, please try again.",
    report_title: "Reports from the sandbox data",
    report_monthly: "Monthly report",
    report_annual: "Annual report",
    download_docx: "Download .docx",
    live_on: "Live updates",
    live_off: "Updating every few seconds",
    unread: "new",
    sending: "Sending…",
    caption_hint: "The text in the input becomes the photo's caption.",
  },
};

let current = "vi";

export function setLang(lang) {
  current = STRINGS[lang] ? lang : "vi";
  document.documentElement.lang = current;
}

export function lang() {
  return current;
}

export function t(key) {
  return STRINGS[current][key] ?? STRINGS.vi[key] ?? key;
}

// Elements carrying data-i18n (text), data-i18n-label (aria-label), data-i18n-title,
// data-i18n-placeholder are refreshed whenever the language changes.
// "➕ Thêm người dân": the emoji is drawn but not read out ("heavy plus sign").
const LEADING_EMOJI = /^(\p{Extended_Pictographic}\uFE0F?)\s+(.+)$/su;

function setText(el, text) {
  const found = LEADING_EMOJI.exec(text);
  if (!found) {
    el.textContent = text;
    return;
  }
  const icon = document.createElement("span");
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = found[1];
  el.replaceChildren(icon, ` ${found[2]}`);
}

export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) setText(el, t(el.dataset.i18n));
  for (const el of root.querySelectorAll("[data-i18n-label]"))
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]"))
    el.placeholder = t(el.dataset.i18nPlaceholder);
  document.title = t("title");
}
