/* A search box in place of a <select> of every enterprise (safety_platform/widgets.py, issue 16).
 *
 * Without this script the text box is the field: a credit code or an exact name is sent as typed.
 * With it, the box becomes a WAI-ARIA combobox: typing asks the widget's endpoint (?q=) for at most
 * ~20 matches, shown in a listbox (arrow keys, Enter, Escape; large rows for a finger), and the chosen
 * row's id goes in a hidden input that takes over the field's name. Text typed and not chosen is
 * sent as typed (the server resolves a credit code or an exact name, within the user's scope).
 *
 * Offline (or when the endpoint cannot be reached) the list shows the rows chosen recently on this
 * device (kept in localStorage per login and endpoint): the offline hazard form still lets an
 * inspector pick the enterprises visited lately, or type a credit code.
 */
(function () {
  "use strict";
  var RECENT_MAX = 30;
  var DELAY_MS = 200;
  var counter = 0;

  function recentKey(box, input) {
    var form = input.form;
    var user = (form && form.getAttribute("data-user")) || document.body.getAttribute("data-user") || "";
    var url = (box.getAttribute("data-url") || "").split("?")[0];
    return "picker-recent:" + user + ":" + url;
  }

  function readRecent(key) {
    try {
      var list = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function remember(key, item) {
    var list = readRecent(key).filter(function (r) { return String(r.id) !== String(item.id); });
    list.unshift({ id: item.id, label: item.label, detail: item.detail || "" });
    try { localStorage.setItem(key, JSON.stringify(list.slice(0, RECENT_MAX))); } catch (e) { /* full */ }
  }

  function matchesText(item, text) {
    if (!text) { return true; }
    var t = text.toUpperCase();
    return String(item.label).toUpperCase().indexOf(t) !== -1 || String(item.detail).toUpperCase().indexOf(t) === 0;
  }

  function setup(box) {
    if (box.getAttribute("data-picker-ready")) { return; }
    var input = box.querySelector("input[type=text]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[data-picker-status]");
    if (!input || !list || input.disabled) { return; }
    box.setAttribute("data-picker-ready", "1");
    counter += 1;

    // The hidden input takes the field's name: it sends the chosen id (or the text typed, unchosen).
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = box.getAttribute("data-id") || input.value;
    hidden.setAttribute("data-picker-value", "");
    input.removeAttribute("name");
    box.appendChild(hidden);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var key = recentKey(box, input);
    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var chosenLabel = input.value;

    function announce(message) { if (status) { status.textContent = message; } }

    function close() {
      list.classList.add("d-none");
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      items = [];
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      Array.prototype.forEach.call(options, function (el, i) {
        var on = i === index;
        el.classList.toggle("active", on);
        el.setAttribute("aria-selected", on ? "true" : "false");
        if (on) {
          input.setAttribute("aria-activedescendant", el.id);
          if (el.scrollIntoView) { el.scrollIntoView({ block: "nearest" }); }
        }
      });
      if (index < 0) { input.removeAttribute("aria-activedescendant"); }
    }

    function choose(item) {
      hidden.value = String(item.id);
      input.value = item.label;
      chosenLabel = item.label;
      remember(key, item);
      close();
      announce(item.label);
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found, note) {
      list.textContent = "";
      items = found;
      active = -1;
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "_" + i;
        li.className = "list-group-item list-group-item-action picker-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-testid", "picker-option");
        var name = document.createElement("span");
        name.className = "d-block";
        name.textContent = item.label;
        li.appendChild(name);
        if (item.detail) {
          var detail = document.createElement("small");
          detail.className = "d-block text-body-secondary";
          detail.textContent = item.detail;
          li.appendChild(detail);
        }
        // mousedown, not click: the box would lose focus (and close the list) before a click lands.
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      if (note || !found.length) {
        var info = document.createElement("li");
        info.className = "list-group-item small text-body-secondary picker-note";
        info.setAttribute("role", "presentation");
        info.textContent = note || box.getAttribute("data-no-match");
        list.appendChild(info);
      }
      list.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
      announce(found.length ? (box.getAttribute("data-found") || "").replace("{n}", String(found.length))
        : (note || box.getAttribute("data-no-match")));
    }

    function showRecent(text, offline) {
      var found = readRecent(key).filter(function (item) { return matchesText(item, text); }).slice(0, 20);
      if (found.length || offline) { show(found, offline ? box.getAttribute("data-offline") : ""); } else { close(); }
    }

    function search() {
      var text = input.value.trim();
      if (!text) { showRecent("", !navigator.onLine); return; }
      if (!navigator.onLine || !window.fetch) { showRecent(text, true); return; }
      var url = box.getAttribute("data-url");
      url += (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(text);
      if (pending && pending.abort) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: pending && pending.signal })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() !== text) { return; }  // typed on meanwhile: a newer answer follows
          show(data.results || [], "");
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          showRecent(text, true);
        });
    }

    input.addEventListener("input", function () {
      // Typed, not chosen: the text itself is sent (a credit code or an exact name is accepted).
      hidden.value = input.value.trim();
      chosenLabel = null;
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      if (!input.value.trim()) { showRecent("", false); }
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.classList.contains("d-none") && items.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(); return; }
        highlight(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();  // choosing is not submitting the form
          choose(items[active]);
        } else if (open && items.length === 1) {
          event.preventDefault();
          choose(items[0]);
        }
      } else if (event.key === "Escape") {
        if (!list.classList.contains("d-none")) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });

    // A form filled from a kept draft, or emptied (form.reset() leaves a hidden input's value as it
    // was): show the name of the enterprise the hidden input holds.
    function sync() {
      var value = hidden.value;
      if (!value) { input.value = ""; return; }
      if (chosenLabel !== null && input.value === chosenLabel && box.getAttribute("data-shown-for") === value) { return; }
      var known = readRecent(key).filter(function (item) { return String(item.id) === String(value); })[0];
      input.value = known ? known.label : (/^\d+$/.test(value) && value === box.getAttribute("data-id") ? input.defaultValue : value);
      chosenLabel = input.value;
      box.setAttribute("data-shown-for", value);
    }
    box.setAttribute("data-shown-for", hidden.value);
    if (input.form) {
      input.form.addEventListener("reset", function () { setTimeout(sync, 0); });
      input.form.addEventListener("picker:sync", sync);
    }
    // The page opened with an enterprise chosen (a filter applied, a form opened again): remember it.
    var shownId = box.getAttribute("data-id");
    if (shownId && input.value && !readRecent(key).some(function (r) { return String(r.id) === shownId; })) {
      remember(key, { id: shownId, label: input.value, detail: "" });
    }
  }

  function all() { Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
