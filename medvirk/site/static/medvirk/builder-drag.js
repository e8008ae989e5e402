// Drag and drop on the survey builder's question list (surveys/build.html), as an enhancement.
// The "Move up" and "Move down" buttons stay and do the same one step at a time, with the
// keyboard and without JavaScript (WCAG 2.5.7). A question dropped onto another is put just
// before it: the page posts the same form a button would (action "move_before"), so the server
// checks and stores it exactly as every other move.
"use strict";
const token = document.querySelector("input[name=csrfmiddlewaretoken]");
const items = document.querySelectorAll(".mv-build-item[data-key]");
let dragged = null;

function post(key, before) {
  const form = document.createElement("form");
  form.method = "post";
  form.hidden = true;
  for (const [name, value] of [
    ["csrfmiddlewaretoken", token.value],
    ["action", "move_before"],
    ["key", key],
    ["before", before],
  ]) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}

if (token && items.length > 1) {
  for (const hint of document.querySelectorAll(".mv-drag-hint")) hint.hidden = false;
  for (const item of items) {
    item.draggable = true;
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("mv-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.key);
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("mv-dragging");
      dragged = null;
    });
    item.addEventListener("dragover", (event) => {
      if (dragged && dragged !== item) {
        event.preventDefault();
        item.classList.add("mv-drop-target");
      }
    });
    item.addEventListener("dragleave", () => item.classList.remove("mv-drop-target"));
    item.addEventListener("drop", (event) => {
      event.preventDefault();
      item.classList.remove("mv-drop-target");
      if (dragged && dragged !== item) post(dragged.dataset.key, item.dataset.key);
    });
  }
}
