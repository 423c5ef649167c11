// Behaviour that would otherwise need inline scripts, which the Content-Security-Policy forbids.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-copy]");
  if (target && navigator.clipboard) {
    navigator.clipboard.writeText(target.dataset.copy);
    target.textContent = "Copied";
  }
});

// Pickers (core/pickers.py): a combobox whose options htmx fetches as the person types. Arrow keys move,
// Enter or a tap chooses, Escape closes; a multiple picker adds each choice as a removable chip.
const picker = {
  parts(root) {
    return { input: root.querySelector("[role=combobox]"), list: root.querySelector("[role=listbox]"),
             value: root.querySelector("[data-picker-value]"), chips: root.querySelector(".picker-chips") };
  },
  options(root) { return [...picker.parts(root).list.querySelectorAll("[role=option]:not([aria-disabled=true])")]; },
  open(root, open) {
    const { input, list } = picker.parts(root);
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    if (!open) input.removeAttribute("aria-activedescendant");
  },
  activate(root, option) {
    const { input } = picker.parts(root);
    picker.options(root).forEach((o) => {
      o.classList.toggle("active", o === option);
      o.setAttribute("aria-selected", String(o === option));
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  },
  choose(root, option) {
    const { input, value, chips } = picker.parts(root);
    const id = option.dataset.value, label = option.dataset.label;
    if (chips) {
      if (![...chips.querySelectorAll("input")].some((i) => i.value === id)) {
        const chip = document.createElement("li"), hidden = document.createElement("input");
        const text = document.createElement("span"), remove = document.createElement("button");
        chip.className = "picker-chip";
        Object.assign(hidden, { type: "hidden", name: root.dataset.name, value: id });
        text.textContent = label;
        Object.assign(remove, { type: "button", className: "picker-remove", textContent: "×" });
        remove.setAttribute("aria-label", `Remove ${label}`);
        chip.append(hidden, text, remove);
        chips.append(chip);
        root.dispatchEvent(new Event("change", { bubbles: true }));
      }
      input.value = "";
    } else {
      value.value = id;
      input.value = input.dataset.chosenLabel = label;
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    picker.open(root, false);
  },
};
document.addEventListener("htmx:afterSwap", (event) => {
  const root = event.target.closest("[data-picker]");
  if (!root || event.target.getAttribute("role") !== "listbox") return;
  const { input } = picker.parts(root);
  [...event.target.children].forEach((o, i) => { o.id = `${event.target.id}_${i}`; });
  picker.open(root, document.activeElement === input);
  picker.activate(root, null);
});
document.addEventListener("keydown", (event) => {
  const root = event.target.closest("[data-picker]");
  if (!root || event.target.getAttribute("role") !== "combobox") return;
  const { list } = picker.parts(root), options = picker.options(root);
  const current = options.findIndex((o) => o.classList.contains("active"));
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (list.hidden) { picker.open(root, options.length > 0); }
    const step = event.key === "ArrowDown" ? 1 : -1;
    picker.activate(root, options[(current + step + options.length) % options.length]);
  } else if (event.key === "Enter" && !list.hidden) {
    event.preventDefault();
    const option = options[current] || (options.length === 1 ? options[0] : null);
    if (option) picker.choose(root, option);
  } else if (event.key === "Escape" && !list.hidden) {
    event.preventDefault();
    picker.open(root, false);
  }
});
// Keep the focus in the text box while an option is tapped, so the tap chooses instead of closing the list.
document.addEventListener("pointerdown", (event) => {
  if (event.target.closest("[data-picker] [role=listbox]")) event.preventDefault();
});
document.addEventListener("click", (event) => {
  const option = event.target.closest("[data-picker] [role=option]:not([aria-disabled=true])");
  if (option) picker.choose(option.closest("[data-picker]"), option);
  const remove = event.target.closest("[data-picker] .picker-remove");
  if (remove) {
    const root = remove.closest("[data-picker]");
    remove.closest(".picker-chip").remove();
    root.dispatchEvent(new Event("change", { bubbles: true }));
    picker.parts(root).input.focus();
  }
});
document.addEventListener("focusout", (event) => {
  const root = event.target.closest("[data-picker]");
  if (!root || event.target.getAttribute("role") !== "combobox") return;
  const { input, value } = picker.parts(root);
  picker.open(root, false);
  if (value) {
    // A single picker shows what is chosen: emptied means no choice, half-typed text goes back to the choice.
    if (input.value.trim() === "") {
      const had = value.value !== "";
      value.value = ""; input.dataset.chosenLabel = "";
      if (had) value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    else { input.value = input.dataset.chosenLabel || ""; }
  } else {
    input.value = "";
  }
});
// What is typed in a picker is a search, not a change of the form it sits in (filter forms refresh on change).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-picker] [role=combobox]")) event.stopPropagation();
}, true);

// --- Offline (site/app_shell.py) ---------------------------------------------------------------------------
// The service worker keeps the quick log page; this keeps what is logged there while offline (IndexedDB) and
// sends each entry when the connection returns. Every entry has a client id, so one sent twice (a lost answer,
// two tabs coming back online) is logged once.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});  // plain http on a LAN address: no offline, no harm
}

