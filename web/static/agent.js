/* agent.js - optional enhancements of the agents' pages; every page works
 * without it.  Polls /agent/counts.json to announce new tickets on the
 * queue, ticks every row with "select all on this page", and keyboard
 * shortcuts: j/k move between rows or messages, r jumps to the reply box.
 * On the ticket page, Insert of a canned response puts it at the cursor
 * of the reply box (the same POST with an empty body, without reloading
 * the page; without JavaScript the server appends it at the end); on any
 * failure the form is submitted as without JavaScript. */
"use strict";
(function () {
  var POLL_MS = 30000;
  var live = document.getElementById("live");
  var newest = null;
  function poll() {
    fetch("/agent/counts.json", {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        if (newest !== null && d.newest > newest) live.hidden = false;
        if (newest === null) newest = d.newest;
        var c = document.querySelector(".count[data-view=open]");
        if (c) c.textContent = String(d.open);
      })
      .catch(function () {});
  }
  if (live) {
    poll();
    window.setInterval(poll, POLL_MS);
  }
  /* "select all on this page" ticks the rows too (the server takes the
     page's rows from the form either way) */
  var all = document.getElementById("bulk-all");
  if (all) {
    var boxes = document.querySelectorAll("form.bulk input[name=t]");
    all.addEventListener("change", function () {
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    });
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].addEventListener("change", function (ev) {
        if (!ev.target.checked) all.checked = false; /* not all any more */
      });
    }
  }
  var at = -1;
  function items() {
    return document.querySelectorAll("table.queue tbody tr, article.msg");
  }
  function move(d) {
    var list = items();
    if (list.length === 0) return;
    if (at >= 0 && list[at]) list[at].classList.remove("current");
    at = Math.max(0, Math.min(list.length - 1, at + d));
    list[at].classList.add("current");
    list[at].scrollIntoView({block: "nearest"});
    var link = list[at].querySelector("a");
    if (link && list[at].tagName === "TR") link.focus();
    else list[at].focus();
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT" ||
        ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "j") { move(1); ev.preventDefault(); }
    else if (ev.key === "k") { move(-1); ev.preventDefault(); }
    else if (ev.key === "r") {
      var box = document.getElementById("reply-body");
      if (box) { box.focus(); ev.preventDefault(); }
    }
  });
})();

/* The header's unread notification count follows new notifications
   without a reload; without JavaScript it is right as of the page load. */
(function () {
  var NOTIFY_MS = 5000;
  var badge = document.getElementById("notify-count");
  if (!badge || !window.fetch) return;
  function poll() {
    fetch("/agent/notifications.json", {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d || typeof d.unread !== "number") return;
        badge.textContent = String(d.unread);
        badge.setAttribute("data-unread", String(d.unread));
      })
      .catch(function () {});
  }
  window.setInterval(poll, NOTIFY_MS);
})();

(function () {
  var btn = document.querySelector("button[formaction$='/canned']");
  var box = document.getElementById("reply-body");
  if (!btn || !box || !window.fetch || !window.DOMParser) return;
  var fallback = false;
  function note(doc) {
    var old = document.getElementById("notice");
    var got = doc.getElementById("notice");
    if (old) old.remove();
    if (got) box.form.parentNode.insertBefore(document.importNode(got, true),
                                              box.form);
  }
  /* the expansion alone is asked for (an empty body), then put where
     the cursor is: a greeting lands before what was typed if the cursor
     is at the start */
  btn.addEventListener("click", function (ev) {
    if (fallback) return;
    ev.preventDefault();
    var pick = document.getElementById("canned");
    if (pick && pick.value === "") { box.focus(); return; }
    var start = box.selectionStart, end = box.selectionEnd;
    var body = new URLSearchParams(new FormData(box.form));
    body.delete("files");
    body.set("body", "");
    body.set(btn.name, btn.value);
    fetch(btn.formAction, {method: "POST", body: body,
                           credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var filled = doc.getElementById("reply-body");
        if (!filled) throw new Error("no reply box");
        var text = filled.value, v = box.value;
        /* on a line of its own: a newline before it unless it starts a
           line, after it unless a line starts there */
        if (start > 0 && v.charAt(start - 1) !== "\n") text = "\n" + text;
        if (end < v.length && v.charAt(end) !== "\n" &&
            text.charAt(text.length - 1) !== "\n") text += "\n";
        box.value = v.slice(0, start) + text + v.slice(end);
        note(doc);
        box.focus();
        box.setSelectionRange(start + text.length, start + text.length);
        box.dispatchEvent(new Event("input"));
      })
      .catch(function () { fallback = true; btn.click(); });
  });
})();

/* The reply box grows with its text (where CSS field-sizing is missing). */
(function () {
  var box = document.getElementById("reply-body");
  if (!box || (window.CSS && CSS.supports("field-sizing", "content"))) return;
  function grow() {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight + 4, window.innerHeight * 0.7) + "px";
  }
  box.addEventListener("input", grow);
  grow();
})();

/* Recovery codes: a Copy button next to the download link. */
(function () {
  var btn = document.getElementById("codes-copy");
  var list = document.getElementById("codes");
  if (!btn || !list || !navigator.clipboard) return;
  btn.hidden = false;
  btn.addEventListener("click", function () {
    var codes = [];
    var items = list.querySelectorAll("code");
    for (var i = 0; i < items.length; i++) codes.push(items[i].textContent);
    navigator.clipboard.writeText(codes.join("\n") + "\n").catch(function () {});
  });
})();
