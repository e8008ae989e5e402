// Escape closes an open term explanation (WCAG 1.4.13: content on hover or focus is dismissible).
// Without this script the explanation still closes when the pointer or the focus moves away.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".mv-term").forEach((term) => term.classList.add("mv-term--closed"));
});
document.addEventListener("focusin", (event) => {
  const term = event.target.closest && event.target.closest(".mv-term");
  if (term) term.classList.remove("mv-term--closed");
});
document.addEventListener("mouseover", (event) => {
  const term = event.target.closest && event.target.closest(".mv-term");
  if (term) term.classList.remove("mv-term--closed");
});
