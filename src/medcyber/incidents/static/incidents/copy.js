// Copy one drafted item to the clipboard, to paste it into the PPC's web form.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(field.value);
      const label = button.textContent;
      button.textContent = "✓";
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  }
});
