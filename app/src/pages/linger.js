// The offer of a person waits hidden on a page of help content until the page has
// been in view for `data-linger-after` seconds: time in a background tab or a
// minimised window does not count. Then it shows itself and tells the server, with
// the dismiss form's own token and page, which records why a person was offered.
(() => {
  const offer = document.querySelector("[data-linger-after]");
  if (!offer) return;
  const needed = Number(offer.dataset.lingerAfter) * 1000;
  let counted = 0;
  let visibleSince = document.visibilityState === "visible" ? performance.now() : null;
  let timer = null;
  const inView = () => counted + (visibleSince === null ? 0 : performance.now() - visibleSince);
  const show = () => {
    document.removeEventListener("visibilitychange", onVisibility);
    offer.hidden = false;
    offer.dataset.testid = "chat-offer";
    const report = new URLSearchParams(new FormData(offer.querySelector("form")));
    report.set("seconds", String(Math.floor(inView() / 1000)));
    // Unrecorded, the offer still stands on this page: nothing to tell the visitor,
    // and the attribute says which it was for anyone looking.
    const reported = (outcome) => { offer.dataset.lingerReported = outcome; };
    fetch(offer.dataset.reportTo, { method: "POST", body: report, credentials: "same-origin", keepalive: true })
      .then((response) => reported(response.ok ? "yes" : "no"), () => reported("no"));
  };
  const wait = () => {
    clearTimeout(timer);
    if (visibleSince === null) return;
    const left = needed - inView();
    if (left <= 0) show();
    else timer = setTimeout(wait, left);
  };
  const onVisibility = () => {
    if (document.visibilityState === "visible") {
      visibleSince ??= performance.now();
    } else if (visibleSince !== null) {
      counted += performance.now() - visibleSince;
      visibleSince = null;
    }
    wait();
  };
  document.addEventListener("visibilitychange", onVisibility);
  wait();
})();
