// Renders LINE message objects (text, image, sticker, location, imagemap, template, flex) as DOM.
// Everything the bot sent is put in with textContent / attributes, never as HTML.
"use strict";

const Render = (() => {
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };
  const px = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const fontPx = { xxs: 10, xs: 12, sm: 13, md: 15, lg: 17, xl: 20, xxl: 24, "3xl": 28, "4xl": 34, "5xl": 44 };
  const imagePx = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 240 };
  const bubblePx = { nano: 120, micro: 160, deca: 220, hecto: 240, kilo: 260, mega: 300, giga: 386 };
  const stickerFaces = ["😊", "😂", "👍", "🙏", "😍", "😢", "🎉", "😮"];
  const size = (v, table) => (v in table ? table[v] + "px" : v);

  function clickable(node, action, onAction) {
    if (!action) return node;
    node.classList.add("tappable");
    node.title = action.label || action.type;
    node.addEventListener("click", (e) => { e.stopPropagation(); onAction(action); });
    return node;
  }

  function linkify(node, text) {
    const parts = String(text).split(/(https?:\/\/[^\s]+)/g);
    parts.forEach((part, i) => {
      if (i % 2) {
        const a = el("a", null, part);
        a.href = part; a.target = "_blank"; a.rel = "noopener";
        node.append(a);
      } else node.append(part);
    });
    return node;
  }

  function textV2(msg) {
    return msg.text.replace(/\{([^}]+)\}/g, (whole, key) => {
      const sub = (msg.substitution || {})[key];
      if (!sub) return whole;
      if (sub.type === "mention") return sub.mentionee && sub.mentionee.type === "all" ? "@ทุกคน" : "@ผู้ใช้";
      return "😀";
    });
  }

  function image(url, preview, cls) {
    const img = el("img", cls);
    img.src = preview || url;
    img.alt = "รูปภาพ";
    img.loading = "lazy";
    img.addEventListener("click", () => window.open(url, "_blank"));
    return img;
  }

  function sticker(msg) {
    const n = (parseInt(msg.stickerId, 10) || 0) % stickerFaces.length;
    const node = el("div", "sticker", stickerFaces[n]);
    node.title = `sticker ${msg.packageId}/${msg.stickerId}`;
    return node;
  }

  function pin() {
    const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "loc-pin");
    path.setAttribute("d", "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5z");
    svg.append(path);
    return svg;
  }

  function location(msg) {
    const card = el("div", "location");
    card.append(pin(), el("b", null, msg.title || "ตำแหน่ง"),
      el("div", null, msg.address || ""), el("small", null, `${msg.latitude}, ${msg.longitude}`));
    return card;
  }

  function imagemap(msg, onAction) {
    const box = el("div", "imagemap");
    box.append(image(msg.baseUrl + "/1040", null, "imagemap-img"));
    const w = msg.baseSize.width, h = msg.baseSize.height;
    box.style.aspectRatio = `${w} / ${h}`;
    (msg.actions || []).forEach((action) => {
      const a = action.area, area = el("div", "area");
      Object.assign(area.style, { left: `${a.x / w * 100}%`, top: `${a.y / h * 100}%`,
        width: `${a.width / w * 100}%`, height: `${a.height / h * 100}%` });
      box.append(clickable(area, action.linkUri ? { type: "uri", uri: action.linkUri, label: action.label }
        : action.type === "message" ? { type: "message", text: action.text, label: action.label } : action, onAction));
    });
    return box;
  }

  function actionButton(action, onAction, cls) {
    return clickable(el("button", cls || "tpl-button", action.label || action.type), action, onAction);
  }

  function templateColumn(col, onAction, kind) {
    const card = el("div", "tpl-card");
    if (col.thumbnailImageUrl) card.append(image(col.thumbnailImageUrl, null, "tpl-thumb"));
    if (col.title) card.append(el("div", "tpl-title", col.title));
    if (col.text) card.append(el("div", "tpl-text", col.text));
    const actions = el("div", kind === "confirm" ? "tpl-actions row2" : "tpl-actions");
    (col.actions || []).forEach((a) => actions.append(actionButton(a, onAction)));
    card.append(actions);
    if (col.defaultAction) clickable(card, col.defaultAction, onAction);
    return card;
  }

  function template(msg, onAction) {
    const t = msg.template;
    if (t.type === "carousel" || t.type === "image_carousel") {
      const row = el("div", "carousel");
      t.columns.forEach((col) => {
        if (t.type === "carousel") return row.append(templateColumn(col, onAction));
        const card = el("div", "tpl-card image-col");
        card.append(image(col.imageUrl, null, "tpl-thumb"), el("div", "tpl-title", col.action.label || ""));
        row.append(clickable(card, col.action, onAction));
      });
      return row;
    }
    return templateColumn(t, onAction, t.type);
  }

  function flexBox(c, onAction) {
    const box = el("div", `fx-box fx-${c.layout}`);
    const horizontal = c.layout !== "vertical";
    if (c.spacing) box.style.gap = size(c.spacing, px);
    const style = box.style;
    if (c.backgroundColor) style.backgroundColor = c.backgroundColor;
    if (c.borderColor) style.border = `${size(c.borderWidth || "1px", { light: 1, normal: 1, medium: 2, "semi-bold": 3, bold: 4 })} solid ${c.borderColor}`;
    if (c.cornerRadius) style.borderRadius = size(c.cornerRadius, px);
    ["paddingAll", "paddingTop", "paddingBottom", "paddingStart", "paddingEnd"].forEach((k) => {
      if (!c[k]) return;
      const css = { paddingAll: "padding", paddingTop: "paddingTop", paddingBottom: "paddingBottom",
        paddingStart: "paddingLeft", paddingEnd: "paddingRight" }[k];
      style[css] = size(c[k], px);
    });
    if (c.width) style.width = c.width;
    if (c.height) style.height = c.height;
    if (c.justifyContent) style.justifyContent = c.justifyContent;
    if (c.alignItems) style.alignItems = c.alignItems;
    (c.contents || []).forEach((child) => box.append(flexComponent(child, onAction, horizontal)));
    return box;
  }

  function flexText(c) {
    const node = el("div", "fx-text");
    if (c.contents && c.contents.length) {
      c.contents.forEach((s) => {
        const span = el("span", null, s.text);
        if (s.size) span.style.fontSize = size(s.size, fontPx);
        if (s.weight === "bold") span.style.fontWeight = "bold";
        if (s.color) span.style.color = s.color;
        if (s.decoration && s.decoration !== "none") span.style.textDecoration = s.decoration;
        node.append(span);
      });
    } else node.textContent = c.text;
    const s = node.style;
    s.fontSize = size(c.size || "md", fontPx);
    if (c.weight === "bold") s.fontWeight = "bold";
    if (c.color) s.color = c.color;
    if (c.align) s.textAlign = { start: "left", end: "right", center: "center" }[c.align];
    if (c.style === "italic") s.fontStyle = "italic";
    if (c.decoration && c.decoration !== "none") s.textDecoration = c.decoration;
    node.classList.add(c.wrap ? "wrap" : "nowrap");
    if (c.maxLines) { s.webkitLineClamp = c.maxLines; node.classList.add("clamp"); }
    return node;
  }

  function flexComponent(c, onAction, horizontal) {
    let node;
    switch (c.type) {
      case "box": node = flexBox(c, onAction); break;
      case "text": node = flexText(c); break;
      case "span": node = el("span", null, c.text); break;
      case "image": {
        node = el("div", "fx-image");
        const img = image(c.url, null);
        if (c.aspectRatio) img.style.aspectRatio = c.aspectRatio.replace(":", " / ");
        img.style.objectFit = c.aspectMode === "cover" ? "cover" : "contain";
        node.style.width = c.size === "full" ? "100%" : size(c.size || "md", imagePx);
        node.append(img);
        break;
      }
      case "icon": node = image(c.url, null, "fx-icon"); node.style.height = size(c.size || "md", fontPx); break;
      case "button":
        node = actionButton(c.action, onAction, `fx-button ${c.style || "link"} ${c.height || "md"}`);
        if (c.color) node.style[c.style === "link" || !c.style ? "color" : "backgroundColor"] = c.color;
        return withFlex(node, c, horizontal);
      case "separator": node = el("div", horizontal ? "fx-sep vertical" : "fx-sep");
        if (c.color) node.style.backgroundColor = c.color; break;
      case "filler": node = el("div", "fx-filler"); break;
      case "video": return flexComponent(c.altContent, onAction, horizontal);
      default: node = el("div", "fx-unknown", `[${c.type}]`);
    }
    if (c.action) clickable(node, c.action, onAction);
    return withFlex(node, c, horizontal);
  }

  function withFlex(node, c, horizontal) {
    const grow = c.flex !== undefined ? c.flex : (horizontal && c.type !== "separator" ? 1 : 0);
    node.style.flex = horizontal ? (grow ? `${grow} 1 0` : "0 0 auto") : `${grow} 0 auto`;
    if (c.margin) node.style[horizontal ? "marginLeft" : "marginTop"] = size(c.margin, px);
    if (c.gravity) node.style.alignSelf = { top: "flex-start", bottom: "flex-end", center: "center" }[c.gravity];
    if (c.offsetTop) node.style.marginTop = c.offsetTop;
    return node;
  }

  function flexBubble(b, onAction) {
    const card = el("div", "fx-bubble");
    card.style.width = (bubblePx[b.size] || bubblePx.mega) + "px";
    ["header", "hero", "body", "footer"].forEach((block) => {
      if (!b[block]) return;
      const part = el("div", `fx-block fx-${block}`);
      const blockStyle = (b.styles || {})[block] || {};
      if (blockStyle.backgroundColor) part.style.backgroundColor = blockStyle.backgroundColor;
      if (blockStyle.separator && block !== "header") card.append(el("div", "fx-sep"));
      part.append(flexComponent(b[block], onAction, false));
      card.append(part);
    });
    if (b.action) clickable(card, b.action, onAction);
    return card;
  }

  function flex(msg, onAction) {
    const c = msg.contents;
    if (c.type === "carousel") {
      const row = el("div", "carousel");
      c.contents.forEach((b) => row.append(flexBubble(b, onAction)));
      return row;
    }
    return flexBubble(c, onAction);
  }

  // One message object -> {node, plain}: plain=true means it sits in a normal speech bubble.
  function message(msg, onAction) {
    switch (msg.type) {
      case "text": return { node: linkify(el("div", "text"), msg.text), plain: true };
      case "textV2": return { node: linkify(el("div", "text"), textV2(msg)), plain: true };
      case "image": return { node: image(msg.originalContentUrl, msg.previewImageUrl, "photo"), plain: false };
      case "video": {
        const v = el("video", "photo"); v.controls = true; v.src = msg.originalContentUrl; v.poster = msg.previewImageUrl;
        return { node: v, plain: false };
      }
      case "audio": { const a = el("audio"); a.controls = true; a.src = msg.originalContentUrl; return { node: a, plain: true }; }
      case "sticker": return { node: sticker(msg), plain: false };
      case "location": return { node: location(msg), plain: false };
      case "imagemap": return { node: imagemap(msg, onAction), plain: false };
      case "template": return { node: template(msg, onAction), plain: false };
      case "flex": return { node: flex(msg, onAction), plain: false };
      default: return { node: el("pre", "raw", JSON.stringify(msg, null, 1)), plain: true };
    }
  }

  return { el, message, sticker, location, image, clickable, linkify };
})();
