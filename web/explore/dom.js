// A few DOM helpers: elements are built, never parsed from strings, so no text from the graph
// is ever read as HTML.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const byId = (id) => document.getElementById(id);

export function replace(parent, ...children) {
  parent.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

export const words = (value) => (value ? String(value).toLowerCase().replaceAll("_", " ") : "");

export const score = (value) => (typeof value === "number" ? value.toFixed(2) : "–");

/** Offers a blob as a download with a file name. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A search box with a list box under it (the ARIA combobox pattern): arrows move, Enter picks,
 * Escape closes. `find(text)` returns options { id, label, detail, value }; `pick(value)` acts.
 */
export function combobox(input, list, { find, pick }) {
  let options = [];
  let active = -1;
  let timer;
  let asked = 0;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const show = () => {
    replace(
      list,
      options.map((option, i) =>
        h(
          "div",
          {
            id: `${list.id}-${i}`,
            role: "option",
            "aria-selected": i === active ? "true" : "false",
            class: i === active ? "active" : undefined,
            onmousedown: (event) => {
              event.preventDefault();
              choose(i);
            },
          },
          h("span", { class: "option-label" }, option.label),
          option.detail ? h("span", { class: "option-detail" }, option.detail) : null,
        ),
      ),
    );
    if (!options.length)
      replace(list, h("div", { class: "empty", role: "option", "aria-disabled": "true", "aria-selected": "false" }, "No match"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (active >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };
  const choose = (i) => {
    const option = options[i];
    if (!option) return;
    close();
    input.value = option.label;
    pick(option.value);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return close();
    timer = setTimeout(async () => {
      const ask = ++asked;
      const found = await find(text).catch(() => []);
      if (ask !== asked) return; // a later keystroke's answer wins
      options = found;
      active = found.length ? 0 : -1;
      show();
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + options.length) % options.length;
      show();
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      }
    } else if (event.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}
