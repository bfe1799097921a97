// civicmod console: live queue updates (server-sent events) and keyboard shortcuts.
"use strict";

function typing(target) {
  return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                    target.tagName === "SELECT");
}

function liveQueue() {
  const box = document.getElementById("queue");
  if (!box || !window.EventSource) return;
  const order = box.dataset.order || "newest";
  const events = new EventSource("/queue/events");
  events.addEventListener("queue", async () => {
    const response = await fetch("/queue/rows?order=" + encodeURIComponent(order),
                                 {credentials: "same-origin"});
    if (response.ok) box.innerHTML = await response.text();
  });
}

function shortcuts() {
  const form = document.getElementById("act-form");
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Enter" && event.target.id === "reason" && !event.shiftKey && form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.key === "n") {
      window.location.href = "/queue/next";
      return;
    }
    if (!form) return;
    const choice = form.querySelector(`input[name="kind"][data-key="${event.key}"]`);
    if (choice) {
      event.preventDefault();
      choice.checked = true;
      document.getElementById("reason").focus();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => { liveQueue(); shortcuts(); });
