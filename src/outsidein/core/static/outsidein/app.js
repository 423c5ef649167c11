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
