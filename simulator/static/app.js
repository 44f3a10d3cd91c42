// The simulator page controller: who I am, which chat, polling /sim/api/state, sending what I do.
"use strict";

const $ = (id) => document.getElementById(id);
const S = { users: [], groups: [], entries: [], seq: 0, me: null, chat: null, billing: null, loading: [],
  lastDelivery: null, seen: {}, menus: {}, localMenu: {}, menuOpen: null, drawn: "" };

const isGroup = (chatId) => S.groups.some((g) => g.groupId === chatId);
const userName = (id) => (S.users.find((u) => u.userId === id) || {}).displayName || id;
const chatName = (id) => (isGroup(id) ? S.groups.find((g) => g.groupId === id).groupName : `Smart Kids · ${userName(id)}`);
const myUser = () => S.users.find((u) => u.userId === S.me);

async function api(path, body) {
  const init = body instanceof FormData ? { method: "POST", body }
    : body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
  const res = await fetch(path, init);
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

const sim = {
  async send(payload) {
    if (!S.me) return sim.notice("เลือกก่อนว่าคุณคือใคร");
    const group = isGroup(S.chat) ? S.chat : null;
    try { await api("/sim/api/act", { user: S.me, group, ...payload }); } catch (e) { sim.notice(e.message); }
    poll();
  },
  pickPhotos() { $("photo-input").click(); },
  fillComposer(text) { $("composer").value = text; $("composer").focus(); },
  notice(text) { const b = $("banner"); b.textContent = text; b.hidden = false; setTimeout(() => { b.hidden = true; }, 5000); },
  async switchMenu(aliasId) {
    const menu = await api(`/sim/api/richmenu/alias/${encodeURIComponent(aliasId)}`);
    if (menu) { S.localMenu[S.me] = { base: (myUser() || {}).richMenuId, menu }; drawRichMenu(); }
  },
};

async function sendPhotos(files) {
  if (!files.length || !S.me) return;
  const form = new FormData();
  form.append("user", S.me);
  form.append("group", isGroup(S.chat) ? S.chat : "");
  [...files].forEach((f) => form.append("photo", f));
  try { await api("/sim/api/images", form); } catch (e) { sim.notice(e.message); }
  $("photo-input").value = "";
  poll();
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try {
    const st = await api(`/sim/api/state?after=${S.seq}`);
    Object.assign(S, { users: st.users, groups: st.groups, billing: st.billing, loading: st.loading, notes: st.notes });
    S.entries.push(...st.entries);
    if (st.entries.length) S.seq = st.entries[st.entries.length - 1].seq;
    if (!S.me && S.users.length) {
      const q = new URLSearchParams(location.search);
      selectMe(q.get("me") || S.users[0].userId);
      if (q.get("chat")) selectChat(q.get("chat"));
    }
    const d = st.lastDelivery;
    if (d && (d.error || (d.status && d.status >= 300)) && d !== S.lastDelivery && JSON.stringify(d) !== JSON.stringify(S.lastDelivery)) {
      sim.notice(`ส่ง webhook ไปที่บอทไม่สำเร็จ: ${d.error || "HTTP " + d.status}`);
    }
    S.lastDelivery = d;
    drawAll();
    if (S.stuck) stickToBottom();  // late reflows (the Thai font loading, a card growing) keep the end in view
  } catch (e) {
    $("chat-sub").textContent = "ติดต่อเซิร์ฟเวอร์จำลองไม่ได้";
  } finally { polling = false; }
}

function selectMe(userId) { S.me = userId; S.chat = userId; S.drawn = ""; drawAll(); }
function selectChat(chatId) { S.chat = chatId; S.drawn = ""; drawAll(); }

function drawAll() { drawNotes(); drawPeople(); drawHeader(); drawMessages(); drawChats(); drawRichMenu(); drawBilling(); }

// The demo's facts (its clock, the invite code, where the photos are): they stay here while the terminal scrolls.
function drawNotes() {
  const n = S.notes || {}, box = $("notes");
  box.hidden = !(n.lines && n.lines.length);
  if (box.hidden) return;
  const clock = new Date(Date.now() + (n.clockOffset || 0) * 1000).toLocaleString("th-TH",
    { timeZone: "Asia/Bangkok", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const key = JSON.stringify(n) + clock;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(Render.el("b", null, n.title || ""), Render.el("div", "notes-clock", `🕖 ${clock}`),
    ...n.lines.map((line) => Render.linkify(Render.el("div", "notes-line"), line)));
}

// Keep the newest message in view: after the quick-reply row is drawn (it shrinks the message box) and whenever a
// photo or card image finishes loading (it grows the conversation).
function stickToBottom() { const box = $("messages"); box.scrollTop = box.scrollHeight; S.stuck = true; }

function listItem(title, sub, active, onClick, badge) {
  const li = Render.el("li", active ? "active" : "");
  const avatar = Render.el("span", "avatar", title.trim().charAt(0));
  const text = Render.el("span", "li-text");
  text.append(Render.el("b", null, title), Render.el("small", null, sub));
  li.append(avatar, text);
  if (badge) li.append(Render.el("span", "badge", String(badge)));
  li.onclick = onClick;
  return li;
}

function drawPeople() {
  $("personas").replaceChildren(...S.users.map((u) => listItem(u.displayName,
    [u.role_hint, u.following ? "" : "ยังไม่เป็นเพื่อนกับ OA"].filter(Boolean).join(" · "),
    u.userId === S.me, () => selectMe(u.userId))));
}

function unread(chatId) {
  return S.entries.filter((e) => e.chat_id === chatId && e.seq > (S.seen[chatId] || 0) && e.from === "bot").length;
}

function drawChats() {
  if (!S.me) return;
  const items = [listItem("Smart Kids", "แชทส่วนตัวกับ OA", S.chat === S.me, () => selectChat(S.me), unread(S.me))];
  S.groups.forEach((g) => {
    const member = g.members.includes(S.me);
    items.push(listItem(g.groupName, `${g.memberCount} คน${member ? "" : " · คุณไม่ได้อยู่ในกลุ่ม"}${g.botIn ? "" : " · ไม่มีบอท"}`,
      S.chat === g.groupId, () => selectChat(g.groupId), unread(g.groupId)));
  });
  $("chats").replaceChildren(...items);
}

function headerButton(label, payload) {
  const b = Render.el("button", "small", label);
  b.onclick = () => sim.send(payload);
  return b;
}

function drawHeader() {
  if (!S.me || !S.chat) return;
  $("chat-title").textContent = chatName(S.chat);
  const buttons = [];
  if (isGroup(S.chat)) {
    const g = S.groups.find((x) => x.groupId === S.chat);
    $("chat-sub").textContent = `สมาชิก ${g.memberCount} คน (push หนึ่งครั้ง = ${g.memberCount} ข้อความ) · คุณคือ ${userName(S.me)}`;
    buttons.push(g.botIn ? headerButton("นำบอทออกจากกลุ่ม", { action: "leave" }) : headerButton("เชิญบอทเข้ากลุ่ม", { action: "join" }));
    buttons.push(g.members.includes(S.me) ? headerButton("ฉันออกจากกลุ่ม", { action: "member_left" })
      : headerButton("ฉันเข้ากลุ่ม", { action: "member_joined" }));
  } else {
    const u = myUser();
    $("chat-sub").textContent = u.following ? `คุณคือ ${u.displayName}` : "ยังไม่ได้เพิ่มเพื่อน / บล็อกอยู่: บอทส่ง push ถึงคุณไม่ได้";
    buttons.push(u.following ? headerButton("บล็อก (unfollow)", { action: "unfollow" }) : headerButton("เพิ่มเพื่อน (follow)", { action: "follow" }));
  }
  $("chat-actions").replaceChildren(...buttons);
}

const systemText = {
  follow: (e) => `${userName(e.user_id)} เพิ่ม OA เป็นเพื่อน`, unfollow: (e) => `${userName(e.user_id)} บล็อก OA`,
  join: () => "บอทเข้าร่วมกลุ่ม", leave: () => "บอทถูกนำออกจากกลุ่ม",
  memberJoined: (e) => `${e.messages[0].userIds.map(userName).join(", ")} เข้าร่วมกลุ่ม`,
  memberLeft: (e) => `${e.messages[0].userIds.map(userName).join(", ")} ออกจากกลุ่ม`,
  postback: (e) => `⤷ postback: ${e.messages[0].data}`,
};

function row(kind, who, content, plain, mine, at) {
  const node = $(`bubble-${kind}-template`).content.firstElementChild.cloneNode(true);
  node.querySelector(".who").textContent = who;
  if (kind === "user") node.querySelector(".avatar").textContent = who.trim().charAt(0);
  const bubble = node.querySelector(".bubble");
  bubble.classList.toggle("plain", plain);
  bubble.append(content);
  node.classList.toggle("me", mine);
  node.title = new Date(at * 1000).toLocaleTimeString("th-TH");
  return node;
}

function userContent(e, msg) {
  if (msg.type === "text") return { node: Render.linkify(Render.el("div", "text"), msg.text), plain: true };
  if (msg.type === "postback") return { node: Render.el("div", "text", msg.displayText), plain: true };
  if (msg.type === "image") {
    const img = Render.image(`/sim/api/content/${msg.id}`, null, "photo");
    if (msg.imageSet) img.title = `รูป ${msg.imageSet.index}/${msg.imageSet.total}`;
    return { node: img, plain: false };
  }
  return Render.message(msg, () => {});
}

function drawMessages() {
  if (!S.chat) return;
  const mine = S.entries.filter((e) => e.chat_id === S.chat);
  const key = `${S.chat}|${S.me}|${mine.length}|${S.loading.includes(S.chat)}`;
  if (key === S.drawn) return;
  S.drawn = key;
  const box = $("messages"), atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const rows = [];
  mine.forEach((e) => {
    const msg = e.messages[0];
    if (e.from === "user" && (systemText[e.kind] && !(e.kind === "postback" && msg.displayText))) {
      return rows.push(Render.el("div", "system", systemText[e.kind](e)));
    }
    if (e.from === "user") {
      const c = userContent(e, msg);
      return rows.push(row("user", userName(e.user_id), c.node, c.plain, e.user_id === S.me, e.at));
    }
    e.messages.forEach((m) => {
      const c = Render.message(m, (action) => Actions.run(action, sim));
      rows.push(row("bot", e.kind === "reply" ? "Smart Kids" : `Smart Kids · ${e.kind}`, c.node, c.plain, false, e.at));
    });
  });
  if (S.loading.includes(S.chat)) rows.push(row("bot", "Smart Kids", Render.el("div", "typing", "• • •"), true, false, Date.now() / 1000));
  const opened = !S.drawnChat || S.drawnChat !== `${S.chat}|${S.me}`;
  S.drawnChat = `${S.chat}|${S.me}`;
  box.replaceChildren(...rows);
  S.seen[S.chat] = S.seq;
  drawQuickReplies(mine[mine.length - 1]);
  if (opened || atBottom || rows.length) {
    stickToBottom();
    box.querySelectorAll("img").forEach((img) => {
      if (!img.complete) img.addEventListener("load", stickToBottom, { once: true });
    });
  }
}

function drawQuickReplies(last) {
  const items = last && last.from === "bot" ? (last.messages[last.messages.length - 1].quickReply || {}).items || [] : [];
  $("quick-replies").replaceChildren(...items.map((item) => {
    const chip = Render.el("button", "chip", item.action.label || item.action.type);
    chip.setAttribute("data-testid", "quick-reply");
    if (item.imageUrl) { const icon = Render.el("img"); icon.src = item.imageUrl; icon.alt = ""; chip.prepend(icon); }
    chip.onclick = () => { $("quick-replies").replaceChildren(); Actions.run(item.action, sim); };
    return chip;
  }));
}

async function drawRichMenu() {
  const u = myUser(), box = $("richmenu");
  if (!u || isGroup(S.chat) || !u.richMenuId) { box.hidden = true; return; }
  const local = S.localMenu[S.me];
  if (local && local.base !== u.richMenuId) delete S.localMenu[S.me];
  if (!S.menus[u.richMenuId]) S.menus[u.richMenuId] = await api(`/sim/api/richmenu/${encodeURIComponent(S.me)}`);
  const menu = S.localMenu[S.me] ? S.localMenu[S.me].menu : S.menus[u.richMenuId];
  if (!menu) { box.hidden = true; return; }
  if (box.dataset.menu === menu.richMenuId && box.dataset.me === S.me && !box.hidden) return;
  Object.assign(box.dataset, { menu: menu.richMenuId, me: S.me });
  box.hidden = false;
  if (S.menuOpen === null) S.menuOpen = false;  // collapsed until tapped: the chat keeps the height
  $("richmenu-bar").textContent = `${menu.chatBarText} ${S.menuOpen ? "▾" : "▴"}`;
  const body = $("richmenu-body");
  body.hidden = !S.menuOpen;
  const img = Render.el("img");
  img.src = `/sim/api/richmenu-image/${menu.richMenuId}`;
  img.alt = menu.name;
  const areas = menu.areas.map((a) => {
    const area = Render.el("div", "area"), b = a.bounds, w = menu.size.width, h = menu.size.height;
    Object.assign(area.style, { left: `${b.x / w * 100}%`, top: `${b.y / h * 100}%`, width: `${b.width / w * 100}%`, height: `${b.height / h * 100}%` });
    return Render.clickable(area, a.action, (action) => Actions.run(action, sim));
  });
  body.replaceChildren(img, ...areas);
}

function drawBilling() {
  const b = S.billing;
  if (!b) return;
  const limited = b.quota.type === "limited";
  $("quota").textContent = limited ? `ใช้ไป ${b.total} / ${b.quota.value} ข้อความ` : `ไม่จำกัดโควตา · ใช้ไป ${b.total} ข้อความ`;
  $("quota-bar").style.width = limited ? `${Math.min(100, b.total / b.quota.value * 100)}%` : "0";
  $("quota-bar").classList.toggle("danger", limited && b.total / b.quota.value > 0.8);
  $("billing-chats").replaceChildren(...Object.entries(b.perChat).filter(([, n]) => n).map(([chat, n]) =>
    Render.el("li", null, `${isGroup(chat) ? chatName(chat) : userName(chat)}: ${n}`)));
}

function sendText() {
  const text = $("composer").value.trim();
  if (!text) return;
  $("composer").value = "";
  sim.send({ action: "text", text });
}

$("composer-form").addEventListener("submit", (e) => { e.preventDefault(); sendText(); });
$("composer").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendText(); }
});
$("photo-btn").onclick = () => sim.pickPhotos();
$("photo-input").onchange = (e) => sendPhotos(e.target.files);
$("location-btn").onclick = () => Actions.askLocation(sim);
$("sticker-btn").onclick = () => sim.send({ action: "sticker", packageId: "446", stickerId: String(1988 + Math.floor(Math.random() * 8)) });
$("richmenu-bar").onclick = () => {
  S.menuOpen = !S.menuOpen; $("richmenu").dataset.menu = ""; drawRichMenu().then(stickToBottom);
};

$("messages").addEventListener("scroll", () => {
  const box = $("messages");
  S.stuck = box.scrollHeight - box.scrollTop - box.clientHeight < 80;  // the person scrolled up to read: stay there
});
document.fonts.ready.then(() => { if (S.stuck) stickToBottom(); });

poll();
setInterval(poll, 700);
