// "Copy" buttons for read-only text boxes: <button data-copy="textarea-id" data-copied="Copied." hidden>.
// Without JavaScript the buttons stay hidden and the text can be selected and copied by hand.
(function () {
  "use strict";
  function copy(button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!box) { return; }
    var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(done);
    } else {
      box.focus();
      box.select();
      if (document.execCommand("copy")) { done(); }
    }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
