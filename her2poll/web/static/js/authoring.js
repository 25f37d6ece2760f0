/* her2poll authoring pages: show the fields of the chosen item type, add option rows
 * (with their source fields), ask before deleting an item.
 *
 * The pages work without this script (every field is then shown and the server reads
 * only the ones of the item's type); it only makes the form shorter and safer.
 */

function showTypeFields(form) {
  const type = form.querySelector("[name=type]").value;
  for (const el of form.querySelectorAll("[data-types]")) {
    const wanted = el.dataset.types.split(" ").includes(type);
    el.hidden = !wanted;
    // A hidden field is not sent, so a value typed for another type never reaches the server.
    for (const input of el.querySelectorAll("input, textarea, select")) input.disabled = !wanted;
  }
}

function initItemForm(form) {
  const type = form.querySelector("[name=type]");
  type.addEventListener("change", () => showTypeFields(form));
  showTypeFields(form);
  labelExtras(form);
  const more = document.getElementById("more-options");
  if (!more) return; // an answered item takes no new options
  const rows = () => [...form.querySelectorAll(".option-row")];
  const refresh = () => {
    more.hidden = !rows().some((r) => r.hidden);
  };
  more.addEventListener("click", () => {
    const next = rows().find((r) => r.hidden);
    if (!next) return;
    next.hidden = false;
    next.querySelector("input").focus();
    refresh();
  });
  refresh();
}

/** An option's source fields appear once it has a text, headed with it as it is typed. */
function labelExtras(form) {
  for (const extra of form.querySelectorAll(".option-extra")) {
    const text = form.querySelector(`[name="options-${extra.dataset.row}-text"]`);
    const label = extra.querySelector(".extra-label");
    if (!text || !label) continue;
    text.addEventListener("input", () => {
      const typed = text.value.trim();
      label.textContent = typed ? `: ${typed}` : "";
      if (typed) extra.hidden = false;
    });
  }
}

function initConfirms() {
  for (const form of document.querySelectorAll("form.confirm-delete")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(`Delete ${form.dataset.what}? This cannot be undone.`)) {
        event.preventDefault();
      }
    });
  }
}

const itemForm = document.getElementById("item-form");
if (itemForm) initItemForm(itemForm);
initConfirms();