const kept = {
  open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("outsidein", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("entries", { keyPath: "client_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  },
  async run(mode, work) {
    const db = await kept.open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("entries", mode), store = tx.objectStore("entries");
      let result;
      Promise.resolve(work(store)).then((r) => { result = r; });
      tx.oncomplete = () => { db.close(); resolve(result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    });
  },
  put(entry) { return kept.run("readwrite", (store) => { store.put(entry); }); },
  remove(id) { return kept.run("readwrite", (store) => { store.delete(id); }); },
  all() {
    return kept.run("readonly", (store) => new Promise((resolve) => {
      const request = store.getAll();
      request.onsuccess = () => resolve(request.result);
    }));
  },
};

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

// Only the signed-in person's entries: a shared phone never sends one person's notes as another's.
async function mine() {
  const user = document.body.dataset.user;
  return user ? (await kept.all()).filter((e) => e.user === user) : [];
}

async function showKept() {
  const box = document.getElementById("kept-entries");
  if (!box || !window.indexedDB) return;
  const entries = await mine();
  box.replaceChildren();
  box.hidden = entries.length === 0;
  if (!entries.length) return;
  const waiting = entries.filter((e) => !e.error);
  const line = document.createElement("p");
  line.textContent = waiting.length
    ? `${plural(waiting.length, "conversation is", "conversations are")} kept on this phone, to be sent when you are back online.`
    : "";
  if (waiting.length) box.append(line);
  entries.filter((e) => e.error).forEach((entry) => {
    const p = document.createElement("p"), open = document.createElement("button");
    const who = entry.fields.new_person || (entry.labels || {}).person || entry.fields.new_account
      || (entry.labels || {}).account;
    const what = entry.fields.notes ? `“${entry.fields.notes}”` : `the entry${who ? ` about ${who}` : ""}`;
    p.textContent = `Not sent: ${what}. ${entry.error} `;
    Object.assign(open, { type: "button", className: "linklike", textContent: "Open it to fix" });
    open.dataset.openKept = entry.client_id;
    p.append(open);
    box.append(p);
  });
  if (waiting.length && navigator.onLine) {
    const send = document.createElement("button");
    Object.assign(send, { type: "button", className: "secondary", textContent: "Send now" });
    send.dataset.sendKept = "";
    box.append(send);
  }
}

function formFields(form) {
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (name !== "csrfmiddlewaretoken" && name !== "q") fields[name] = value;
  }
  return fields;
}

async function keepEntry(form) {
  const fields = formFields(form), labels = {};
  form.querySelectorAll("[data-picker]:not([data-multiple])").forEach((root) => {
    labels[root.dataset.name] = picker.parts(root).input.value;
  });
  const url = new URL(form.action || location.href, location.href).pathname;
  await kept.put({ client_id: fields.client_id, url, fields, labels, user: document.body.dataset.user,
                   saved_at: Date.now() });
  form.reset();
  form.querySelectorAll("[data-picker-value]").forEach((v) => { v.value = ""; });
  form.querySelectorAll("[role=combobox]").forEach((i) => { i.value = ""; i.dataset.chosenLabel = ""; });
  form.querySelectorAll("details").forEach((d) => { d.open = false; });  // as a freshly opened form
  delete form.dataset.reopened;  // what was reopened is kept again, under its own id
  form.querySelector("[name=client_id]").value = newClientId();
  await showKept();
}

let sending = false;
async function sendKept() {
  if (sending || !navigator.onLine || !window.indexedDB) return;
  sending = true;
  try {
    for (const entry of await mine()) {
      if (entry.error) continue;
      // A fresh form token first: the one in the kept page may be older than this sign-in.
      const page = await fetch(entry.url, { credentials: "same-origin" });
      if (page.redirected && new URL(page.url).pathname.startsWith("/login")) {
        await kept.put({ ...entry, error: "you were signed out: sign in, then send it again." });
        continue;
      }
      const token = (await page.text()).match(/name="csrfmiddlewaretoken" value="([^"]+)"/);
      const body = new FormData();
      Object.entries(entry.fields).forEach(([name, value]) => body.append(name, value));
      if (token) body.append("csrfmiddlewaretoken", token[1]);
      const response = await fetch(entry.url, { method: "POST", body, credentials: "same-origin" });
      if (response.redirected && response.ok) {
        await kept.remove(entry.client_id);
      } else {
        // Refused (a field no longer valid, a role that cannot write): kept, with the server's own words.
        const html = new DOMParser().parseFromString(await response.text(), "text/html");
        const fields = [...html.querySelectorAll(".field-error")].map((field) => {
          const label = (field.querySelector("label")?.textContent || "").replace("*", "").trim();
          const errors = [...field.querySelectorAll(".errorlist li")].map((e) => e.textContent.trim()).join(" ");
          return label ? `${label} ${errors}` : errors;
        });
        const why = [...fields, ...[...html.querySelectorAll(".flash.error p, .error-page h1 + p")]
          .map((e) => e.textContent.trim())].filter(Boolean);
        await kept.put({ ...entry, error: why.join(" ") || `the server answered ${response.status}.` });
      }
    }
  } catch (error) {
    // The connection went again: what is left stays kept for the next time.
  } finally {
    sending = false;
    await showKept();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-keep-offline]");
  if (form) {
    const id = form.querySelector("[name=client_id]");
    if (id && !id.value) id.value = newClientId();
    form.addEventListener("submit", async (event) => {
      if (!window.indexedDB) return;
      const reopened = form.dataset.reopened;
      if (navigator.onLine && !reopened) return;  // online: the form posts as any other
      event.preventDefault();
      if (!navigator.onLine) { await keepEntry(form); return; }
      // A kept entry opened to fix leaves the phone only as it is sent: its words are on this page from now on.
      await kept.remove(reopened);
      delete form.dataset.reopened;
      form.submit();
    });
  }
  // Keep this workspace's quick log on the phone for the next time there is no signal.
  const log = document.querySelector("a.log-button");
  if (log && window.caches && navigator.onLine) {
    caches.open("pages").then(async (cache) => {
      if (await cache.match(log.href)) return;
      const response = await fetch(log.href, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(log.href, response);
    }).catch(() => {});
  }
  showKept().then(sendKept).catch(() => {});
});
window.addEventListener("online", () => { showKept().then(sendKept); });
window.addEventListener("offline", () => { showKept(); });
// Signing out takes the kept pages (names of customers among them) off the phone; unsent entries stay, for the
// same person's next sign-in.
document.addEventListener("submit", (event) => {
  if (window.caches && event.target.matches("form[action='/logout/']")) caches.delete("pages");
});
document.addEventListener("DOMContentLoaded", () => {
  if (window.caches && !document.body.dataset.user) caches.delete("pages");  // signed out (or timed out)
});
document.addEventListener("click", async (event) => {
  if (event.target.closest("[data-send-kept]")) sendKept();
  const open = event.target.closest("[data-open-kept]");
  if (!open) return;
  const entry = (await mine()).find((e) => e.client_id === open.dataset.openKept);
  if (!entry) return;
  if (location.pathname !== entry.url) { location.href = `${entry.url}#kept-${entry.client_id}`; return; }
  fillFromKept(entry);
});

async function fillFromKept(entry) {
  const form = document.querySelector("form[data-keep-offline]");
  if (!form) return;
  Object.entries(entry.fields).forEach(([name, value]) => {
    const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (field) field.value = value;
  });
  Object.entries(entry.labels || {}).forEach(([name, label]) => {
    const root = form.querySelector(`[data-picker][data-name="${CSS.escape(name)}"]`);
    if (root) { const { input } = picker.parts(root); input.value = input.dataset.chosenLabel = label; }
  });
  if (entry.fields.new_person || entry.fields.new_account) form.querySelector("details.someone-new").open = true;
  form.dataset.reopened = entry.client_id;  // kept until the form is sent (see the submit handler)
  await showKept();
  form.querySelector("[name=notes]").focus();
}
document.addEventListener("DOMContentLoaded", async () => {
  const wanted = location.hash.startsWith("#kept-") && location.hash.slice(6);
  if (!wanted || !window.indexedDB) return;
  const entry = (await mine()).find((e) => e.client_id === wanted);
  if (entry) fillFromKept(entry);
});
