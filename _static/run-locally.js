// Copy the "run this chapter locally" command of the launch menu
// (the menu entry comes from _ext/run_locally.py). Works offline and from file://.
function copyRunCommand(button, command) {
  const label = button.querySelector(".btn__text-container");
  const original = label.textContent;
  const done = (text) => {
    label.textContent = text;
    setTimeout(() => { label.textContent = original; }, 2500);
  };
  // ClipboardJS ships with sphinx-copybutton and also works outside secure contexts.
  if (window.ClipboardJS && ClipboardJS.copy(command) === command) {
    done("Copied: " + command);
  } else {
    window.prompt("Copy this command:", command);
  }
}
