/*!
 * madoguchi（窓口）chat widget — plain JavaScript, no build step.
 * Embed with one tag:
 *   <script src="https://HOST/widget.js" data-title="みらい市 事業者相談窓口" data-audience="public" async></script>
 * Optional: data-help-url (link to the human window), data-launcher-label, data-open="true".
 * 「担当者に相談する」 hands the question to staff (POST /v1/consultations); their reply appears in the conversation.
 * Everything lives in a shadow root: the host page's CSS cannot reach it and its CSS cannot reach the page.
 */
(function () {
  "use strict";
  if (window.__madoguchiWidget) return;
  window.__madoguchiWidget = true;

  var script = document.currentScript || (function () {
    var found = document.querySelectorAll('script[src*="widget.js"]');
    return found[found.length - 1];
  })();
  if (!script || !script.src) return;

  var ORIGIN = new URL(script.src, location.href).origin;
  var DATA = script.dataset || {};
  var AUDIENCE = DATA.audience === "staff" ? "staff" : "public";
  var STORE_KEY = "madoguchi-widget:" + ORIGIN;
  var SOURCES_SPLIT = /\n\s*出典[:：]/;
  var T = {
    launcher: DATA.launcherLabel || "相談する",
    launcherAria: "支援施策の相談窓口を開く",
    close: "閉じる（Esc）",
    reset: "会話を消して最初から",
    title: "事業者向け 支援施策の相談窓口",
    greeting: "地域未来戦略や国の支援施策について、公開資料をもとにお答えします。知りたいことを入力してください。",
    disclaimer: "この回答は公開資料に基づく参考情報です。正式な判断は各窓口にご確認ください。",
    help: "担当窓口に相談する",
    placeholder: "質問を入力（Enter で送信、Shift+Enter で改行）",
    inputLabel: "質問を入力",
    send: "送信",
    starters: "よくある質問",
    followUps: "関連する質問",
    choose: "近いものをお選びください",
    you: "あなた：",
    desk: "窓口：",
    thinking: "回答を作成しています",
    received: "回答が届きました。",
    sources: "出典",
    quote: "引用",
    section: "該当箇所",
    asOf: "時点",
    openSource: "発行元のページを開く（新しいタブ）",
    openPassage: "引用箇所を開く（新しいタブ）",
    up: "役に立った",
    down: "役に立たなかった",
    rate: "この回答の評価",
    thanks: "ご意見ありがとうございました。",
    network: "相談窓口と通信できませんでした。時間をおいてもう一度お試しください。続く場合は、このページの管理者にお知らせください。",
    cut: "回答の受信が途中で途切れました。もう一度お試しください。",
    tooLong: "質問が長すぎます。{n}文字以内で入力してください。",
    log: "会話の記録",
    refOpen: "出典 {n} を表示",
    handoff: "担当者に相談する",
    handoffTitle: "担当者に相談する",
    handoffIntro: "窓口の職員がお答えします。回答はこの画面（同じブラウザ）に表示されます。",
    handoffQuestion: "相談内容",
    handoffName: "お名前（任意）",
    handoffEmail: "メールアドレス（任意・回答をお知らせします）",
    handoffPhone: "電話番号（任意）",
    handoffConsent: "入力したお名前と連絡先を、回答のために自治体の担当者に伝えることに同意します。",
    handoffNeedConsent: "連絡先を伝えるには、同意の欄にチェックを入れてください（連絡先は空欄でも相談できます）。",
    handoffSend: "担当者に送る",
    handoffCancel: "やめる",
    handoffSent: "担当者に相談しました（受付番号 {id}）。回答が届くとここに表示されます。",
    handoffWaiting: "担当者からの回答をお待ちください。",
    handoffClosed: "この相談は担当者が対応を終了しました。",
    staffReply: "担当者からの回答",
    staffArrived: "担当者からの回答が届きました。"
  };
  var config = {
    title: DATA.title || T.title,
    greeting: T.greeting,
    disclaimer: T.disclaimer,
    help_url: DATA.helpUrl || "",
    help_label: T.help,
    suggestions: [],
    max_question_chars: 2000,
    max_history_turns: 20
  };

  // --- state (kept across reloads in sessionStorage) ---------------------------------------------
  function load() {
    try {
      var raw = window.sessionStorage.getItem(STORE_KEY);
      var saved = raw ? JSON.parse(raw) : null;
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage disabled or corrupt: start fresh */ }
    return { open: DATA.open === "true", messages: [] };
  }
  var state = load();
  state.messages = state.messages.filter(function (m) { return !m.pending; });
  function save() {
    try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* ignore */ }
  }
  var busy = false;
  var seq = Date.now();
  function newId() { seq += 1; return "m" + seq.toString(36); }

  // --- consultations (handoff to staff): id + token kept in localStorage, only in this browser --------------
  var CONSULT_KEY = "madoguchi-consult:" + ORIGIN;
  function loadConsults() {
    try {
      var raw = window.localStorage.getItem(CONSULT_KEY);
      var saved = raw ? JSON.parse(raw) : null;
      if (saved && Array.isArray(saved.items)) return saved;
    } catch (e) { /* storage disabled or corrupt */ }
    return { items: [] };
  }
  var consults = loadConsults();
  function saveConsults() {
    try { window.localStorage.setItem(CONSULT_KEY, JSON.stringify(consults)); } catch (e) { /* ignore */ }
  }
  var handoffConfig = { consent_text: "", contact_note: "" };
  var hf = {};  // the consultation form's elements (built with the panel)
  var handoffFrom = null;  // the answer that did not help, when the form was opened from it
  var POLL_MIN = 3000;
  var POLL_MAX = 60000;
  var pollDelay = POLL_MIN;
  var pollTimer = null;

  // --- DOM helpers ------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  // Stroke icons (after Feather, MIT) so no emoji font is needed.
  var ICONS = {
    chat: ["M21 11.5a8.4 8.4 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.4 8.4 0 0 1-3.8-.9L3 21l1.9-5.7a8.4 8.4 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.4 8.4 0 0 1 3.8-.9h.5a8.5 8.5 0 0 1 8 8v.5z"],
    close: ["M18 6L6 18", "M6 6l12 12"],
    reset: ["M1 4v6h6", "M3.5 15a9 9 0 1 0 2.1-9.4L1 10"],
    up: ["M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.3a2 2 0 0 0 2-1.7l1.4-9a2 2 0 0 0-2-2.3z", "M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3"],
    down: ["M10 15v4a3 3 0 0 0 3 3l4-9V2H5.7a2 2 0 0 0-2 1.7l-1.4 9a2 2 0 0 0 2 2.3z", "M17 2h2.7A2.3 2.3 0 0 1 22 4v7a2.3 2.3 0 0 1-2.3 2H17"]
  };
  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "mw-icon");
    ICONS[name].forEach(function (d) {
      var path = document.createElementNS(ns, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }
  function coarsePointer() {
    return !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  }
  function isHttp(url) {
    try { var u = new URL(url); return u.protocol === "https:" || u.protocol === "http:"; } catch (e) { return false; }
  }
  function shown(text) { return String(text || "").split(SOURCES_SPLIT)[0].replace(/\s+$/, ""); }

  // --- the shadow root --------------------------------------------------------------------------
  var host = el("madoguchi-widget", { "data-madoguchi": "" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: ":host{all:initial !important;display:block !important}.mw[data-loading]{display:none}" }));
  var sheet = el("link", { rel: "stylesheet", href: ORIGIN + "/widget.css" });
  root.appendChild(sheet);

  var launcher = el("button", {
    type: "button", className: "mw-launcher", "aria-haspopup": "dialog", "aria-expanded": "false",
    "aria-controls": "mw-panel", "aria-label": T.launcherAria
  }, [icon("chat"), el("span", { className: "mw-launcher-label", text: T.launcher })]);
  var title = el("h2", { className: "mw-title", id: "mw-title", text: config.title });
  var resetBtn = el("button", { type: "button", className: "mw-icon-btn", "aria-label": T.reset, title: T.reset }, [icon("reset")]);
  var closeBtn = el("button", { type: "button", className: "mw-icon-btn", "aria-label": T.close, title: T.close }, [icon("close")]);
  var helpLink = el("a", { className: "mw-help", target: "_blank", rel: "noopener noreferrer", text: T.help + " ↗" });
  var disclaimerText = el("span", { text: config.disclaimer });
  var handoffBtn = el("button", { type: "button", className: "mw-handoff-open", text: T.handoff,
    onclick: function () { openHandoff(null); } });
  var disclaimer = el("p", { className: "mw-disclaimer", id: "mw-disclaimer" }, [disclaimerText, " ", helpLink, " ", handoffBtn]);
  var log = el("div", { className: "mw-log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  var input = el("textarea", { id: "mw-input", className: "mw-input", rows: "2", placeholder: T.placeholder, "aria-describedby": "mw-hint" });
  var sendBtn = el("button", { type: "submit", className: "mw-send", text: T.send });
  var hint = el("p", { className: "mw-hint", id: "mw-hint", "aria-live": "assertive" });
  var form = el("form", { className: "mw-form" }, [
    el("label", { className: "mw-sr", "for": "mw-input", text: T.inputLabel }), input, sendBtn
  ]);
  var status = el("p", { className: "mw-sr", role: "status" });
  var panel = el("div", {
    className: "mw-panel", id: "mw-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "mw-title", "aria-describedby": "mw-disclaimer", hidden: true
  }, [el("div", { className: "mw-head" }, [title, resetBtn, closeBtn]), disclaimer, log, handoffForm(), hint, form, status]);
  var shell = el("div", { className: "mw", "data-loading": "" }, [launcher, panel]);
  root.appendChild(shell);
  function reveal() { shell.removeAttribute("data-loading"); }
  sheet.addEventListener("load", reveal);
  sheet.addEventListener("error", reveal);

  function applyConfig() {
    title.textContent = DATA.title || config.title;
    disclaimerText.textContent = config.disclaimer;
    helpLink.textContent = (config.help_label || T.help) + " ↗";
    var url = DATA.helpUrl || config.help_url;
    if (url && isHttp(url)) { helpLink.href = url; helpLink.hidden = false; } else { helpLink.hidden = true; }
    input.maxLength = config.max_question_chars;
  }

  // --- rendering ---------------------------------------------------------------------------------
  function groupCitations(citations) {
    var groups = [];
    var byN = {};
    (citations || []).forEach(function (c) {
      var g = byN[c.n];
      if (!g) {
        g = byN[c.n] = { n: c.n, title: c.title, section: c.section, as_of: c.as_of, url: c.url, chunk_id: c.chunk_id, quotes: [] };
        groups.push(g);
      }
      if (c.quote && g.quotes.indexOf(c.quote) < 0) g.quotes.push(c.quote);
    });
    return groups;
  }

  function toggleCitation(msg, msgNode, n, focusChip) {
    var chip = msgNode.querySelector('.mw-chip[data-n="' + n + '"]');
    var detail = msgNode.querySelector('.mw-cite[data-n="' + n + '"]');
    if (!chip || !detail) return;
    var open = chip.getAttribute("aria-expanded") !== "true";
    chip.setAttribute("aria-expanded", open ? "true" : "false");
    detail.hidden = !open;
    msg.open = msg.open || {};
    msg.open[n] = open;
    save();
    if (focusChip) chip.focus();
    if (open && detail.scrollIntoView) detail.scrollIntoView({ block: "nearest" });
  }

  function textWithRefs(text, msg, msgNode, citable) {
    var out = el("div", { className: "mw-text" });
    var parts = text.split(/(\[\d+\])/);
    parts.forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (m && citable[m[1]]) {
        out.appendChild(el("button", {
          type: "button", className: "mw-ref", "aria-label": T.refOpen.replace("{n}", m[1]), text: m[1],
          onclick: function () { toggleCitation(msg, msgNode, m[1], true); }
        }));
      } else if (part) {
        out.appendChild(document.createTextNode(part));
      }
    });
    return out;
  }

  // A chip names the passage: the last part of its section path (the title when there is none).
  function chipLabel(g) {
    var parts = String(g.section || "").split(" > ").filter(function (p) { return p; });
    return parts.length ? parts[parts.length - 1] : g.title;
  }

  // The desk's own page of the cited document, scrolled to the passage and highlighted.
  function passageUrl(chunkId) {
    return ORIGIN + "/passages/" + encodeURIComponent(chunkId);
  }

  function citationsBlock(msg, msgNode) {
    var groups = groupCitations(msg.citations);
    if (!groups.length) return null;
    var opened = msg.open || {};
    var chips = el("div", { className: "mw-chips", role: "group", "aria-label": T.sources });
    var details = el("div", { className: "mw-cites" });
    chips.appendChild(el("span", { className: "mw-chips-label", "aria-hidden": "true", text: T.sources }));
    groups.forEach(function (g) {
      var id = "mw-c-" + msg.id + "-" + g.n;
      chips.appendChild(el("button", {
        type: "button", className: "mw-chip", "data-n": String(g.n), "aria-expanded": opened[g.n] ? "true" : "false",
        "aria-controls": id, title: g.title + (g.section ? " — " + g.section : ""), onclick: function () { toggleCitation(msg, msgNode, g.n, false); }
      }, [el("span", { className: "mw-chip-n", text: String(g.n) }), el("span", { className: "mw-chip-t", text: chipLabel(g) })]));
      var meta = el("dl", { className: "mw-meta" }, [
        g.section ? el("dt", { text: T.section }) : null, g.section ? el("dd", { text: g.section }) : null,
        g.as_of ? el("dt", { text: T.asOf }) : null, g.as_of ? el("dd", { text: g.as_of }) : null
      ]);
      details.appendChild(el("div", { className: "mw-cite", id: id, "data-n": String(g.n), hidden: !opened[g.n] }, [
        el("p", { className: "mw-cite-title", text: "[" + g.n + "] " + g.title }),
        el("div", { className: "mw-quotes" }, g.quotes.map(function (q) {
          return el("blockquote", { className: "mw-quote", text: q });
        })),
        meta,
        g.chunk_id ? el("a", { className: "mw-link mw-passage", href: passageUrl(g.chunk_id), target: "_blank", rel: "noopener", text: T.openPassage }) : null,
        isHttp(g.url) ? el("a", { className: "mw-link", href: g.url, target: "_blank", rel: "noopener noreferrer", text: T.openSource }) : null
      ]));
    });
    return el("div", { className: "mw-sources" }, [chips, details]);
  }

  function feedbackBlock(msg) {
    if (!msg.answerId) return null;
    function button(rating, label) {
      return el("button", {
        type: "button", className: "mw-rate", "aria-label": label, title: label,
        "aria-pressed": msg.rating === rating ? "true" : "false", disabled: !!msg.rating || !!msg.rating_pending,
        onclick: function () { rate(msg, rating); }
      }, [icon(rating)]);
    }
    return el("div", { className: "mw-feedback", role: "group", "aria-label": T.rate }, [
      button("up", T.up), button("down", T.down),
      msg.rating ? el("span", { className: "mw-thanks", text: T.thanks }) : null,
      msg.rating_error ? el("span", { className: "mw-thanks mw-thanks-error", text: msg.rating_error }) : null
    ]);
  }

  function renderMessage(msg) {
    var node;
    if (msg.role === "user") {
      node = el("div", { className: "mw-msg mw-msg-user", "data-id": msg.id }, [
        el("div", { className: "mw-bubble" }, [el("span", { className: "mw-sr", text: T.you }), msg.text])
      ]);
      return node;
    }
    var classes = "mw-msg mw-msg-bot" + (msg.error ? " mw-msg-error" : "") + (msg.refused ? " mw-msg-refused" : "");
    node = el("div", { className: classes, "data-id": msg.id });
    var bubble = el("div", { className: "mw-bubble" }, [el("span", { className: "mw-sr", text: T.desk })]);
    var citable = {};
    (msg.citations || []).forEach(function (c) { citable[c.n] = true; });
    var text = shown(msg.text);
    if (text) bubble.appendChild(textWithRefs(text, msg, node, citable));
    if (msg.pending && !text) {
      bubble.appendChild(el("p", { className: "mw-typing", text: T.thinking }, [
        el("span", { className: "mw-dots", "aria-hidden": "true", text: "…" })
      ]));
    }
    if (msg.error) bubble.appendChild(el("p", { className: "mw-error-text", role: "alert", text: msg.error }));
    var helpUrl = DATA.helpUrl || config.help_url;
    if ((msg.refused || msg.error) && !msg.pending && helpUrl && isHttp(helpUrl)) {
      bubble.appendChild(el("p", { className: "mw-window" }, [el("a", {
        href: helpUrl, target: "_blank", rel: "noopener noreferrer", text: (config.help_label || T.help) + " ↗"
      })]));
    }
    var offer = handoffOffer(msg);
    if (offer) bubble.appendChild(offer);
    node.appendChild(bubble);
    if (!msg.pending) {
      var sources = citationsBlock(msg, node);
      if (sources) node.appendChild(sources);
      var fb = feedbackBlock(msg);
      if (fb) node.appendChild(fb);
    }
    return node;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }
  // Follow a growing answer, but never scroll its question out of view: the reader starts at the top.
  var anchor = null;
  function follow() {
    var bottom = log.scrollHeight - log.clientHeight;
    log.scrollTop = anchor ? Math.min(bottom, Math.max(0, anchor.offsetTop - 12)) : bottom;
  }

  function updateMessage(msg, scroll) {
    var old = log.querySelector('[data-id="' + msg.id + '"]');
    var fresh = renderMessage(msg);
    if (old) log.replaceChild(fresh, old); else log.appendChild(fresh);
    if (scroll) follow();
  }

  // Starter questions under the greeting, follow-ups under the latest answer (inside the conversation).
  function renderSuggestions() {
    var old = log.querySelector(".mw-suggest");
    if (old) log.removeChild(old);
    var last = state.messages[state.messages.length - 1];
    var items = [];
    var label = T.starters;
    if (!state.messages.length) {
      items = config.suggestions || [];
    } else if (last && last.role === "assistant" && !last.pending && !last.error) {
      items = last.suggestions || [];
      label = T.followUps;
    }
    // A clarifying question: every choice as a button (its label), pressing one asks the choice's question.
    var choices = last && last.role === "assistant" && !last.pending && !last.error ? (last.choices || []) : [];
    if (choices.length) {
      items = choices;
      label = T.choose;
    } else {
      items = items.slice(0, 4).map(function (q) { return { label: q, ask: q }; });
    }
    if (busy || !items.length) return;
    log.appendChild(el("div", { className: "mw-suggest" + (choices.length ? " mw-choices" : ""), role: "group", "aria-label": label }, [
      el("p", { className: "mw-suggest-label", "aria-hidden": "true", text: label }),
      el("div", { className: "mw-suggest-list" }, items.map(function (c) {
        return el("button", { type: "button", className: "mw-suggestion", text: c.label, title: c.ask, onclick: function () { ask(c.ask); } });
      }))
    ]));
  }

  function renderAll() {
    log.textContent = "";
    log.appendChild(el("div", { className: "mw-msg mw-msg-bot mw-greeting" }, [
      el("div", { className: "mw-bubble" }, [el("span", { className: "mw-sr", text: T.desk }), config.greeting])
    ]));
    state.messages.forEach(function (m) { log.appendChild(renderMessage(m)); });
    renderConsultations();
    renderSuggestions();
    scrollDown();
  }

  // --- the API ----------------------------------------------------------------------------------
  function apiError(status, body) {
    var message = body && body.error && body.error.message;
    var err = new Error(message || T.network);
    err.status = status;
    return err;
  }

  function post(path, payload, accept) {
    return fetch(ORIGIN + path, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": accept || "application/json", "X-Madoguchi-Client": "widget" },
      body: JSON.stringify(payload)
    }).then(function (res) {
      if (res.ok) return res;
      return res.json().catch(function () { return null; }).then(function (body) { throw apiError(res.status, body); });
    });
  }

  // Parse a text/event-stream body: calls onEvent(name, data) for every event (data JSON-decoded).
  function readEvents(res, onEvent) {
    if (!res.body || !res.body.getReader) {
      return res.text().then(function (all) { dispatchAll(all + "\n\n", onEvent); });
    }
    var reader = res.body.getReader();
    var decoder = new TextDecoder("utf-8");
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          buffer += decoder.decode();
          dispatchAll(buffer + "\n\n", onEvent);
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var hold = buffer.slice(-1) === "\r" ? "\r" : "";
        var text = (hold ? buffer.slice(0, -1) : buffer).replace(/\r\n|\r/g, "\n");
        var blocks = text.split("\n\n");
        buffer = blocks.pop() + hold;
        blocks.forEach(function (b) { dispatchBlock(b, onEvent); });
        return pump();
      });
    }
    return pump();
  }
  function dispatchAll(text, onEvent) {
    text.replace(/\r\n|\r/g, "\n").split("\n\n").forEach(function (b) { dispatchBlock(b, onEvent); });
  }
  function dispatchBlock(block, onEvent) {
    var name = "message";
    var data = [];
    block.split("\n").forEach(function (line) {
      if (!line || line.charAt(0) === ":") return;
      var i = line.indexOf(":");
      var field = i < 0 ? line : line.slice(0, i);
      var value = i < 0 ? "" : line.slice(i + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    });
    if (!data.length) return;
    var raw = data.join("\n");
    var parsed;
    try { parsed = JSON.parse(raw); } catch (e) { parsed = raw; }
    onEvent(name, parsed);
  }

  function historyFor() {
    var turns = state.messages.filter(function (m) {
      return (m.role === "user" || m.role === "assistant") && !m.pending && !m.error && m.text;
    }).map(function (m) {
      return { role: m.role, content: (m.role === "assistant" ? shown(m.text) : m.text).slice(0, config.max_question_chars) };
    });
    return turns.slice(-config.max_history_turns);
  }

  function setBusy(value) {
    busy = value;
    sendBtn.disabled = value;
    input.setAttribute("aria-busy", value ? "true" : "false");
    log.setAttribute("aria-busy", value ? "true" : "false");
    status.textContent = value ? T.thinking : "";
  }

  function ask(question) {
    question = String(question || "").trim();
    if (busy || !question) return;
    if (question.length > config.max_question_chars) {
      hint.textContent = T.tooLong.replace("{n}", String(config.max_question_chars));
      return;
    }
    hint.textContent = "";
    var history = historyFor();
    var user = { id: newId(), role: "user", text: question };
    var msg = { id: newId(), role: "assistant", text: "", citations: [], suggestions: [], pending: true };
    state.messages.push(user, msg);
    input.value = "";
    setBusy(true);
    renderSuggestions();
    anchor = null;
    updateMessage(user, true);
    anchor = log.querySelector('[data-id="' + user.id + '"]');
    updateMessage(msg, true);
    var finished = false;
    post("/v1/ask", { question: question, history: history, audience: AUDIENCE, stream: true }, "text/event-stream")
      .then(function (res) {
        return readEvents(res, function (name, data) {
          if (name === "delta") { msg.text += String(data); updateMessage(msg, true); }
          else if (name === "replace") { msg.text = typeof data === "string" ? data : (data && (data.text || data.answer)) || msg.text; updateMessage(msg, true); }
          else if (name === "citations") { msg.citations = Array.isArray(data) ? data : []; }
          else if (name === "error") { throw apiError(0, data); }
          else if (name === "done" && data) {
            finished = true;
            msg.text = data.answer || msg.text;
            msg.citations = data.citations || msg.citations;
            msg.suggestions = data.suggestions || [];
            msg.choices = data.choices || [];
            msg.answerId = data.answer_id;
            msg.feedbackToken = data.feedback_token;
            msg.refused = !!data.refused;
          }
        });
      })
      .then(function () { if (!finished) throw new Error(T.cut); status.textContent = T.received; })
      .catch(function (err) {
        var known = err && (err.status !== undefined || err.message === T.cut);
        msg.error = known ? err.message : T.network;
      })
      .then(function () {
        msg.pending = false;
        setBusy(false);
        updateMessage(msg);
        renderSuggestions();
        follow();
        anchor = null;
        save();
        // Back to the input for keyboard users; on touch screens that would pop the keyboard over the answer.
        if (!panel.hidden && !coarsePointer()) input.focus();
      });
    save();
  }

  function rate(msg, rating) {
    if (msg.rating || msg.rating_pending) return;
    msg.rating_pending = true;
    msg.rating_error = "";
    updateMessage(msg);
    post("/v1/feedback", { answer_id: msg.answerId, rating: rating, feedback_token: msg.feedbackToken })
      .then(function () { msg.rating = rating; })
      .catch(function (err) { msg.rating_error = (err && err.status) ? err.message : T.network; })
      .then(function () {
        msg.rating_pending = false;
        updateMessage(msg);
        save();
        var again = log.querySelector('[data-id="' + msg.id + '"] .mw-rate[aria-pressed="true"]') ||
          log.querySelector('[data-id="' + msg.id + '"] .mw-rate');
        if (again) again.focus();
      });
  }

  // --- handoff to staff: the consultation form, staff replies in the conversation, polling with backoff ------

  function handoffForm() {
    hf.question = el("textarea", { id: "mw-hf-q", className: "mw-hf-input", rows: "4", maxlength: "4000" });
    hf.name = el("input", { id: "mw-hf-name", className: "mw-hf-input", type: "text", maxlength: "100", autocomplete: "name" });
    hf.email = el("input", { id: "mw-hf-email", className: "mw-hf-input", type: "email", maxlength: "254", autocomplete: "email" });
    hf.phone = el("input", { id: "mw-hf-phone", className: "mw-hf-input", type: "tel", maxlength: "30", autocomplete: "tel" });
    hf.consent = el("input", { id: "mw-hf-consent", type: "checkbox" });
    hf.consentText = el("span", { text: T.handoffConsent });
    hf.note = el("p", { className: "mw-hf-note" });
    hf.error = el("p", { className: "mw-hf-error", role: "alert" });
    hf.send = el("button", { type: "submit", className: "mw-hf-send", text: T.handoffSend });
    function field(id, label, control) {
      return el("div", { className: "mw-hf-field" }, [el("label", { "for": id, text: label }), control]);
    }
    hf.form = el("form", { className: "mw-handoff", hidden: true, "aria-labelledby": "mw-hf-title", novalidate: true }, [
      el("h3", { className: "mw-hf-title", id: "mw-hf-title", text: T.handoffTitle }),
      el("p", { className: "mw-hf-note", text: T.handoffIntro }), hf.note,
      field("mw-hf-q", T.handoffQuestion, hf.question),
      field("mw-hf-name", T.handoffName, hf.name),
      field("mw-hf-email", T.handoffEmail, hf.email),
      field("mw-hf-phone", T.handoffPhone, hf.phone),
      el("label", { className: "mw-hf-consent", "for": "mw-hf-consent" }, [hf.consent, hf.consentText]),
      hf.error,
      el("div", { className: "mw-hf-actions" }, [
        el("button", { type: "button", className: "mw-hf-cancel", text: T.handoffCancel, onclick: function () { closeHandoff(); } }),
        hf.send
      ])
    ]);
    hf.form.addEventListener("submit", function (event) { event.preventDefault(); submitHandoff(); });
    return hf.form;
  }

  function shortId(id) { return String(id || "").slice(0, 8); }

  function openHandoff(msg) {
    handoffFrom = msg;
    var asked = state.messages.filter(function (m) { return m.role === "user" && m.text; }).map(function (m) { return m.text; });
    hf.question.value = asked.slice(-3).join("\n").slice(0, 4000);
    hf.error.textContent = "";
    hf.note.textContent = handoffConfig.contact_note || "";
    hf.consentText.textContent = handoffConfig.consent_text || T.handoffConsent;
    hf.form.hidden = false;
    log.hidden = true;
    form.hidden = true;
    if (panel.hidden) openPanel(false);
    hf.question.focus();
  }

  function closeHandoff() {
    hf.form.hidden = true;
    log.hidden = false;
    form.hidden = false;
    scrollDown();
    input.focus();
  }

  function submitHandoff() {
    var question = hf.question.value.trim();
    var name = hf.name.value.trim();
    var email = hf.email.value.trim();
    var phone = hf.phone.value.trim();
    if (!question) { hf.error.textContent = "相談内容を入力してください。"; hf.question.focus(); return; }
    if ((name || email || phone) && !hf.consent.checked) { hf.error.textContent = T.handoffNeedConsent; hf.consent.focus(); return; }
    hf.send.disabled = true;
    hf.error.textContent = "";
    post("/v1/consultations", {
      question: question, conversation: historyFor(), answer_id: (handoffFrom && handoffFrom.answerId) || null,
      name: name || null, email: email || null, phone: phone || null, consent: hf.consent.checked,
      page_url: String(location.href).slice(0, 500)
    }).then(function (res) { return res.json(); }).then(function (body) {
      consults.items.push({ id: body.id, token: body.token, status: body.status, question: question, replies: [] });
      saveConsults();
      hf.name.value = ""; hf.email.value = ""; hf.phone.value = ""; hf.consent.checked = false;
      closeHandoff();
      renderAll();
      status.textContent = T.handoffSent.replace("{id}", shortId(body.id));
      schedulePoll(true);
    }).catch(function (err) {
      hf.error.textContent = (err && err.status) ? err.message : T.network;
    }).then(function () { hf.send.disabled = false; });
  }

  function handoffOffer(msg) {
    if (msg.role !== "assistant" || msg.pending || !(msg.refused || msg.rating === "down")) return null;
    return el("p", { className: "mw-handoff-offer" }, [el("button", {
      type: "button", className: "mw-handoff-open", text: T.handoff, onclick: function () { openHandoff(msg); }
    })]);
  }

  function renderConsultations() {
    consults.items.forEach(function (c) {
      var note = c.status === "closed" ? T.handoffClosed : (c.replies.length ? "" : T.handoffWaiting);
      log.appendChild(el("div", { className: "mw-msg mw-msg-bot mw-msg-handoff", "data-consultation": c.id }, [
        el("div", { className: "mw-bubble" }, [
          el("span", { className: "mw-sr", text: T.desk }),
          el("p", { text: T.handoffSent.replace("{id}", shortId(c.id)) }),
          note ? el("p", { className: "mw-hf-status", text: note }) : null
        ])
      ]));
      c.replies.forEach(function (r) {
        log.appendChild(el("div", { className: "mw-msg mw-msg-staff", "data-reply": r.id }, [
          el("div", { className: "mw-bubble" }, [
            el("p", { className: "mw-staff-label", text: T.staffReply }),
            el("div", { className: "mw-text", text: r.text })
          ])
        ]));
      });
    });
  }

  function refreshConsults() {
    var changed = false;
    return Promise.all(consults.items.map(function (c) {
      return fetch(ORIGIN + "/v1/consultations/" + encodeURIComponent(c.id), {
        mode: "cors", credentials: "omit", headers: { "Authorization": "Bearer " + c.token, "X-Madoguchi-Client": "widget" }
      }).then(function (res) {
        if (res.status === 404) { c.gone = true; return null; }  // purged (retention) or not ours
        return res.ok ? res.json() : null;
      }).then(function (body) {
        if (!body) return;
        if (body.status !== c.status || body.replies.length !== c.replies.length) {
          changed = true;
          c.status = body.status;
          c.replies = body.replies;
        }
      }).catch(function () { /* offline: the next poll tries again */ });
    })).then(function () {
      var before = consults.items.length;
      consults.items = consults.items.filter(function (c) { return !c.gone; });
      if (changed || before !== consults.items.length) {
        saveConsults();
        if (!busy && hf.form.hidden) renderAll();
        if (changed) status.textContent = T.staffArrived;
      }
      return changed;
    });
  }

  function schedulePoll(reset) {
    if (reset) pollDelay = POLL_MIN;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    if (!consults.items.some(function (c) { return c.status === "open"; })) return;
    pollTimer = setTimeout(function () {
      pollTimer = null;
      refreshConsults().then(function (changed) {
        pollDelay = changed ? POLL_MIN : Math.min(POLL_MAX, Math.round(pollDelay * 1.6));
        schedulePoll(false);
      });
    }, pollDelay);
  }

  function applyRoute() {
    if (DATA.helpUrl || !handoffConfig.help_url) return;
    config.help_url = handoffConfig.help_url;
    config.help_label = handoffConfig.help_label || config.help_label;
  }

  function startHandoff() {
    fetch(ORIGIN + "/v1/handoff-config", { mode: "cors", credentials: "omit" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (cfg) {
        if (!cfg) return;
        handoffConfig = cfg;
        applyRoute();
        applyConfig();
        if (!busy && hf.form.hidden) renderAll();
      })
      .catch(function () { /* the built-in texts serve */ });
    if (consults.items.length) refreshConsults().then(function () { schedulePoll(true); });
  }

  // --- open / close and keyboard ------------------------------------------------------------------
  function openPanel(focus) {
    state.open = true;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    scrollDown();
    if (focus) input.focus();
    save();
  }
  function closePanel() {
    state.open = false;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
    save();
  }
  launcher.addEventListener("click", function () { openPanel(true); });
  closeBtn.addEventListener("click", closePanel);
  resetBtn.addEventListener("click", function () {
    if (busy) return;
    state.messages = [];
    save();
    renderAll();
    input.focus();
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); closePanel(); }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      ask(input.value);
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); ask(input.value); });

  // --- start --------------------------------------------------------------------------------------
  function start() {
    (document.body || document.documentElement).appendChild(host);
    applyConfig();
    renderAll();
    if (state.open) openPanel(false);
    startHandoff();
    fetch(ORIGIN + "/v1/widget-config", { mode: "cors", credentials: "omit" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (cfg) {
        if (!cfg) return;
        Object.keys(config).forEach(function (k) { if (cfg[k] !== undefined && cfg[k] !== null) config[k] = cfg[k]; });
        applyRoute();
        applyConfig();
        renderAll();
      })
      .catch(function () { /* keep the built-in defaults; questions will report the error */ });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
